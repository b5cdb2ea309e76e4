"""Start serving: prepare the data folder and database, then hand the app to waitress."""

import errno
import logging
import signal
import socket
import sys
import threading
import webbrowser
from pathlib import Path

import platformdirs
import waitress

from tinyapp import __version__, db, migrations, outbox
from tinyapp.backup.schedule import start_schedule
from tinyapp.config import (
    Settings,
    default_data_dir,
    describe_data_dir,
    ensure_secret_key,
    mask_url,
)
from tinyapp.files import private_folder
from tinyapp.mail import Mailer
from tinyapp.services import figures
from tinyapp.serving import marked_as_served
from tinyapp.web.app import create_app

log = logging.getLogger("tinyapp.server")


def prepare(settings: Settings) -> Settings:
    """Say where the data is, create the data folder and the secret key."""
    print(f"data: {describe_data_dir(settings)}", flush=True)
    new_database = db.sqlite_path(settings.DATABASE_URL)
    if new_database is not None and not new_database.exists():
        for other in other_databases(settings):
            print(f"note: starting with a new, empty database at {new_database}; another "
                  f"tinyapp database is at {other} (--data-dir {other.parent} uses it)",
                  flush=True)
    private_folder(settings.DATA_DIR)
    return ensure_secret_key(settings)


def migrate(settings: Settings, database: db.Database) -> None:
    """Check that the database answers, and apply pending migrations (MIGRATE_ON_START).

    Counts the daily sales figures again when TIMEZONE changed (services/figures.py).
    """
    database.ping()
    with database.bound(), database.connection():
        if settings.MIGRATE_ON_START:
            for name in migrations.upgrade():
                log.info("applied migration %s", name)
            if figures.recount_if_zone_changed(settings.TIMEZONE):
                log.info("counted the daily sales figures again in %s", settings.TIMEZONE)
        elif migrations.pending():
            log.warning("migrations pending (%s); run `tinyapp migrate up`",
                        ", ".join(migrations.pending()))
        elif figures.figures_zone() != settings.TIMEZONE:
            raise ServeError(f"TIMEZONE is {settings.TIMEZONE}, but the daily sales figures "
                             f"are counted in {figures.figures_zone()}: run `tinyapp migrate "
                             "up` to count them again (or set MIGRATE_ON_START=true)")


def warn_of_the_sqlite_library(settings: Settings) -> None:
    """Log it at start when the SQLite library has the WAL-reset bug: the log is where
    whoever started tinyapp looks (/readyz, the system page and `tinyapp check` say it
    too, with the fix)."""
    warning = db.sqlite_path(settings.DATABASE_URL) and db.sqlite_library_warning()
    if warning:
        log.warning("%s", warning)


def other_databases(settings: Settings) -> list[Path]:
    """The SQLite databases where tinyapp keeps data by default, other than this one."""
    places = [default_data_dir(), Path.cwd() / "data",
              Path(platformdirs.user_data_dir("tinyapp", appauthor=False))]
    mine = db.sqlite_path(settings.DATABASE_URL).resolve()
    found = [(place / "tinyapp.db").resolve() for place in places]
    return [path for path in dict.fromkeys(found) if path != mine and path.is_file()]


def serve(settings: Settings, open_browser: bool = False) -> None:
    """Run tinyapp with waitress until interrupted (Ctrl+C or SIGTERM)."""
    settings = prepare(settings)
    app = create_app(settings)
    migrate(settings, app.database)
    server = listen(app, settings)
    warn_of_the_sqlite_library(settings)  # once it serves: a failed start stays one line
    # The socket is listening now, so the printed URL already answers (port 0 = any free).
    url = f"http://{_display_host(settings.HOST)}:{server.effective_port}/"
    print(f"tinyapp {__version__} serving {url} "
          f"(database {mask_url(settings.DATABASE_URL)}, {settings.THREADS} threads)",
          flush=True)
    with app.database.bound(), app.database.connection():
        setup_link = app.bottle.config["tinyapp.first_run"].pending_link(url)
    if setup_link:
        print(f"No admin yet: open this one-time link to create the first one:\n  {setup_link}",
              flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    if open_browser:  # the socket listens already; a thread, as some browsers block
        threading.Thread(target=webbrowser.open, args=(setup_link or url,), daemon=True).start()
    # systemd and friends stop services with SIGTERM: leave as cleanly as on Ctrl+C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    backups = start_schedule(settings, app.database)  # None when BACKUP_INTERVAL is 0 (off)
    webhooks = outbox.Sender(app.database, settings.WEBHOOK_RETRY_SECONDS,
                             mailer=Mailer(settings.SMTP_URL, settings.SMTP_FROM),
                             digest_hour=settings.DIGEST_HOUR).start()
    try:
        with marked_as_served(settings.DATABASE_URL):  # restore refuses meanwhile
            server.run()
    finally:
        webhooks.stop()
        if backups is not None:
            backups.stop()
        server.close()
        app.close()


def listen(app, settings: Settings):
    """Open the listening socket; a port in use or an unknown address is a one-line error."""
    where = f"{settings.HOST}:{settings.PORT}"
    not_here = (f"cannot listen on {where}: {settings.HOST!r} is not an address of this "
                "machine; use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every "
                "network interface)")
    try:
        return waitress.create_server(app, **waitress_options(settings))
    except ValueError:  # waitress' words for a host name that resolves to nothing
        raise ServeError(not_here) from None
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"port {settings.PORT} on {settings.HOST} is already in use (is "
                             "tinyapp running already?): stop the other server, or pick "
                             "another port with --port (--port 0 takes any free one)") from None
        if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
            raise ServeError(not_here) from None
        if exc.errno == errno.EACCES:
            raise ServeError(f"cannot listen on {where}: ports below 1024 need root; use "
                             "--port 8080, or a reverse proxy (see the README)") from None
        raise ServeError(f"cannot listen on {where}: {exc.strerror or exc}") from None


class ServeError(Exception):
    """tinyapp cannot start serving; the message says what to change."""


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
