"""Users, sign-in sessions and API tokens: every account write, and where a login happens."""

import datetime as dt

from marshmallow import ValidationError

from tinyapp import cache
from tinyapp.db import locking
from tinyapp.errors import Conflict, NotAuthenticated, NotFound, PermissionDenied
from tinyapp.models import ROLES, ApiToken, Session, User, utcnow
from tinyapp.models.accounts import normalize_email
from tinyapp.prepared import Prepared, as_model
from tinyapp.schemas.fields import EmailAddress
from tinyapp.security import passwords, permissions, tokens
from tinyapp.services.common import update_row
from tinyapp.unit_of_work import Work, unit_of_work

SESSION_TOUCH_SECONDS = 60  # write last_seen_at at most this often per session
WRONG_CREDENTIALS = "Wrong e-mail address or password."


# -- users --

@unit_of_work
def create_user(work: Work, email: str, name: str, password: str, role: str = "viewer",
                actor: User | None = None) -> User:
    """Add a user; the password must pass the policy and is stored as an argon2id hash."""
    email = _checked_email(email)
    if role not in ROLES:
        raise ValidationError({"role": [f"Must be one of: {', '.join(ROLES)}."]})
    _require_good_password(password, email, name)
    if User.select().where(User.email == email).exists():
        raise Conflict(f"A user with e-mail {email} already exists.", field="email")
    user = User.create(email=email, name=name, role=role,
                       password_hash=passwords.hash_password(password))
    work.created(user)  # the hash is a secret: never journalled
    return user


@unit_of_work
def create_first_admin(work: Work, email: str, name: str, password: str) -> User:
    """Create the first admin, only while the database has no user at all (else Conflict).

    Checked in the same transaction as the insert, so the setup link cannot make a
    second admin once anyone exists.
    """
    if User.select().exists():
        raise Conflict("tinyapp is set up already; sign in instead.")
    return create_user(email, name, password, role="admin")


@unit_of_work
def update_user(work: Work, user_id: int, changes: dict, actor: User) -> User:
    """Change a user's name, role or active flag (admins); the last admin stays an admin.

    Deactivating ends the user's sessions and deletes their API tokens, so reactivating
    them later gives none of those back; a new role holds from the next request.
    """
    user = _get_user(user_id)
    demoted = "role" in changes and changes["role"] != user.role
    deactivated = changes.get("is_active") is False and user.is_active
    if user.role == "admin" and user.is_active and (demoted or deactivated):
        _keep_an_admin(user)
    if deactivated:
        Session.delete().where(Session.user == user).execute()
        ApiToken.delete().where(ApiToken.user == user).execute()
    # Cached API tokens carry the user's role and state: writing users makes them stale.
    return update_row(work, user, **changes)


@unit_of_work
def set_preferences(work: Work, user: User, preferences: dict) -> User:
    """Store a user's preferences (page size and the like), merged with the old ones."""
    return update_row(work, user, preferences={**(user.preferences or {}), **preferences})


@unit_of_work
def change_password(work: Work, user: User, current: str, new: str,
                    keep_session_id: int | None = None,
                    keep_token_id: int | None = None, verify_current: bool = True,
                    actor: User | None = None) -> None:
    """Set a new password; ``current`` must match unless an operator resets it.

    ``current`` is checked against the hash in the database, read (and locked) here:
    never a copy from a cache or from the start of the request. Every other session and
    every API token of the user ends; only the session or token that asked stays (for
    an operator's reset, none does). Raises PermissionDenied for a wrong ``current``.
    """
    stored = locking(User.select(User.password_hash).where(User.id == user.id)).first()
    if stored is None:
        raise NotFound(f"No user with id {user.id}.")
    if verify_current and not passwords.verify_password(stored.password_hash, current):
        raise PermissionDenied("This is not your current password.", field="current_password")
    _require_good_password(new, user.email, user.name)
    User.update(password_hash=passwords.hash_password(new)).where(User.id == user.id).execute()
    sessions = Session.delete().where(Session.user == user.id)
    if keep_session_id is not None:
        sessions = sessions.where(Session.id != keep_session_id)
    sessions.execute()
    api_tokens = ApiToken.delete().where(ApiToken.user == user.id)
    if keep_token_id is not None:
        api_tokens = api_tokens.where(ApiToken.id != keep_token_id)
    ended = api_tokens.execute()
    work.record("user", user.id, "password", details={"tokens_ended": ended})


