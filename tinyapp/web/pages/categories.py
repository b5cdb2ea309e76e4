"""Category pages: the list with an "add" form, rename, and delete (when empty)."""

import bottle
from marshmallow import ValidationError

from tinyapp.errors import AppError
from tinyapp.models import Category
from tinyapp.schemas.catalog import CategorySchema
from tinyapp.services import catalog
from tinyapp.services.common import get_row
from tinyapp.web.pages.forms import Form, flash, form_from_error, load_form, posted
from tinyapp.web.pages.lists import list_page
from tinyapp.web.pages.view import page, redirect


def list_categories(form: Form | None = None, status: int = 200):
    """List categories by name, with the form to add one."""
    listing = list_page(Category.select(), "name", "/categories", {}, default_sort="name")
    return page("categories.tpl", "Categories", section="categories",
                categories=listing.items, listing=listing, form=form or Form(), status=status)


def create_category():
    """Add a category from the form."""
    try:
        data = load_form(CategorySchema, ("name",))
        category = catalog.create_category(data["name"])
    except (ValidationError, AppError) as exc:
        return list_categories(_name_error(exc), status=422)
    flash(f"Category {category.name} added.")
    redirect("/categories")


def rename_form(category_id: int):
    """Show the form to rename a category."""
    category = get_row(Category, category_id)
    return page("category_form.tpl", f"Rename {category.name}", section="categories",
                category=category, form=Form({"name": category.name}))


def rename_category(category_id: int):
    """Rename a category."""
    category = get_row(Category, category_id)
    try:
        data = load_form(CategorySchema, ("name",))
        catalog.rename_category(category_id, data["name"])
    except (ValidationError, AppError) as exc:
        return page("category_form.tpl", f"Rename {category.name}", section="categories",
                    category=category, form=_name_error(exc), status=422)
    flash(f"Category renamed to {data['name']}.")
    redirect("/categories")


def confirm_delete(category_id: int):
    """Ask before deleting a category."""
    category = get_row(Category, category_id)
    return page("confirm.tpl", f"Delete {category.name}?", section="categories",
                question=f"Delete the category {category.name}?",
                detail="Only a category without products can be deleted.",
                action=f"/categories/{category_id}/delete", button="Delete category",
                back="/categories", back_label="Keep it")


def delete_category(category_id: int):
    """Delete an empty category."""
    category = get_row(Category, category_id)
    try:
        catalog.delete_category(category_id)
    except AppError as exc:
        flash(exc.message, "error")
    else:
        flash(f"Category {category.name} deleted.")
    redirect("/categories")


def _name_error(exc: Exception) -> Form:
    """Show any refusal (invalid, or a duplicate name) beside the name field."""
    form = form_from_error(exc, posted(("name",)))
    if form.problem:
        form = Form(form.values, {"name": [form.problem]})
    return form


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    one = "/categories/<category_id:int>"
    app.route("/categories", "GET", list_categories, permission="catalog:read")
    app.route("/categories", "POST", create_category, permission="catalog:write")
    app.route(one + "/edit", "GET", rename_form, permission="catalog:write")
    app.route(one, "POST", rename_category, permission="catalog:write")
    app.route(one + "/delete", "GET", confirm_delete, permission="catalog:write")
    app.route(one + "/delete", "POST", delete_category, permission="catalog:write")
