"""The first hour with tinyapp: where the data lives, help that helps, one-line errors, demo,
shell, and a restore that will not run under a live server."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import databases
from tests.support.live import served_url
from tinyapp import db, server
from tinyapp.cli import main
from tinyapp.config import load_settings
from tinyapp.models import Category, Customer, Order, Product

ROOT = Path(__file__).resolve().parent.parent


def tinyapp(*args: str, cwd: Path, env: dict | None = None, stdin: str | None = None,
            timeout: int = 120) -> subprocess.CompletedProcess:
    """Run `python -m tinyapp ARGS` as a user would: no TINYAPP_* from the test's environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TINYAPP_")}
    return subprocess.run([sys.executable, "-m", "tinyapp", *args], cwd=cwd,
                          env={**clean, **(env or {})}, input=stdin, capture_output=True,
                          text=True, timeout=timeout)


# -- where the data lives --

def test_a_checkout_keeps_its_data_in_its_own_data_folder_wherever_it_starts(tmp_path,
                                                                             monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings.DATA_DIR == ROOT / "data"
    assert settings.DATABASE_URL == f"sqlite:///{ROOT / 'data' / 'tinyapp.db'}"
    assert dict((n, s) for n, _, s in settings.describe())["DATA_DIR"] == \
        "default: this checkout's data folder"


def test_serve_says_where_the_data_is_and_when_it_starts_a_new_database_beside_another(
        tmp_path, monkeypatch, capsys):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "tinyapp.db").touch()  # what `./data` held: a database
    monkeypatch.chdir(tmp_path)
    settings = load_settings({"DATA_DIR": str(tmp_path / "new"), "LOG_LEVEL": "warning"},
                             environ={})
    server.prepare(settings)
    out = capsys.readouterr().out
    assert f"data: {tmp_path / 'new'} (from flag --data-dir)" in out
    assert (f"note: starting with a new, empty database at {tmp_path / 'new' / 'tinyapp.db'}; "
            f"another tinyapp database is at {tmp_path / 'data' / 'tinyapp.db'}") in out


def test_check_says_where_the_secret_key_really_comes_from(tmp_path, capsys):
    flags = ["check", "--data-dir", str(tmp_path)]
    main(flags)
    assert f"(made into {tmp_path / 'secret_key'} on first start)" in capsys.readouterr().out
    (tmp_path / "secret_key").write_text("kept")
    main(flags)
    line = next(line for line in capsys.readouterr().out.splitlines() if "SECRET_KEY" in line)
    assert "(set)" in line and f"file {tmp_path / 'secret_key'}" in line


# -- help --

def test_each_command_lists_only_its_own_options_with_typed_placeholders(capsys):
    for command, absent, present in (
            ("passwd", ["--backup-keep-weekly", "--port", "VALUE"], ["--data-dir DIR"]),
            ("backup", ["--port PORT", "--threads"], ["--backup-keep N",
                                                        "--database-url URL"]),
            ("serve", ["VALUE", "True"], ["--port PORT", "--pool-timeout SECONDS",
                                          "--cache-lists, --no-cache-lists",
                                          "One of debug, info, warning, error",
                                          "--backup-interval DURATION"])):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        assert not [word for word in absent if word in text], command
        assert all(word in " ".join(text.split()) for word in present), (command, text)
    with pytest.raises(SystemExit):
        main(["passwd", "--help"])
    assert len(capsys.readouterr().out.splitlines()) < 30


# -- errors a user can cause: one line, what and how to fix --

