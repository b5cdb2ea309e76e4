"""Your account: preferences, password, signed-in browsers, and API tokens."""

import datetime as dt

import bottle
from marshmallow import ValidationError

from tinyapp.errors import AppError, PermissionDenied
from tinyapp.models import ApiToken, Session, utcnow
from tinyapp.schemas.accounts import (
    PAGE_SIZES,
    PasswordChangeSchema,
    PreferencesSchema,
    TokenCreateSchema,
)
from tinyapp.security.permissions import SIGNED_IN
from tinyapp.services import accounts
from tinyapp.web import auth, formats
from tinyapp.web.pages.forms import Form, flash, form_from_error, load_form, posted
from tinyapp.web.pages.view import page, page_size, redirect

PREFERENCES = ("page_size", "date_format")


def show_account(status: int = 200, **forms):
    """Show the account page; ``forms`` replaces a section's form (to show its errors)."""
    who = auth.identity()
    sessions = list(Session.select()
                    .where(Session.user == who.user, Session.expires_at > utcnow())
                    .order_by(Session.last_seen_at.desc()))
    tokens = list(ApiToken.select().where(ApiToken.user == who.user).order_by(ApiToken.id))
    return page("account.tpl", "Your account", section="account", sessions=sessions,
                tokens=tokens, current_session_id=who.session.id if who.session else None,
                page_sizes=PAGE_SIZES, date_styles=formats.DATE_STYLES, status=status,
                preferences=forms.get("preferences", Form({
                    "page_size": page_size(),
                    "date_format": (who.user.preferences or {}).get("date_format",
                                                                    formats.DEFAULT_STYLE)})),
                password=forms.get("password", Form()),
                token=forms.get("token", Form()), new_token=forms.get("new_token"))


def save_preferences():
    """Store your preferences."""
    try:
        data = load_form(PreferencesSchema, PREFERENCES)
        accounts.set_preferences(auth.current_user(), data)
    except ValidationError as exc:
        return show_account(422, preferences=form_from_error(exc, posted(PREFERENCES)))
    flash("Your preferences are saved.")
    redirect("/account")


def change_password():
    """Change your password; your other sessions end."""
    who = auth.identity()
    try:
        data = load_form(PasswordChangeSchema, ("current_password", "new_password"))
        accounts.change_password(who.user, data["current_password"], data["new_password"],
                                 keep_session_id=who.session.id if who.session else None)
    except PermissionDenied as exc:  # a wrong current password
        return show_account(422, password=form_from_error(exc, {}))
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {}
        if "password" in messages:  # the policy speaks of "password": the new one here
            messages = {**messages, "new_password": messages.pop("password")}
        return show_account(422, password=form_from_error(ValidationError(messages), {}))
    flash("Your password is changed. Other browsers were signed out and your API tokens "
          "revoked.")
    redirect("/account")


def end_session(session_id: int):
    """Sign one of your other browsers out."""
    try:
        accounts.end_session(auth.current_user(), session_id)
    except AppError as exc:
        flash(exc.message, "error")
    else:
        flash("That browser is signed out.")
    redirect("/account#sessions")


def end_other_sessions():
    """Sign out everywhere but here."""
    who = auth.identity()
    ended = accounts.end_other_sessions(who.user, who.session.id if who.session else None)
    flash(f"Signed out {ended} other session{'' if ended == 1 else 's'}.")
    redirect("/account#sessions")


def create_token():
    """Create an API token and show its secret on this page, once."""
    try:
        data = load_form(TokenCreateSchema, ("name", "expires_in_days"))
        days = data["expires_in_days"]
        expires = utcnow() + dt.timedelta(days=days) if days else None
        token, secret = accounts.create_token(auth.current_user(), data["name"], expires)
    except ValidationError as exc:
        return show_account(422, token=form_from_error(
            exc, posted(("name", "expires_in_days"))))
    # Answer this POST with the page itself: the secret must not travel in a cookie or URL.
    return show_account(201, new_token={"name": token.name, "secret": secret})


def confirm_revoke(token_id: int):
    """Ask before revoking an API token."""
    token = ApiToken.get_or_none(ApiToken.id == token_id,
                                 ApiToken.user == auth.current_user())
    name = token.name if token else f"token {token_id}"
    return page("confirm.tpl", f"Revoke {name}?", section="account",
                question=f"Revoke the API token {name}?",
                detail="Scripts that use it are refused from now on. This cannot be undone.",
                action=f"/account/tokens/{token_id}/revoke", button="Revoke token",
                back="/account#tokens", back_label="Keep it")


def revoke_token(token_id: int):
    """Revoke one of your API tokens."""
    accounts.revoke_token(auth.current_user(), token_id)
    flash("The token is revoked.")
    redirect("/account#tokens")


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    app.route("/account", "GET", show_account, permission=SIGNED_IN)
    app.route("/account/preferences", "POST", save_preferences, permission=SIGNED_IN)
    app.route("/account/password", "POST", change_password, permission=SIGNED_IN)
    app.route("/account/sessions/<session_id:int>/end", "POST", end_session,
              permission=SIGNED_IN)
    app.route("/account/sessions/end-others", "POST", end_other_sessions,
              permission=SIGNED_IN)
    app.route("/account/tokens", "POST", create_token, permission=SIGNED_IN)
    app.route("/account/tokens/<token_id:int>/revoke", "GET", confirm_revoke,
              permission=SIGNED_IN)
    app.route("/account/tokens/<token_id:int>/revoke", "POST", revoke_token,
              permission=SIGNED_IN)
