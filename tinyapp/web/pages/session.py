"""Signing in and out, and the first-run page that creates the first admin."""

import bottle
from marshmallow import ValidationError

from tinyapp.errors import Busy, NotAuthenticated, TooManyRequests
from tinyapp.schemas.accounts import LoginSchema, SetupSchema
from tinyapp.security.permissions import PUBLIC, SIGNED_IN
from tinyapp.web import auth
from tinyapp.web.pages.forms import Form, flash, form_from_error, load_form, posted
from tinyapp.web.pages.view import page, redirect, safe_next

LOGIN_FIELDS = ("email", "password")
SETUP_FIELDS = ("email", "name", "password")


def _first_run():
    return bottle.request.app.config["tinyapp.first_run"]


def login_form():
    """Show the sign-in form (or go on to the dashboard when already signed in)."""
    target = safe_next(bottle.request.query.getunicode("next"))
    if auth.current_user() is not None:
        redirect(target)
    return page("login.tpl", "Sign in", form=Form(), next=target)


def log_in():
    """Check e-mail and password, start a session, and go where the visitor was heading."""
    target = safe_next(bottle.request.forms.getunicode("next"))
    values = posted(("email",))
    try:
        data = load_form(LoginSchema, LOGIN_FIELDS)
        auth.sign_in(data["email"], data["password"])
    except (ValidationError, NotAuthenticated, TooManyRequests, Busy) as exc:
        status = {TooManyRequests: 429, NotAuthenticated: 401, Busy: 503}.get(type(exc), 422)
        return page("login.tpl", "Sign in", form=form_from_error(exc, values), next=target,
                    status=status)
    redirect(target)


def log_out():
    """End this session and go back to the sign-in page."""
    auth.sign_out()
    flash("You are signed out.", "info")
    redirect("/login")


def setup_form():
    """Show the first-run form, if the one-time link is (still) valid."""
    token = bottle.request.query.getunicode("token") or ""
    _first_run().check(token)
    return page("setup.tpl", "Set up tinyapp", form=Form(), token=token)


def set_up():
    """Create the first admin from the one-time link; the link dies with it."""
    token = bottle.request.forms.getunicode("token") or ""
    _first_run().check(token)
    try:
        data = load_form(SetupSchema, SETUP_FIELDS, token=token)
        _first_run().create_admin(token, data["email"], data["name"], data["password"])
    except ValidationError as exc:
        return page("setup.tpl", "Set up tinyapp", form=form_from_error(
            exc, posted(("email", "name"))), token=token, status=422)
    auth.sign_in(data["email"], data["password"])  # the person who set it up is signed in
    flash("Your admin account is ready, and you are signed in. Add your team on the Users "
          "page.")
    redirect("/")


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    app.route("/login", "GET", login_form, permission=PUBLIC)
    app.route("/login", "POST", log_in, permission=PUBLIC)
    app.route("/logout", "POST", log_out, permission=SIGNED_IN)
    app.route("/setup", "GET", setup_form, permission=PUBLIC)
    app.route("/setup", "POST", set_up, permission=PUBLIC)
