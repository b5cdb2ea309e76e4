"""Users, sign-in sessions and API tokens: every account write, and where a login happens."""

import datetime as dt

from marshmallow import ValidationError

from tinyapp import cache
from tinyapp.db import transactional
from tinyapp.errors import Conflict, NotAuthenticated, NotFound
from tinyapp.models import ROLES, ApiToken, Session, User, utcnow
from tinyapp.security import passwords, tokens
from tinyapp.services import audit

SESSION_TOUCH_SECONDS = 60  # write last_seen_at at most this often per session
WRONG_CREDENTIALS = "Wrong e-mail address or password."


# -- users --

@transactional
def create_user(email: str, name: str, password: str, role: str = "viewer",
                actor: User | None = None) -> User:
    """Add a user; the password must pass the policy and is stored as an argon2id hash."""
    email = email.strip().lower()
    if role not in ROLES:
        raise ValidationError({"role": [f"Must be one of: {', '.join(ROLES)}."]})
    _require_good_password(password, email, name)
    if User.select().where(User.email == email).exists():
        raise Conflict(f"A user with e-mail {email} already exists.", field="email")
    user = User.create(email=email, name=name, role=role,
                       password_hash=passwords.hash_password(password))
    audit.record("user.create", actor, "user", user.id, email=email, role=role)
    cache.invalidate("accounts")
    return user


@transactional
def update_user(user_id: int, changes: dict, actor: User) -> User:
    """Change a user's name, role or active flag (admins); the last admin stays an admin."""
    user = _get_user(user_id)
    if "role" in changes and changes["role"] != user.role:
        if user.role == "admin":
            _keep_an_admin(user)
        audit.record("user.role", actor, "user", user.id, old=user.role, new=changes["role"])
    if changes.get("is_active") is False and user.is_active:
        if user.role == "admin":
            _keep_an_admin(user)
        Session.delete().where(Session.user == user).execute()
        audit.record("user.deactivate", actor, "user", user.id)
    for name, value in changes.items():
        setattr(user, name, value)
    user.save()
    cache.invalidate("accounts")  # cached API tokens carry the user's role and state
    return user


@transactional
def set_preferences(user: User, preferences: dict) -> User:
    """Store a user's preferences (page size and the like), merged with the old ones."""
    user.preferences = {**(user.preferences or {}), **preferences}
    User.update(preferences=user.preferences).where(User.id == user.id).execute()
    cache.invalidate("accounts")
    return user


@transactional
def change_password(user: User, current: str, new: str, keep_session_id: int | None = None,
                    verify_current: bool = True, actor: User | None = None) -> None:
    """Set a new password; ``current`` must match unless an operator resets it.

    Every other session of the user ends: whoever else was signed in is signed out.
    """
    if verify_current and not passwords.verify_password(user.password_hash, current):
        raise ValidationError({"current_password": ["This is not your current password."]})
    _require_good_password(new, user.email, user.name)
    User.update(password_hash=passwords.hash_password(new)).where(User.id == user.id).execute()
    others = Session.delete().where(Session.user == user)
    if keep_session_id is not None:
        others = others.where(Session.id != keep_session_id)
    others.execute()
    audit.record("user.password", actor or user, "user", user.id)


def _require_good_password(password: str, email: str, name: str) -> None:
    problems = passwords.policy_problems(password, email, name)
    if problems:
        raise ValidationError({"password": problems})


