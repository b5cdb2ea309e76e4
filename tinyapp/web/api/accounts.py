"""/api/v1/auth, /me, /tokens, /users and /setup: signing in, and managing accounts."""

import datetime as dt

import bottle

from tinyapp.errors import NotFound
from tinyapp.models import ApiToken, Session, User, utcnow
from tinyapp.pagination import Page, paginate
from tinyapp.schemas.accounts import (
    EndedSchema,
    LoginSchema,
    MeSchema,
    PasswordChangeSchema,
    PreferencesSchema,
    SessionSchema,
    SetupSchema,
    TokenCreatedSchema,
    TokenCreateSchema,
    TokenSchema,
    UserCreateSchema,
    UserPatchSchema,
    UserSchema,
)
from tinyapp.schemas.common import ListQuery
from tinyapp.security.permissions import PUBLIC, SIGNED_IN
from tinyapp.services import accounts
from tinyapp.web import auth
from tinyapp.web.api.endpoint import Endpoint


def log_in(body):
    """Sign in with e-mail and password; sets the session cookie, returns the CSRF token."""
    user, session = auth.sign_in(body["email"], body["password"])
    return {"user": user, "csrf_token": session.csrf_token}


def log_out():
    """End this session (the cookie stops working); a bearer token stays valid."""
    auth.sign_out()


def me():
    """Who is signed in, and the CSRF token to send with changes made by cookie."""
    who = auth.identity()
    return {"user": who.user, "csrf_token": who.session.csrf_token if who.session else None}


def change_password(body):
    """Change your password; your other sessions and your API tokens end (403: wrong current)."""
    who = auth.identity()
    accounts.change_password(who.user, body["current_password"], body["new_password"],
                             keep_session_id=who.session.id if who.session else None,
                             keep_token_id=who.token.id if who.token else None)


def set_preferences(body):
    """Store your preferences (page size)."""
    return accounts.set_preferences(auth.current_user(), body)


def list_sessions():
    """Your signed-in browsers; ``current`` marks this one."""
    who = auth.identity()
    rows = list(Session.select()
                .where(Session.user == who.user, Session.expires_at > utcnow())
                .order_by(Session.last_seen_at.desc()))
    for session in rows:
        session.current = who.session is not None and session.id == who.session.id
    return Page(rows)


def end_session(session_id):
    """Sign one of your sessions out."""
    accounts.end_session(auth.current_user(), session_id)


def end_other_sessions():
    """Sign out everywhere but here."""
    who = auth.identity()
    ended = accounts.end_other_sessions(who.user, who.session.id if who.session else None)
    return {"ended": ended}


def list_tokens():
    """Your API tokens (never their secrets)."""
    return Page(list(ApiToken.select().where(ApiToken.user == auth.current_user())
                     .order_by(ApiToken.id)))


def create_token(body):
    """Create an API token; the secret is in this answer and nowhere ever again."""
    days = body["expires_in_days"]
    expires = utcnow() + dt.timedelta(days=days) if days else None
    token, secret = accounts.create_token(auth.current_user(), body["name"], expires,
                                          body["scope"])
    token.token = secret
    return token


def revoke_token(token_id):
    """Revoke one of your API tokens."""
    accounts.revoke_token(auth.current_user(), token_id)


def list_users(query):
    """Every user (admins)."""
    return paginate(User.select(), "email", query["limit"], query["cursor"])


def create_user(body):
    """Add a user with a role (admins)."""
    return accounts.create_user(body["email"], body["name"], body["password"], body["role"],
                                actor=auth.current_user())


def get_user(user_id):
    """Show one user (admins)."""
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


def update_user(user_id, body):
    """Change a user's name, role or active flag (admins)."""
    return accounts.update_user(user_id, body, actor=auth.current_user())


def set_up(body):
    """Create the first admin with the one-time setup token that `tinyapp serve` printed."""
    first_run = bottle.request.app.config["tinyapp.first_run"]
    return first_run.create_admin(body["token"], body["email"], body["name"],
                                  body["password"])


ENDPOINTS = [
    Endpoint("POST", "/api/v1/auth/login", log_in, PUBLIC, body=LoginSchema,
             response=MeSchema, errors=(401, 429)),
    Endpoint("POST", "/api/v1/auth/logout", log_out, SIGNED_IN, status=204),
    Endpoint("GET", "/api/v1/me", me, SIGNED_IN, response=MeSchema),
    Endpoint("POST", "/api/v1/me/password", change_password, SIGNED_IN,
             body=PasswordChangeSchema, status=204),
    Endpoint("PUT", "/api/v1/me/preferences", set_preferences, SIGNED_IN,
             body=PreferencesSchema, response=UserSchema),
    Endpoint("GET", "/api/v1/me/sessions", list_sessions, SIGNED_IN, response=SessionSchema,
             many=True),
    Endpoint("DELETE", "/api/v1/me/sessions/<session_id:int>", end_session, SIGNED_IN,
             status=204, errors=(404,)),
    Endpoint("POST", "/api/v1/me/sessions/end-others", end_other_sessions, SIGNED_IN,
             response=EndedSchema),
    Endpoint("GET", "/api/v1/tokens", list_tokens, SIGNED_IN, response=TokenSchema,
             many=True),
    Endpoint("POST", "/api/v1/tokens", create_token, SIGNED_IN, body=TokenCreateSchema,
             response=TokenCreatedSchema, status=201),
    Endpoint("DELETE", "/api/v1/tokens/<token_id:int>", revoke_token, SIGNED_IN, status=204,
             errors=(404,)),
    Endpoint("GET", "/api/v1/users", list_users, "users:manage", query=ListQuery,
             response=UserSchema, many=True, cached_reads=("users",)),
    Endpoint("POST", "/api/v1/users", create_user, "users:manage", body=UserCreateSchema,
             response=UserSchema, status=201, errors=(409,)),
    Endpoint("GET", "/api/v1/users/<user_id:int>", get_user, "users:manage",
             response=UserSchema, errors=(404,)),
    Endpoint("PATCH", "/api/v1/users/<user_id:int>", update_user, "users:manage",
             body=UserPatchSchema, response=UserSchema, errors=(404, 409)),
    Endpoint("POST", "/api/v1/setup", set_up, PUBLIC, body=SetupSchema, response=UserSchema,
             status=201, errors=(404,)),
]
