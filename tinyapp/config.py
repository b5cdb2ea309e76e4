"""Every setting tinyapp reads, declared once, layered and validated at start-up.

Precedence, lowest first: the defaults below < the config file (``DATA_DIR/tinyapp.ini``
or the path in ``TINYAPP_CONFIG``) < ``TINYAPP_<KEY>`` environment variables < flags.
This is the only module that reads ``os.environ``.
"""

import configparser
import ipaddress
import os
import re
import secrets
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import platformdirs

from tinyapp.cache import is_shared
from tinyapp.files import private_folder

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
    parse.options = options  # the command line lists them
    return parse


def database_url(value: str) -> str:
    url = str(value).strip()
    scheme = (url.split("://", 1)[0] if "://" in url else "").split("+")[0]
    if scheme not in ("sqlite", "postgres", "postgresql", "mysql", "mariadb"):
        raise ValueError("a URL such as sqlite:///data/tinyapp.db, "
                         "postgresql://user:pass@host/db or mysql://user:pass@host/db")
    name = urlsplit(url).path.strip("/")
    if scheme == "sqlite" and name in ("", ":memory:"):
        # Either would be a database of each pooled connection's own, gone when it closes.
        raise ValueError("an SQLite URL that names its file, such as "
                         "sqlite:///data/tinyapp.db (relative) or sqlite:////srv/tinyapp.db")
    if scheme != "sqlite" and not name:
        raise ValueError("a URL that names the database, such as "
                         "postgresql://user:pass@host/db or mysql://user:pass@host/db")
    return _with_a_valid_port(url)


def cache_url(value: str) -> str:
    url = str(value).strip()
    if not (url == "memory://" or is_shared(url)):
        raise ValueError("memory:// or a redis://host:port/db URL")
    return _with_a_valid_port(url)


def _with_a_valid_port(url: str) -> str:
    try:
        _ = urlsplit(url).port  # reading it checks it
    except ValueError:
        raise ValueError("a URL whose port, if any, is a whole number from 1 to 65535 "
                         "(host:5432)") from None
    return url


def smtp_url(value: str) -> str:
    url = str(value).strip()
    if url and not (url.startswith(("smtp://", "smtps://")) and urlsplit(url).hostname):
        raise ValueError("smtp://[user:password@]host[:port] (smtps:// for TLS from the start)")
    return url


def email_address(value: str) -> str:
    address = str(value).strip()
    if not re.fullmatch(r"[^\s@<>]+@[^\s@<>]+", address):
        raise ValueError("an e-mail address such as shop@example.org")
    return address