def _keep_an_admin(user: User) -> None:
    others = User.select().where(User.role == "admin", User.is_active, User.id != user.id)
    if not others.exists():
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

    A failed attempt is recorded in the audit trail (in its own transaction, so the
    refusal does not roll it back) and raises NotAuthenticated.
    """
    try:
        user = check_credentials(email, password)
    except NotAuthenticated:
        _record_failed_login(email, ip)
        raise
    return _open_session(user, password, ip, user_agent, max_age)


@transactional
def _record_failed_login(email: str, ip: str) -> None:
    audit.record("login.failed", None, "user", "", email=email.strip().lower()[:254], ip=ip)


@transactional
def _open_session(user: User, password: str, ip: str, user_agent: str,
                  max_age: dt.timedelta) -> tuple[User, Session, str]:
    """A new random token every time (no session fixation); the database keeps its hash.

    A hash made with older argon2 parameters is upgraded now that we know the password.
    """
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.last_login_at = utcnow()
    user.save()
    token = tokens.new_secret()
    now = utcnow()
    session = Session.create(token_hash=tokens.secret_hash(token), user=user,
                             csrf_token=tokens.new_secret(), created_at=now, last_seen_at=now,
                             expires_at=now + max_age, ip=ip[:45], user_agent=user_agent[:255])
    audit.record("login", user, "user", user.id, ip=ip)
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
        Session.update(last_seen_at=now).where(Session.id == session.id).execute()
    return session


@transactional
def log_out(session: Session) -> None:
    """End one session (the cookie stops working at once)."""
    Session.delete().where(Session.id == session.id).execute()
    audit.record("logout", session.user, "user", session.user_id)


@transactional
def end_session(user: User, session_id: int) -> None:
    """End one of the user's own sessions (e.g. a forgotten browser)."""
    deleted = Session.delete().where(Session.id == session_id, Session.user == user).execute()
    if not deleted:
        raise NotFound(f"No session with id {session_id}.")


@transactional
def end_other_sessions(user: User, keep_session_id: int | None) -> int:
    """Sign the user out everywhere except this session; return how many ended."""
    query = Session.delete().where(Session.user == user)
    if keep_session_id is not None:
        query = query.where(Session.id != keep_session_id)
    return query.execute()


# -- API tokens --

@transactional
def create_token(user: User, name: str, expires_at: dt.datetime | None = None
                 ) -> tuple[ApiToken, str]:
    """Create a named API token; return it and its secret (shown this once, never again)."""
    secret = tokens.new_secret("tk_")
    token = ApiToken.create(user=user, name=name, token_hash=tokens.secret_hash(secret),
                            prefix=secret[:10], expires_at=expires_at)
    audit.record("token.create", user, "api_token", token.id, name=name)
    return token, secret


TOKEN_CACHE_SECONDS = 60


def find_token(secret: str) -> ApiToken | None:
    """Return the live API token for a bearer secret (with its user), or None.

    Scripts send the same token on every request, so the token and its user are kept in
    the cache; revoking a token or changing a user invalidates every cached one at once
    (topic "accounts"), and expiry is checked on every use.
    """
    digest = tokens.secret_hash(secret)
    backend = cache.current()
    key = cache.key_for("token", {"hash": digest}, ("accounts",))
    entry = backend.get(key)
    if entry is None:
        token = (ApiToken.select(ApiToken, User).join(User)
                 .where(ApiToken.token_hash == digest, User.is_active == True)  # noqa: E712
                 .first())
        if token is None:
            return None
        entry = {"token": token.to_cache(), "user": token.user.to_cache()}
        backend.set(key, entry, TOKEN_CACHE_SECONDS)
    token = ApiToken.from_cache(entry["token"])
    token.user = User.from_cache(entry["user"])
    now = utcnow()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.update(last_used_at=now).where(ApiToken.id == token.id).execute()
        token.last_used_at = now
        backend.set(key, {**entry, "token": token.to_cache()}, TOKEN_CACHE_SECONDS)
    return token


@transactional
def revoke_token(user: User, token_id: int) -> None:
    """Delete one of the user's tokens; scripts using it get 401 from now on."""
    token = ApiToken.get_or_none(ApiToken.id == token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(f"No token with id {token_id}.")
    token.delete_instance()
    cache.invalidate("accounts")
    audit.record("token.revoke", user, "api_token", token_id, name=token.name)
