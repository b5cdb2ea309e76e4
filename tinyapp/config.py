"""Every setting tinyapp reads, declared once, layered and validated at start-up.

Precedence, lowest first: the defaults below < the config file (``DATA_DIR/tinyapp.ini``
or the path in ``TINYAPP_CONFIG``) < ``TINYAPP_<KEY>`` environment variables < flags.
This is the only module that reads ``os.environ``.
"""

import configparser
import os
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ENV_PREFIX = "TINYAPP_"
CONFIG_SECTION = "tinyapp"


class ConfigError(Exception):
    """A setting has a value tinyapp cannot use; the message names key, source and fix."""


# -- parsers: each turns a text value into a typed one or raises ValueError(allowed) --

def text(value: str) -> str:
    return value.strip()


def optional_text(value: str) -> str | None:
    return value.strip() or None


def integer(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError(f"a whole number from {low} to {high}") from None
        if not low <= number <= high:
            raise ValueError(f"a whole number from {low} to {high}")
        return number
    return parse


def boolean(value: str) -> bool:
    lowered = str(value).strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("true or false (also 1/0, yes/no, on/off)")


def choice(*options: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        lowered = str(value).strip().lower()
        if lowered not in options:
            raise ValueError("one of " + ", ".join(options))
        return lowered
    return parse


def database_url(value: str) -> str:
    url = str(value).strip()
    scheme = url.split("://", 1)[0] if "://" in url else ""
    if scheme.split("+")[0] not in ("sqlite", "postgres", "postgresql", "mysql", "mariadb"):
        raise ValueError("a URL such as sqlite:///data/tinyapp.db, "
                         "postgresql://user:pass@host/db or mysql://user:pass@host/db")
    return url


def cache_url(value: str) -> str:
    url = str(value).strip()
    if not (url == "memory://" or url.startswith(("redis://", "rediss://"))):
        raise ValueError("memory:// or a redis://host:port/db URL")
    return url


def duration(value: str) -> int:
    """Parse '90', '90s', '15m', '6h' or '1d' into seconds; 0 means off."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", str(value).lower())
    if not match:
        raise ValueError("a duration such as 0 (off), 900, 15m, 6h or 1d")
    number, unit = int(match.group(1)), match.group(2) or "s"
    return number * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]


def optional_path(value: str) -> Path | None:
    return Path(value).expanduser() if str(value).strip() else None


# -- the declarations --

@dataclass(frozen=True)
class Setting:
    """One configuration key: its default, what it means, and how to read it."""

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = text
    secret: bool = False

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.name

    @property
    def flag(self) -> str:
        return "--" + self.name.lower().replace("_", "-")


SETTINGS = [
    Setting("DATA_DIR", "data", "Folder for the SQLite file, secret key and backups.",
            lambda v: Path(v).expanduser()),
    Setting("DATABASE_URL", "sqlite:///<DATA_DIR>/tinyapp.db",
            "Where the data lives: sqlite:///path, postgresql://user:pass@host/db "
            "or mysql://user:pass@host/db.", database_url, secret=True),
    Setting("SECRET_KEY", "", "Signs cookies; generated into DATA_DIR/secret_key when empty.",
            text, secret=True),
    Setting("HOST", "127.0.0.1", "Address to listen on (0.0.0.0 for every interface)."),
    Setting("PORT", 8080, "TCP port to listen on (0 picks a free one).", integer(0, 65535)),
    Setting("THREADS", 8, "Worker threads serving requests.", integer(1, 256)),
    Setting("MIGRATE_ON_START", True, "Apply pending migrations when serve starts.", boolean),
    Setting("POOL_MAX_CONNECTIONS", 20, "Most database connections open at once.",
            integer(1, 1000)),
    Setting("POOL_STALE_TIMEOUT", 300, "Seconds after which an idle pooled connection "
            "is closed instead of reused.", integer(1, 86400)),
    Setting("POOL_TIMEOUT", 10, "Seconds a request waits for a free connection "
            "(and for the server to answer a connect) before answering 503.",
            integer(1, 600)),
    Setting("MAX_BODY_BYTES", 2_000_000, "Largest request body accepted (else 413).",
            integer(1024, 1_000_000_000)),
    Setting("CACHE_URL", "memory://", "memory:// for one process, redis://host:port/db "
            "when several processes share one database.", cache_url, secret=True),
    Setting("CACHE_LISTS", True, "Cache API list pages until a write changes them.", boolean),
    Setting("BACKUP_DIR", "<DATA_DIR>/backups", "Where backups are written.",
            lambda v: Path(v).expanduser()),
    Setting("BACKUP_INTERVAL", 0, "Back up on this schedule while serving "
            "(e.g. 6h, 1d); 0 turns it off.", duration),
    Setting("BACKUP_KEEP", 14, "Newest backups kept by retention.", integer(1, 100000)),
    Setting("BACKUP_KEEP_DAILY", 0, "Also keep the newest backup of this many recent days "
            "(0: off).", integer(0, 100000)),
    Setting("BACKUP_KEEP_WEEKLY", 0, "Also keep the newest backup of this many recent weeks "
            "(0: off).", integer(0, 100000)),
    Setting("BACKUP_COPY_TO", "", "Second folder every backup is copied to and checked in.",
            optional_path),
    Setting("LOG_LEVEL", "info", "Least severe log level written.",
            choice("debug", "info", "warning", "error")),
    Setting("LOG_FORMAT", "text", "Log line format.", choice("text", "json")),
    Setting("SLOW_QUERY_MS", 200, "Queries slower than this are logged and listed.",
            integer(0, 3_600_000)),
    Setting("SHOW_SQL", False, "Show admins the SQL each page ran (for learning).", boolean),
    Setting("SESSION_IDLE_MINUTES", 120, "Sign out after this long without a request.",
            integer(1, 525600)),
    Setting("SESSION_MAX_HOURS", 168, "Sign out this long after login, however active.",
            integer(1, 87600)),
    Setting("TRUSTED_PROXY", "", "Address of the reverse proxy whose X-Forwarded-* "
            "headers are believed (empty: none).", optional_text),
    Setting("SECURE_COOKIES", False, "Always mark cookies Secure (serving over HTTPS).",
            boolean),
]
BY_NAME = {setting.name: setting for setting in SETTINGS}


class Settings:
    """The effective configuration: typed values plus where each one came from."""

    def __init__(self, values: dict[str, Any], sources: dict[str, str]):
        self._values = values
        self._sources = sources

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def source(self, name: str) -> str:
        return self._sources[name]

    def replace(self, **values: Any) -> "Settings":
        """Return a copy with some values changed (for tests and tools)."""
        changed = {name: "override" for name in values}
        return Settings({**self._values, **values}, {**self._sources, **changed})

    def describe(self) -> list[tuple[str, str, str]]:
        """List (key, printable value, source) with secrets masked."""
        rows = []
        for setting in SETTINGS:
            value = self._values[setting.name]
            shown = "" if value is None else str(value)
            if setting.name == "SECRET_KEY":
                shown = "(set)" if value else "(generated on first start)"
            elif setting.secret:
                shown = mask_url(shown)
            rows.append((setting.name, shown, self._sources[setting.name]))
        return rows


def load_settings(flags: Mapping[str, Any] | None = None,
                  environ: Mapping[str, str] | None = None) -> Settings:
    """Merge defaults, config file, environment and flags; raise ConfigError on a bad value."""
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    environ = os.environ if environ is None else environ
    raw = {s.name: (s.default, "default") for s in SETTINGS}

    env = {s.name: (environ[s.env_name], f"environment {s.env_name}")
           for s in SETTINGS if s.env_name in environ}
    cli = {name: (value, f"flag {BY_NAME[name].flag}") for name, value in flags.items()}

    data_dir = {**raw, **env, **cli}["DATA_DIR"]
    config_path = _config_path(environ, _parse("DATA_DIR", *data_dir))
    raw.update(_read_config_file(config_path))
    raw.update(env)
    raw.update(cli)

    values = {name: _parse(name, value, source) for name, (value, source) in raw.items()}
    values["DATA_DIR"] = values["DATA_DIR"].resolve()
    _fill_derived_defaults(values)
    return Settings(values, {name: source for name, (_, source) in raw.items()})


def _config_path(environ: Mapping[str, str], data_dir: Path) -> tuple[Path, bool]:
    explicit = environ.get(ENV_PREFIX + "CONFIG")
    if explicit:
        return Path(explicit).expanduser(), True
    return data_dir / "tinyapp.ini", False


def _read_config_file(location: tuple[Path, bool]) -> dict[str, tuple[str, str]]:
    path, required = location
    if not path.exists():
        if required:
            raise ConfigError(f"TINYAPP_CONFIG: file {path} does not exist "
                              f"(environment TINYAPP_CONFIG); create it or unset the variable")
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not a valid INI file ({exc.__class__.__name__}); "
                          f"expected a [{CONFIG_SECTION}] section of KEY = value lines") from None
    if not parser.has_section(CONFIG_SECTION):
        return {}
    found = {}
    for key, value in parser.items(CONFIG_SECTION):
        name = key.upper()
        if name not in BY_NAME:
            raise ConfigError(f"{name}: unknown key in {path}; known keys: "
                              + ", ".join(BY_NAME))
        found[name] = (value, f"file {path}")
    return found


def _parse(name: str, value: Any, source: str) -> Any:
    setting = BY_NAME[name]
    if not isinstance(value, str):
        return value
    try:
        return setting.parse(value)
    except ValueError as exc:
        shown = mask_url(value) if setting.secret else value
        raise ConfigError(f"{name}={shown!r} from {source} is not allowed: "
                          f"expected {exc}") from None


def _fill_derived_defaults(values: dict[str, Any]) -> None:
    data_dir = values["DATA_DIR"]
    if values["DATABASE_URL"] == BY_NAME["DATABASE_URL"].default:
        values["DATABASE_URL"] = f"sqlite:///{data_dir / 'tinyapp.db'}"
    if str(values["BACKUP_DIR"]) == BY_NAME["BACKUP_DIR"].default:
        values["BACKUP_DIR"] = data_dir / "backups"


def ensure_secret_key(settings: Settings) -> Settings:
    """Return settings with a SECRET_KEY, reading or creating DATA_DIR/secret_key (0600)."""
    if settings.SECRET_KEY:
        return settings
    path = settings.DATA_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    key = path.read_text().strip()
    if not key:
        raise ConfigError(f"SECRET_KEY: {path} is empty; delete it to have a new key made")
    return settings.replace(SECRET_KEY=key)


def mask_url(url: str) -> str:
    """Hide the password in a URL: postgresql://app:***@host/db."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.password:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
