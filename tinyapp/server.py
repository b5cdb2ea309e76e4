"""Start serving: prepare the data folder and database, then hand the app to waitress."""

import logging
import signal
import sys
import threading
import webbrowser

import waitress

from tinyapp import __version__, db, migrations
from tinyapp.backup.schedule import start_schedule
from tinyapp.config import Settings, ensure_secret_key, mask_url
from tinyapp.web.app import create_app

log = logging.getLogger("tinyapp.server")


def prepare(settings: Settings) -> Settings:
    """Create the data folder and secret key, check the database, apply migrations."""
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    settings = ensure_secret_key(settings)
    db.init_database(settings)
    db.ping()
    with db.database.connection_context():
        if settings.MIGRATE_ON_START:
            for name in migrations.upgrade():
                log.info("applied migration %s", name)
        elif migrations.pending():
            log.warning("migrations pending (%s); run `tinyapp migrate up`",
                        ", ".join(migrations.pending()))
    return settings


def serve(settings: Settings, open_browser: bool = False) -> None:
    """Run tinyapp with waitress until interrupted (Ctrl+C or SIGTERM)."""
    settings = prepare(settings)
    app = create_app(settings)
    server = waitress.create_server(app, **waitress_options(settings))
    # The socket is listening now, so the printed URL already answers (port 0 = any free).
    url = f"http://{_display_host(settings.HOST)}:{server.effective_port}/"
    print(f"tinyapp {__version__} serving {url} "
          f"(database {mask_url(settings.DATABASE_URL)}, {settings.THREADS} threads)",
          flush=True)
    with db.database.connection_context():
        setup_link = app.bottle.config["tinyapp.first_run"].pending_link(url)
    if setup_link:
        print(f"No admin yet: open this one-time link to create the first one:\n  {setup_link}",
              flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    # systemd and friends stop services with SIGTERM: leave as cleanly as on Ctrl+C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    backups = start_schedule(settings)  # None when BACKUP_INTERVAL is 0 (off)
    try:
        server.run()
    finally:
        if backups is not None:
            backups.stop()
        server.close()
        db.database.close_all()


def waitress_options(settings: Settings) -> dict:
    """The waitress settings tinyapp runs with (benchmarks and tests use the same)."""
    # X-Forwarded-* headers are judged by tinyapp's middleware against TRUSTED_PROXY;
    # waitress must pass them through instead of deleting them on its own.
    # waitress reads a whole body (up to 1 GB, to a temporary file) before tinyapp sees
    # the request: a body far over MAX_BODY_BYTES is refused (413) before it is read.
    # Up to twice the limit, tinyapp answers itself, in its own format.
    return {"host": settings.HOST, "port": settings.PORT, "threads": settings.THREADS,
            "ident": "tinyapp", "channel_timeout": 60, "connection_limit": 1000,
            "clear_untrusted_proxy_headers": False,
            "max_request_body_size": 2 * settings.MAX_BODY_BYTES}


def _display_host(host: str) -> str:
    return "127.0.0.1" if host in ("0.0.0.0", "") else host
