"""Webhook pages (admins): add, test, remove webhooks; see every delivery and send one again."""

import bottle
from marshmallow import ValidationError

from tinyapp.errors import AppError
from tinyapp.models import Webhook
from tinyapp.outbox import EVENTS
from tinyapp.schemas.webhooks import WebhookSchema
from tinyapp.services import webhooks
from tinyapp.services.common import get_row
from tinyapp.web.pages.forms import Form, flash, form_from_error, friendly, posted
from tinyapp.web.pages.lists import list_page
from tinyapp.web.pages.view import page, query_args, redirect, whole_number

FIELDS = {"url": "Address", "events": "Events", "secret": "Secret"}
STATUSES = ("pending", "failing", "delivered")


def list_webhooks(form: Form | None = None, created: Webhook | None = None,
                  status: int = 200):
    """The webhooks, a form to add one, and (just after adding) its secret, once."""
    listing = list_page(Webhook.select(), "id", "/webhooks", {}, default_sort="id")
    return page("webhooks.tpl", "Webhooks", section="system", webhooks=listing.items,
                listing=listing, form=form or Form({"events": []}), events=EVENTS,
                created=created, status=status)


def show_webhooks():
    """The webhooks page as a link opens it."""
    return list_webhooks()


def create_webhook():
    """Add a webhook from the form; show its secret on the page that answers."""
    typed = {"url": "", "secret": "", **posted(("url", "secret")),
             "events": bottle.request.forms.getall("events")}
    data = {"url": typed["url"], "events": typed["events"],
            "secret": typed["secret"].strip() or None}
    try:
        hook = webhooks.create_webhook(WebhookSchema().load(data))
    except ValidationError as exc:
        return list_webhooks(Form(typed, friendly(exc.messages)), status=422)
    except AppError as exc:
        return list_webhooks(form_from_error(exc, typed), status=409)
    return list_webhooks(created=hook, status=201)


def send_test(webhook_id: int):
    """Queue a signed test event for a webhook; its delivery shows how it went."""
    webhooks.send_test(webhook_id)
    flash("A test event is on its way; its delivery is listed below.")
    redirect(f"/webhooks/deliveries?webhook_id={webhook_id}")


def confirm_delete(webhook_id: int):
    hook = get_row(Webhook, webhook_id)
    return page("confirm.tpl", "Remove this webhook?", section="system",
                question=f"Remove the webhook to {hook.url}?",
                detail="It hears of no more events, and deliveries still waiting are dropped.",
                action=f"/webhooks/{webhook_id}/delete", button="Remove webhook",
                back="/webhooks", back_label="Keep it")


def delete_webhook(webhook_id: int):
    webhooks.delete_webhook(webhook_id)
    flash("The webhook is removed.")
    redirect("/webhooks")


def list_deliveries():
    """Every delivery, newest first, by webhook and status: attempts and the last answer."""
    filters = query_args("webhook_id", "status")
    query = webhooks.delivery_query(
        whole_number(filters.get("webhook_id")),
        filters.get("status") if filters.get("status") in STATUSES else None)
    listing = list_page(query, "-id", "/webhooks/deliveries", filters, default_sort="-id")
    return page("deliveries.tpl", "Webhook deliveries", section="system",
                deliveries=listing.items, listing=listing, filters=filters,
                statuses=STATUSES, webhooks=list(Webhook.select().order_by(Webhook.id)))


def redeliver(delivery_id: int):
    webhooks.redeliver(delivery_id)
    flash(f"Delivery {delivery_id} will be sent again in a moment.")
    redirect("/webhooks/deliveries")


def install(app: bottle.Bottle) -> None:
    """Add this area's pages to the app."""
    one = "/webhooks/<webhook_id:int>"
    app.route("/webhooks", "GET", show_webhooks, permission="webhooks:manage")
    app.route("/webhooks", "POST", create_webhook, permission="webhooks:manage")
    app.route(one + "/test", "POST", send_test, permission="webhooks:manage")
    app.route(one + "/delete", "GET", confirm_delete, permission="webhooks:manage")
    app.route(one + "/delete", "POST", delete_webhook, permission="webhooks:manage")
    app.route("/webhooks/deliveries", "GET", list_deliveries, permission="webhooks:manage")
    app.route("/webhooks/deliveries/<delivery_id:int>/redeliver", "POST", redeliver,
              permission="webhooks:manage")
