"""Configuration: defaults < config file < environment < flags, validated at start."""

import os
import stat

import pytest

from tinyapp.cli import main
from tinyapp.config import SETTINGS, ConfigError, ensure_secret_key, load_settings, mask_url


def write_ini(folder, **values):
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["[tinyapp]"] + [f"{key.lower()} = {value}" for key, value in values.items()]
    path = folder / "tinyapp.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_defaults_apply_when_nothing_is_configured(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path)}, environ={})
    assert settings.PORT == 8080
    assert settings.HOST == "127.0.0.1"
    assert settings.DATABASE_URL == f"sqlite:///{tmp_path / 'tinyapp.db'}"
    assert settings.BACKUP_DIR == tmp_path / "backups"
    assert settings.source("PORT") == "default"


# Three distinct valid values per key: for the file, the environment and a flag.
SAMPLES = {
    "DATA_DIR": ("/srv/a", "/srv/b", "/srv/c"),
    "DATABASE_URL": ("sqlite:///a.db", "postgresql://u:p@h/b", "mysql://u:p@h/c"),
    "SECRET_KEY": ("file-key", "env-key", "flag-key"),
    "HOST": ("0.0.0.0", "127.0.0.2", "::1"),
    "PORT": ("8001", "8002", "8003"),
    "THREADS": ("2", "3", "4"),
    "MIGRATE_ON_START": ("false", "true", "no"),
    "POOL_MAX_CONNECTIONS": ("5", "6", "7"),
    "POOL_STALE_TIMEOUT": ("60", "120", "180"),
    "POOL_TIMEOUT": ("1", "2", "3"),
    "STATEMENT_TIMEOUT": ("5", "0", "30"),
    "MAX_BODY_BYTES": ("10000", "20000", "30000"),
    "CACHE_URL": ("redis://h1:6379/0", "memory://", "redis://h3:6379/2"),
    "CACHE_LISTS": ("false", "true", "off"),
    "BACKUP_DIR": ("/srv/backup-a", "/srv/backup-b", "/srv/backup-c"),
    "BACKUP_INTERVAL": ("1h", "90m", "1d"),
    "BACKUP_KEEP": ("3", "5", "7"),
    "BACKUP_KEEP_DAILY": ("0", "7", "14"),
    "BACKUP_KEEP_WEEKLY": ("0", "4", "8"),
    "BACKUP_COPY_TO": ("/mnt/a", "/mnt/b", "/mnt/c"),
    "TIMEZONE": ("Europe/Paris", "America/Los_Angeles", "Asia/Tokyo"),
    "LOG_LEVEL": ("debug", "warning", "error"),
    "LOG_FORMAT": ("json", "text", "json"),
    "SLOW_QUERY_MS": ("10", "20", "30"),
    "SHOW_SQL": ("true", "false", "on"),
    "LOGIN_SLOTS": ("1", "3", "8"),
    "METRICS_ALLOW": ("10.0.0.0/8", "127.0.0.1", "192.0.2.7, 198.51.100.0/24"),
    "SESSION_IDLE_MINUTES": ("10", "20", "30"),
    "SESSION_MAX_HOURS": ("1", "2", "3"),
    "TRUSTED_PROXY": ("10.0.0.1", "10.0.0.2", "10.0.0.3"),
    "SECURE_COOKIES": ("true", "false", "yes"),
    "CURRENCY": ("GBP", "usd", "CHF"),
    "WEBHOOK_RETRY_SECONDS": ("2", "30", "600"),
    "SMTP_URL": ("smtp://a.example", "smtp://u:p@b.example:587", "smtps://c.example"),
    "SMTP_FROM": ("a@example.org", "b@example.org", "c@example.org"),
    "DIGEST_HOUR": ("6", "0", "23"),
}


def test_every_setting_has_layering_samples():
    assert set(SAMPLES) == {s.name for s in SETTINGS}


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_each_layer_overrides_the_one_below(tmp_path, setting):
    """For every key: the file beats the default, the environment the file, a flag all."""
    in_file, in_env, in_flag = SAMPLES[setting.name]
    ini = write_ini(tmp_path / "conf", **{setting.name: in_file})
    environ = {"TINYAPP_CONFIG": str(ini)}

    from_file = load_settings({}, environ=environ)
    environ[setting.env_name] = in_env
    from_env = load_settings({}, environ=environ)
    from_flag = load_settings({setting.name: in_flag}, environ=environ)

    assert from_file.source(setting.name) == f"file {ini}"
    assert from_env.source(setting.name) == f"environment {setting.env_name}"
    assert from_flag.source(setting.name) == f"flag {setting.flag}"
    for layer, text in ((from_file, in_file), (from_env, in_env), (from_flag, in_flag)):
        assert getattr(layer, setting.name) == setting.parse(text)


