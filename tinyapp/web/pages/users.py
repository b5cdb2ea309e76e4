"""User pages (admins): the list, add a user, change name or role, deactivate."""

import bottle
from marshmallow import ValidationError

from tinyapp.errors import AppError
from tinyapp.models import User
from tinyapp.schemas.accounts import UserCreateSchema, UserPatchSchema
from tinyapp.services import accounts
from tinyapp.services.common import get_row
from tinyapp.web.auth import current_user
from tinyapp.web.pages.forms import Form, flash, form_from_error, load_form, posted
from tinyapp.web.pages.history import recent_changes
from tinyapp.web.pages.lists import list_page
from tinyapp.web.pages.view import page, redirect

CREATE_FIELDS = ("email", "name", "role", "password")
EDIT_FIELDS = ("name", "role")
ROLE_CHOICES = [("viewer", "Viewer: sees everything, changes nothing"),
                ("staff", "Staff: manages products, customers and orders"),
                ("admin", "Admin: also users and the system")]


def list_users():
    """List every user by e-mail address."""
    listing = list_page(User.select(), "email", "/users", {}, default_sort="email")
    return page("users.tpl", "Users", section="users", users=listing.items, listing=listing)


def new_user_form():
    """Show the form to add a user."""
    return _new_page(Form({"role": "staff"}))


def create_user():
    """Add a user with a role and a first password."""
    try:
        data = load_form(UserCreateSchema, CREATE_FIELDS)
        user = accounts.create_user(data["email"], data["name"], data["password"],
                                    data["role"], actor=current_user())
    except (ValidationError, AppError) as exc:
        return _new_page(form_from_error(exc, posted(("email", "name", "role"))), 422)
    flash(f"{user.name} can now sign in as {user.email}.")
    redirect("/users")


def edit_user_form(user_id: int):
    """Show a user with the form to change their name or role."""
    user = get_row(User, user_id)
    return _edit_page(user, Form({"name": user.name, "role": user.role}))


def update_user(user_id: int):
    """Change a user's name or role."""
    user = get_row(User, user_id)
    try:
        data = load_form(UserPatchSchema, EDIT_FIELDS)
        accounts.update_user(user_id, data, actor=current_user())
    except (ValidationError, AppError) as exc:
        return _edit_page(user, form_from_error(exc, posted(EDIT_FIELDS)), 422)
    flash(f"{data['name']} is saved.")
    redirect("/users")


def confirm_deactivate(user_id: int):
    """Ask before deactivating a user."""
    user = get_row(User, user_id)
    return page("confirm.tpl", f"Deactivate {user.name}?", section="users",
                question=f"Deactivate {user.name} ({user.email})?",
                detail="They are signed out everywhere and cannot sign in until an admin "
                       "activates them again. Their history stays.",
                action=f"/users/{user_id}/deactivate", button="Deactivate",
                back=f"/users/{user_id}", back_label="Keep them active")


def deactivate_user(user_id: int):
    """Deactivate a user (they are signed out at once)."""
    return _set_active(user_id, False, "is deactivated and signed out.")


def activate_user(user_id: int):
    """Let a deactivated user sign in again."""
    return _set_active(user_id, True, "can sign in again.")


def _set_active(user_id: int, active: bool, done: str):
    try:
        user = accounts.update_user(user_id, {"is_active": active}, actor=current_user())
    except AppError as exc:
        flash(exc.message, "error")
    else:
        flash(f"{user.name} {done}")
    redirect(f"/users/{user_id}")


def _new_page(form: Form, status: int = 200) -> str:
    return page("user_new.tpl", "Add a user", section="users", form=form,
                roles=ROLE_CHOICES, status=status)


def _edit_page(user: User, form: Form, status: int = 200) -> str:
    return page("user.tpl", user.name, section="users", user=user, form=form,
                roles=ROLE_CHOICES, status=status, changes=recent_changes("user", user.id))



def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    one = "/users/<user_id:int>"
    app.route("/users", "GET", list_users, permission="users:manage")
    app.route("/users", "POST", create_user, permission="users:manage")
    app.route("/users/new", "GET", new_user_form, permission="users:manage")
    app.route(one, "GET", edit_user_form, permission="users:manage")
    app.route(one, "POST", update_user, permission="users:manage")
    app.route(one + "/deactivate", "GET", confirm_deactivate, permission="users:manage")
    app.route(one + "/deactivate", "POST", deactivate_user, permission="users:manage")
    app.route(one + "/activate", "POST", activate_user, permission="users:manage")