def one_line(result: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_missing_database_driver_names_the_pip_command(tmp_path):
    # Python finds no psycopg2 module at all, as on a machine without the extra.
    code = ("import sys; sys.modules['psycopg2'] = None; sys.modules['psycopg'] = None\n"
            "from tinyapp.cli import main\n"
            "sys.exit(main(['migrate', '--database-url', "
            "'postgresql://tinyapp@127.0.0.1:5432/tinyapp']))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert one_line(result) == (
        "tinyapp: error: the psycopg2 driver for DATABASE_URL is not installed: "
        "pip install -e '.[postgres]' in a checkout, or pip install 'tinyapp[postgres]'")


def test_a_port_in_use_names_the_port_and_the_way_out(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = tinyapp("serve", "--port", str(port), "--data-dir", str(tmp_path),
                         "--log-level", "warning", cwd=tmp_path)
    assert result.returncode == 1
    assert one_line(result) == (
        f"tinyapp: error: port {port} on 127.0.0.1 is already in use (is tinyapp running "
        "already?): stop the other server, or pick another port with --port (--port 0 takes "
        "any free one)")


@pytest.mark.parametrize("host", ["203.0.113.7", "no-such-host.invalid"])
def test_a_host_that_is_not_this_machine_says_which_to_use(tmp_path, host):
    result = tinyapp("serve", "--host", host, "--port", "0", "--data-dir", str(tmp_path),
                     "--log-level", "warning", cwd=tmp_path)
    assert result.returncode == 1
    assert one_line(result).startswith(f"tinyapp: error: cannot listen on {host}:0: "
                                       f"{host!r} is not an address of this machine; use "
                                       "--host 127.0.0.1")


def test_a_failed_operation_is_one_line_on_stderr(tmp_path, capsys):
    assert main(["restore", str(tmp_path / "missing"), "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err


# -- demo: all of it or nothing --

@pytest.mark.parametrize("how", ["INT", "KILL"], ids=["ctrl-c", "kill"])
def test_an_interrupted_demo_leaves_the_database_as_it_was(tmp_path, how):
    data = tmp_path / "data"
    assert tinyapp("migrate", "up", "--data-dir", str(data), cwd=tmp_path).returncode == 0
    result = tinyapp("demo", "--size", "medium", "--data-dir", str(data), cwd=tmp_path,
                     env={"TINYAPP_KILL_AT": "demo:products" + (":INT" if how == "INT" else "")})
    if how == "INT":
        assert result.returncode == 130
        assert one_line(result) == ("tinyapp: error: interrupted: no demo data was added, the "
                                    "database is as it was")
    else:
        assert result.returncode == -signal.SIGKILL
    settings = load_settings({"DATA_DIR": str(data)}, environ={})
    databases.use(settings)
    with db.database.connection_context():
        assert [m.select().count() for m in (Category, Product, Customer, Order)] == [0, 0, 0, 0]
    db.database.close_all()
    again = tinyapp("demo", "--data-dir", str(data), cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_demo_into_a_database_with_data_names_the_way_out(tmp_path):
    data = str(tmp_path / "data")
    assert tinyapp("demo", "--data-dir", data, cwd=tmp_path).returncode == 0
    result = tinyapp("demo", "--data-dir", data, cwd=tmp_path)
    assert result.returncode == 1
    assert "tinyapp demo --data-dir /tmp/tinyapp-demo" in one_line(result)


# -- shell: scripts from stdin or -c --

@pytest.mark.parametrize("how,script,code", [
    ("stdin", "x = 1/0\n", 1), ("stdin", "print(Product.select().count())\n", 0),
    ("-c", "import sys; sys.exit(3)", 3), ("-c", "raise ValueError('no')", 1)])
def test_shell_runs_a_script_and_exits_as_python_would(tmp_path, how, script, code):
    data = str(tmp_path / "data")
    assert tinyapp("migrate", "up", "--data-dir", data, cwd=tmp_path).returncode == 0
    args = ["shell", "--data-dir", data] + (["-c", script] if how == "-c" else [])
    result = tinyapp(*args, cwd=tmp_path, stdin=script if how == "stdin" else None)
    assert result.returncode == code, result.stderr
    assert ">>>" not in result.stdout
    if code == 0:
        assert result.stdout == "0\n"
    elif code == 1:
        assert "Traceback" in result.stderr and "tinyapp/cli" not in result.stderr


# -- restore refuses to run under a live server --

def test_restore_refuses_while_a_server_serves_the_same_database(engine, own_settings, tmp_path):
    env = {"TINYAPP_DATA_DIR": str(own_settings.DATA_DIR), "TINYAPP_LOG_LEVEL": "warning",
           "TINYAPP_DATABASE_URL": own_settings.DATABASE_URL, "TINYAPP_SECRET_KEY": "test"}
    assert tinyapp("backup", cwd=tmp_path, env=env).returncode == 0
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TINYAPP_")}
    serving = subprocess.Popen([sys.executable, "-m", "tinyapp", "serve", "--port", "0"],
                               cwd=tmp_path, env={**clean, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        served_url(serving)
        refused = tinyapp("restore", "latest", "--force", cwd=tmp_path, env=env)
        assert refused.returncode == 1
        assert "a tinyapp server is serving" in one_line(refused)
        assert "--force-while-running" in refused.stderr
        forced = tinyapp("restore", "latest", "--force", "--force-while-running",
                         cwd=tmp_path, env=env)
        assert forced.returncode == 0, forced.stderr
        assert "still holds pages cached in its memory from before: restart it" in forced.stdout
    finally:
        serving.terminate()
        serving.wait(timeout=30)
    after = tinyapp("restore", "latest", "--force", cwd=tmp_path, env=env)
    assert after.returncode == 0, after.stderr  # the server is gone: restore goes ahead


def test_verify_builds_in_a_scratch_database_it_is_given(engine, own_settings, server_url,
                                                          tmp_path, capsys):
    if engine == "sqlite":
        pytest.skip("a SQLite backup is verified in a temporary file")
    flags = ["--data-dir", str(own_settings.DATA_DIR), "--database-url",
             own_settings.DATABASE_URL]
    assert main(["backup", *flags]) == 0
    scratch = databases.create_scratch(server_url, tmp_path)
    try:
        assert main(["verify", "latest", "--scratch-url", scratch, *flags]) == 0
        assert "is restorable" in capsys.readouterr().out
        left = db.make_database(scratch)
        assert left.get_tables() == []  # emptied again
        left.execute_sql("CREATE TABLE leftover (id INTEGER)")
        left.close_all()
        assert main(["verify", "latest", "--scratch-url", scratch, *flags]) == 1
        assert "holds tables: give an empty one" in capsys.readouterr().out
    finally:
        databases.drop_scratch(scratch)


# -- logs: each event once, readable lines --

def test_each_event_is_said_once(tmp_path):
    data = str(tmp_path / "data")
    migrated = tinyapp("migrate", "up", "--data-dir", data, cwd=tmp_path)
    said = migrated.stdout + migrated.stderr
    assert said.count("0001_initial") == 1, said
    backed_up = tinyapp("backup", "--data-dir", data, cwd=tmp_path)
    said = backed_up.stdout + backed_up.stderr
    assert said.count("backup written") == 1, said


def test_a_slow_bulk_insert_is_logged_in_one_readable_line(caplog):
    from tinyapp import querylog

    querylog.set_slow_threshold(0)
    try:
        sql = "INSERT INTO products (sku) VALUES " + ", ".join(["(?)"] * 5000)
        with caplog.at_level("WARNING", logger="tinyapp.sql"):
            querylog.record(sql, ["x"] * 5000, 0.5)
    finally:
        querylog.set_slow_threshold(200)
    [line] = [record.getMessage() for record in caplog.records]
    assert len(line) < 400 and line.endswith(f"({len(sql):,} characters)")
    assert any(q.sql == sql for q in querylog.slow_queries())  # the system page shows it all


def test_demo_draws_a_progress_bar_on_a_terminal(tmp_path):
    import pty

    data = str(tmp_path / "data")
    leader, follower = pty.openpty()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TINYAPP_")}
    process = subprocess.Popen([sys.executable, "-m", "tinyapp", "demo", "--data-dir", data],
                               cwd=tmp_path, env=clean, stdout=subprocess.PIPE,
                               stderr=follower, text=True)
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process ended
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0
    assert b"\rproducts" in drawn and b"[##############################] 100%" in drawn
    assert b"INFO" not in drawn  # the bar, not log lines