def _checked_email(email: str) -> str:
    """The address as stored (normalised), or a ValidationError: the CLI has no schema."""
    try:
        return EmailAddress().deserialize(email)
    except ValidationError as exc:
        raise ValidationError({"email": exc.messages}) from None


def _require_good_password(password: str, email: str, name: str) -> None:
    problems = passwords.policy_problems(password, email, name)
    if problems:
        raise ValidationError({"password": problems})


def _keep_an_admin(user: User) -> None:
    """Refuse to remove the last active admin, also when two admins remove each other.

    The active admins are read with a locking read: of two such changes at the same
    moment, the second waits for the first to commit, then counts again and is refused.
    """
    admins = [row.id for row in locking(User.select(User.id).where(
        User.role == "admin", User.is_active).order_by(User.id))]
    if not [admin for admin in admins if admin != user.id]:
        raise Conflict("This is the last active admin; make someone else admin first.")


def _get_user(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


# -- signing in --

_dummy = {"hash": None}


def check_credentials(email: str, password: str) -> User:
    """Return the active user with these credentials, or raise NotAuthenticated.

    An unknown e-mail costs one argon2 verification too, so the answer and its timing are
    the same as for a wrong password: nobody can probe which addresses have accounts.
    """
    user = User.by_email(email)
    if user is None or not user.is_active:
        _dummy["hash"] = _dummy["hash"] or passwords.dummy_hash()
        passwords.verify_password(_dummy["hash"], password)
        raise NotAuthenticated(WRONG_CREDENTIALS)
    if not passwords.verify_password(user.password_hash, password):
        raise NotAuthenticated(WRONG_CREDENTIALS)
    return user


def log_in(email: str, password: str, ip: str = "", user_agent: str = "",
           max_age: dt.timedelta = dt.timedelta(days=7)) -> tuple[User, Session, str]:
    """Check credentials and open a new session; return (user, session, cookie token).

    A failed attempt is recorded in the journal (in a unit of work of its own, so the
    refusal does not roll it back) and raises NotAuthenticated.
    """
    try:
        user = check_credentials(email, password)
    except NotAuthenticated:
        _record_failed_login(email, ip)
        raise
    return _open_session(user, password, ip, user_agent, max_age)


@unit_of_work
def _record_failed_login(work: Work, email: str, ip: str) -> None:
    work.record("user", "", "login_failed", details={"email": normalize_email(email)[:254],
                                                      "ip": ip})


@unit_of_work
def _open_session(work: Work, user: User, password: str, ip: str, user_agent: str,
                  max_age: dt.timedelta) -> tuple[User, Session, str]:
    """A new random token every time (no session fixation); the database keeps its hash.

    A hash made with older argon2 parameters is upgraded now that we know the password.
    """
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    user.save()  # writes users: every cached list of users is stale from the commit on
    token = tokens.new_secret()
    now = utcnow()
    session = Session.create(token_hash=tokens.secret_hash(token), user=user,
                             csrf_token=tokens.new_secret(), created_at=now, last_seen_at=now,
                             expires_at=now + max_age, ip=ip[:45], user_agent=user_agent[:255])
    work.user = user  # who signs in acts
    work.record("user", user.id, "login", details={"ip": ip})
    return user, session, token


def find_session(token: str, idle: dt.timedelta) -> Session | None:
    """Return the live session for a cookie token (with its user), or None.

    A session dies at its absolute expiry or after ``idle`` without a request; its
    last_seen_at is written at most once a minute, so reading pages stays cheap.
    """
    now = utcnow()
    session = (Session.select(Session, User).join(User)
               .where(Session.token_hash == tokens.secret_hash(token),
                      Session.expires_at > now, User.is_active == True)  # noqa: E712
               .first())
    if session is None or session.last_seen_at + idle < now:
        return None
    if (now - session.last_seen_at).total_seconds() > SESSION_TOUCH_SECONDS:
        _touch(Session, session.id, last_seen_at=now)
    return session


@unit_of_work
def log_out(work: Work, session: Session) -> None:
    """End one session (the cookie stops working at once)."""
    Session.delete().where(Session.id == session.id).execute()
    work.record("user", session.user_id, "logout")


@unit_of_work
def end_session(work: Work, user: User, session_id: int) -> None:
    """End one of the user's own sessions (e.g. a forgotten browser)."""
    deleted = Session.delete().where(Session.id == session_id, Session.user == user).execute()
    if not deleted:
        raise NotFound(f"No session with id {session_id}.")
    work.record("user", user.id, "end_session", details={"session": session_id})


@unit_of_work
def end_other_sessions(work: Work, user: User, keep_session_id: int | None) -> int:
    """Sign the user out everywhere except this session; return how many ended."""
    query = Session.delete().where(Session.user == user)
    if keep_session_id is not None:
        query = query.where(Session.id != keep_session_id)
    ended = query.execute()
    work.record("user", user.id, "end_sessions", details={"ended": ended})
    return ended


# -- API tokens --

@unit_of_work
def create_token(work: Work, user: User, name: str, expires_at: dt.datetime | None = None,
                 scope: str = "all") -> tuple[ApiToken, str]:
    """Create a named API token; return it and its secret (shown this once, never again).

    A "metrics" token (for a scraper) may only be made by someone who may read metrics.
    """
    if scope != "all" and not permissions.allowed(user.role, "metrics:read"):
        raise PermissionDenied("Only admins may make a metrics token.")
    secret = tokens.new_secret("tk_")
    token = ApiToken.create(user=user, name=name, token_hash=tokens.secret_hash(secret),
                            prefix=secret[:10], expires_at=expires_at, scope=scope)
    work.created(token)
    return token, secret


TOKEN_CACHE_SECONDS = 60


def find_token(secret: str) -> ApiToken | None:
    """Return the live API token for a bearer secret (with its user), or None.

    Scripts send the same token on every request, so the token and its user are kept in
    the cache, without their secrets (no token or password hash: see secret_fields) and
    under a name that is not the stored hash. Every change to who may do what (a role,
    deactivation, a new password, a revoked token) writes users or api_tokens, whose
    generations the unit of work bumps when it commits, so no cached entry is read
    again after it: it takes effect at the next
    request, in every process sharing the cache. Expiry is checked on every use.
    """
    backend = cache.current()
    key = _token_key(secret)
    entry = backend.get(key)
    if entry is None:
        rows = _TOKEN_AND_USER.rows(digest=tokens.secret_hash(secret))
        if not rows:
            return None
        token = as_model(ApiToken, {k: v for k, v in rows[0].items()
                                    if not k.startswith("user__")})
        user = as_model(User, {k[6:]: v for k, v in rows[0].items() if k.startswith("user__")})
        entry = {"token": token.to_cache(), "user": user.to_cache()}
        backend.set(key, entry, TOKEN_CACHE_SECONDS)
    token = ApiToken.from_cache(entry["token"])
    token.user = User.from_cache(entry["user"])
    now = utcnow()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        _touch(ApiToken, token.id, last_used_at=now)
        token.last_used_at = now
        # The touch wrote api_tokens, so its generation (part of the key) moved on.
        backend.set(_token_key(secret), {**entry, "token": token.to_cache()},
                    TOKEN_CACHE_SECONDS)
    return token


def _token_and_user(digest):
    """The live token with this hash and its active user: every column but the secrets."""
    token = [f for f in ApiToken._meta.sorted_fields if f.name not in ApiToken.secret_fields]
    user = [f.alias(f"user__{f.name}") for f in User._meta.sorted_fields
            if f.name not in User.secret_fields]
    return (ApiToken.select(*token, *user).join(User)
            .where(ApiToken.token_hash == digest, User.is_active == True)  # noqa: E712
            .limit(1).dicts())


_TOKEN_AND_USER = Prepared(_token_and_user)  # built once: every script's request reads it


def _token_key(secret: str) -> str:
    return cache.key_for("token", {"name": tokens.cache_name(secret)}, ("api_tokens", "users"))


@unit_of_work
def _touch(work: Work, model, row_id: int, **when) -> None:
    """Note when a session or token was last used: bookkeeping, not journalled."""
    model.update(when).where(model.id == row_id).execute()


@unit_of_work
def revoke_token(work: Work, user: User, token_id: int) -> None:
    """Delete one of the user's tokens; scripts using it get 401 from now on."""
    token = ApiToken.get_or_none(ApiToken.id == token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(f"No token with id {token_id}.")
    token.delete_instance()
    work.deleted(token)