def test_config_file_in_the_data_dir_is_read_without_tinyapp_config(tmp_path):
    write_ini(tmp_path, port="9001")
    settings = load_settings({"DATA_DIR": str(tmp_path)}, environ={})
    assert settings.PORT == 9001
    assert settings.source("PORT") == f"file {tmp_path / 'tinyapp.ini'}"


@pytest.mark.parametrize("key, value, allowed", [
    ("PORT", "http", "whole number from 0 to 65535"),
    ("PORT", "70000", "whole number from 0 to 65535"),
    ("THREADS", "0", "whole number from 1 to 256"),
    ("LOG_FORMAT", "xml", "one of text, json"),
    ("SECURE_COOKIES", "maybe", "true or false"),
    ("DATABASE_URL", "oracle://x/y", "sqlite:///"),
    ("CACHE_URL", "memcached://x", "memory:// or a redis"),
    ("DATABASE_URL", "postgresql://app:s3cret@db:543x/shop", "port, if any, is a whole"),
    ("DATABASE_URL", "sqlite://", "SQLite URL that names its file"),
    ("DATABASE_URL", "sqlite:///:memory:", "SQLite URL that names its file"),
    ("DATABASE_URL", "postgresql://app@db", "URL that names the database"),
    ("DATABASE_URL", "mysql://root@db:3306/", "URL that names the database"),
    ("CACHE_URL", "redis://cache:99999/0", "port, if any, is a whole"),
    ("BACKUP_INTERVAL", "weekly", "duration"),
    ("CURRENCY", "euro", "ISO 4217 currency code"),
    ("SMTP_URL", "mail.example.org", "smtp://"),
    ("SMTP_FROM", "shop", "e-mail address"),
    ("DIGEST_HOUR", "24", "whole number from 0 to 23"),
])
def test_a_bad_value_names_the_key_its_source_and_what_is_allowed(tmp_path, key, value,
                                                                   allowed):
    with pytest.raises(ConfigError) as raised:
        load_settings({"DATA_DIR": str(tmp_path)}, environ={f"TINYAPP_{key}": value})
    message = str(raised.value)
    assert message.startswith(f"{key}=")
    assert f"environment TINYAPP_{key}" in message
    assert allowed in message


def test_an_unknown_key_in_the_file_is_refused(tmp_path):
    write_ini(tmp_path, prot="80")
    with pytest.raises(ConfigError, match="PROT: unknown key"):
        load_settings({"DATA_DIR": str(tmp_path)}, environ={})


def test_a_missing_tinyapp_config_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="TINYAPP_CONFIG"):
        load_settings({}, environ={"TINYAPP_CONFIG": str(tmp_path / "nope.ini")})


def test_the_cli_exits_2_and_names_the_key_on_bad_configuration(tmp_path, capsys):
    code = main(["check", "--data-dir", str(tmp_path), "--port", "eighty"])
    assert code == 2
    err = capsys.readouterr().err
    assert "PORT='eighty' from flag --port" in err
    assert "Traceback" not in err


def test_a_password_in_a_bad_database_url_is_masked_in_the_error(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load_settings({"DATA_DIR": str(tmp_path),
                       "DATABASE_URL": "oracle://scott:tiger@db/orcl"}, environ={})
    assert "tiger" not in str(raised.value)
    assert "scott:***@db" in str(raised.value)


def test_secret_key_is_generated_once_with_mode_0600(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path)}, environ={})
    first = ensure_secret_key(settings)
    second = ensure_secret_key(load_settings({"DATA_DIR": str(tmp_path)}, environ={}))
    key_file = tmp_path / "secret_key"
    assert first.SECRET_KEY == second.SECRET_KEY
    assert len(first.SECRET_KEY) >= 32
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_a_given_secret_key_is_used_and_nothing_is_written(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path), "SECRET_KEY": "given"}, environ={})
    assert ensure_secret_key(settings).SECRET_KEY == "given"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("url, shown", [
    ("postgresql://app:s3cret@db:5432/shop", "postgresql://app:***@db:5432/shop"),
    ("mysql://root:p%40ss@127.0.0.1/test", "mysql://root:***@127.0.0.1/test"),
    ("sqlite:///data/tinyapp.db", "sqlite:///data/tinyapp.db"),
    ("redis://:hunter2@cache:6379/0", "redis://:***@cache:6379/0"),
])
def test_mask_url_hides_passwords(url, shown):
    assert mask_url(url) == shown


def test_describe_masks_secrets(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path), "SECRET_KEY": "topsecret",
                              "DATABASE_URL": "postgresql://u:pw123@h/db"}, environ={})
    printed = repr(settings.describe())
    assert "topsecret" not in printed
    assert "pw123" not in printed