def duration(value: str) -> int:
    """Parse '90', '90s', '15m', '6h' or '1d' into seconds; 0 means off."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd]?)\s*", str(value).lower())
    if not match:
        raise ValueError("a duration such as 0 (off), 900, 15m, 6h or 1d")
    number, unit = int(match.group(1)), match.group(2) or "s"
    return number * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit]


def networks(value: str) -> tuple:
    """Parse "10.0.0.0/8, 192.0.2.7" into ip_network objects (empty: none)."""
    found = []
    for part in str(value).split(","):
        if part.strip():
            try:
                found.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise ValueError("addresses or networks separated by commas, e.g. "
                                 "127.0.0.1, 10.0.0.0/8") from None
    return tuple(found)


def currency_code(value: str) -> str:
    code = str(value).strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError("a three-letter ISO 4217 currency code such as EUR, USD or GBP")
    return code


def time_zone(value: str) -> str:
    """An IANA time zone name that this system knows (UTC, Europe/Paris ...)."""
    name = str(value).strip()
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("an IANA time zone name such as UTC, Europe/Paris or "
                         "America/Los_Angeles") from None
    return name


def optional_path(value: str) -> Path | None:
    return Path(value).expanduser() if str(value).strip() else None


# -- the declarations --

@dataclass(frozen=True)
class Setting:
    """One configuration key: its default, what it means, and how to read it.

    ``metavar`` names its kind of value in --help (PORT, URL, SECONDS); ``commands``
    names the commands whose --help lists it as a flag: "all" of them, "backup" (the
    backup commands) or only "serve" (and check, which shows every setting).
    """

    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = text
    secret: bool = False
    metavar: str = "VALUE"
    commands: str = "serve"

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.name

    @property
    def flag(self) -> str:
        return "--" + self.name.lower().replace("_", "-")

    @property
    def choices(self) -> tuple[str, ...] | None:
        return getattr(self.parse, "options", None)


def default_data_dir() -> Path:
    """Where the data lives unless DATA_DIR says otherwise: one rule, printed at every start.

    Run from a checkout (``python run.py``, or ``tinyapp`` installed with ``pip install
    -e .``), it is the checkout's own ``data/`` folder, wherever you start it from. An
    installed tinyapp keeps it in the user's data folder (``~/.local/share/tinyapp`` on
    Linux, as platformdirs says for each platform), never in whatever folder you are in.
    """
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "run.py").is_file() and (checkout / "setup.cfg").is_file():
        return checkout / "data"
    return Path(platformdirs.user_data_dir("tinyapp", appauthor=False))


def describe_data_dir(settings: "Settings") -> str:
    """Say where the data folder is and why, for the start-up line and `tinyapp check`."""
    source = settings.source("DATA_DIR")
    if source != "default":
        return f"{settings.DATA_DIR} (from {source})"
    return f"{settings.DATA_DIR} ({_default_kind(settings.DATA_DIR)}; DATA_DIR changes it)"


def _default_kind(data_dir: Path) -> str:
    in_checkout = (data_dir.parent / "run.py").is_file()
    return "this checkout's data folder" if in_checkout else "your user data folder"


SETTINGS = [
    Setting("DATA_DIR", "<default_data_dir()>", "Folder for the SQLite file, secret key and "
            "backups.", lambda v: Path(v).expanduser(), metavar="DIR", commands="all"),
    Setting("DATABASE_URL", "sqlite:///<DATA_DIR>/tinyapp.db",
            "Where the data lives: sqlite:///path, postgresql://user:pass@host/db "
            "or mysql://user:pass@host/db.", database_url, secret=True, metavar="URL",
            commands="all"),
    Setting("SECRET_KEY", "", "Signs cookies; generated into DATA_DIR/secret_key when empty.",
            text, secret=True, metavar="KEY"),
    Setting("HOST", "127.0.0.1", "Address to listen on (0.0.0.0 for every interface).",
            metavar="ADDRESS"),
    Setting("PORT", 8080, "TCP port to listen on (0 picks a free one).", integer(0, 65535),
            metavar="PORT"),
    Setting("THREADS", 8, "Worker threads serving requests.", integer(1, 256), metavar="N"),
    Setting("MIGRATE_ON_START", True, "Apply pending migrations when serve starts.", boolean),
    Setting("POOL_MAX_CONNECTIONS", 20, "Most database connections open at once.",
            integer(1, 1000), metavar="N"),
    Setting("POOL_STALE_TIMEOUT", 300, "Seconds after which an idle pooled connection "
            "is closed instead of reused.", integer(1, 86400), metavar="SECONDS"),
    Setting("POOL_TIMEOUT", 10, "Seconds a request waits for a free connection "
            "(and for the server to answer a connect) before answering 503.",
            integer(1, 600), metavar="SECONDS"),
    Setting("STATEMENT_TIMEOUT", 10, "Seconds one SQL statement may run on PostgreSQL or "
            "MySQL/MariaDB (and a transaction sit idle) before the server stops it; tinyapp "
            "waits 1 s longer for any answer, then answers 503. 0: no limit.",
            integer(0, 86400), metavar="SECONDS"),
    Setting("MAX_BODY_BYTES", 2_000_000, "Largest request body accepted (else 413).",
            integer(1024, 1_000_000_000), metavar="BYTES"),
    Setting("CACHE_URL", "memory://", "memory:// for one process, redis://host:port/db "
            "when several processes share one database.", cache_url, secret=True,
            metavar="URL"),
    Setting("CACHE_LISTS", True, "Cache API list pages until a write changes them.", boolean),
    Setting("BACKUP_DIR", "<DATA_DIR>/backups", "Where backups are written.",
            lambda v: Path(v).expanduser(), metavar="DIR", commands="backup"),
    Setting("BACKUP_INTERVAL", 0, "Back up on this schedule while serving "
            "(e.g. 6h, 1d); 0 turns it off.", duration, metavar="DURATION"),
    Setting("BACKUP_KEEP", 14, "Newest backups kept by retention.", integer(1, 100000),
            metavar="N", commands="backup"),
    Setting("BACKUP_KEEP_DAILY", 0, "Also keep the newest backup of this many recent days "
            "(0: off).", integer(0, 100000), metavar="N", commands="backup"),
    Setting("BACKUP_KEEP_WEEKLY", 0, "Also keep the newest backup of this many recent weeks "
            "(0: off).", integer(0, 100000), metavar="N", commands="backup"),
    Setting("BACKUP_COPY_TO", "", "Second folder every backup is copied to and checked in.",
            optional_path, metavar="DIR", commands="backup"),
    Setting("TIMEZONE", "UTC", "The shop's time zone (an IANA name such as "
            "America/Los_Angeles): what today and sales per day mean. Times are stored in "
            "UTC; `tinyapp migrate up` counts the daily figures again when it changes.",
            time_zone, metavar="ZONE"),
    Setting("WEBHOOK_RETRY_SECONDS", 5, "Seconds before a failed webhook delivery is "
            "tried again; each retry waits twice as long, up to a day.",
            integer(1, 86400), metavar="SECONDS"),
    Setting("SMTP_URL", "", "Mail server for webhooks to mailto: addresses (the daily "
            "low-stock digest): smtp://user:password@host:587 (STARTTLS when the server "
            "offers it) or smtps://host:465.", smtp_url, secret=True, metavar="URL"),
    Setting("SMTP_FROM", "tinyapp@localhost", "Sender address of tinyapp's e-mails.",
            email_address, metavar="ADDRESS"),
    Setting("DIGEST_HOUR", 7, "Hour of the shop's day (TIMEZONE) after which the daily "
            "low-stock digest (the stock.digest event) is sent.", integer(0, 23),
            metavar="HOUR"),
    Setting("LOG_LEVEL", "info", "Least severe log level written.",
            choice("debug", "info", "warning", "error"), metavar="LEVEL", commands="all"),
    Setting("LOG_FORMAT", "text", "Log line format.", choice("text", "json"),
            metavar="FORMAT", commands="all"),
    Setting("SLOW_QUERY_MS", 200, "Queries slower than this are logged and listed.",
            integer(0, 3_600_000), metavar="MS"),
    Setting("SHOW_SQL", False, "Show admins the SQL each page ran (for learning).", boolean),
    Setting("LOGIN_SLOTS", 2, "Password checks (argon2, ~64 MiB each) run at once; more "
            "sign-ins at that moment get a quick 503.", integer(1, 64), metavar="N"),
    Setting("METRICS_ALLOW", "", "Addresses or networks (comma-separated, e.g. "
            "10.0.0.0/8) that may read /metrics without signing in (empty: none).",
            networks, metavar="NETWORKS"),
    Setting("SESSION_IDLE_MINUTES", 120, "Sign out after this long without a request.",
            integer(1, 525600), metavar="MINUTES"),
    Setting("SESSION_MAX_HOURS", 168, "Sign out this long after login, however active.",
            integer(1, 87600), metavar="HOURS"),
    Setting("TRUSTED_PROXY", "", "Address of the reverse proxy whose X-Forwarded-* "
            "headers are believed (empty: none).", optional_text, metavar="ADDRESS"),
    Setting("SECURE_COOKIES", False, "Always mark cookies Secure (serving over HTTPS).",
            boolean),
    Setting("CURRENCY", "EUR", "The currency of every amount, shown beside it: an ISO 4217 "
            "code such as EUR, USD or GBP (amounts are not converted).", currency_code,
            metavar="CODE"),
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
            source = self._sources[setting.name]
            if isinstance(value, tuple):
                shown = ", ".join(map(str, value))
            if setting.name == "SECRET_KEY":
                kept = self._values["DATA_DIR"] / "secret_key"
                if value:
                    shown = "(set)"
                elif kept.exists():
                    shown, source = "(set)", f"file {kept}, generated on first start"
                else:
                    shown = f"(made into {kept} on first start)"
            elif setting.secret:
                shown = mask_url(shown)
            elif setting.name == "DATA_DIR" and source == "default":
                source = f"default: {_default_kind(value)}"
            rows.append((setting.name, shown, source))
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

    data_dir = {**raw, "DATA_DIR": (default_data_dir(), "default"), **env, **cli}["DATA_DIR"]
    config_path = _config_path(environ, _parse("DATA_DIR", *data_dir))
    raw.update(_read_config_file(config_path))
    raw.update(env)
    raw.update(cli)

    if raw["DATA_DIR"][1] == "default":
        raw["DATA_DIR"] = (default_data_dir(), "default")
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
        private_folder(path.parent)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    key = path.read_text().strip()
    if not key:
        raise ConfigError(f"SECRET_KEY: {path} is empty; delete it to have a new key made")
    return settings.replace(SECRET_KEY=key)


def kill_point() -> str | None:
    """Name the point at which tinyapp should kill itself (TINYAPP_KILL_AT; tests only).

    The crash-safety tests set it to prove that a SIGKILL at that very step loses
    nothing; see tinyapp/faults.py.
    """
    return os.environ.get(ENV_PREFIX + "KILL_AT") or None


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
