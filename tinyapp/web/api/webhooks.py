"""/api/v1/webhooks and /api/v1/webhook-deliveries: who hears of changes, and what was sent."""

from tinyapp.models import Webhook
from tinyapp.schemas.common import ListQuery
from tinyapp.schemas.webhooks import (
    DeliveryQuery,
    DeliverySchema,
    NewWebhookSchema,
    WebhookPatchSchema,
    WebhookSchema,
)
from tinyapp.services import webhooks
from tinyapp.services.common import get_row
from tinyapp.web.api.endpoint import Endpoint


def list_webhooks(query):
    """List webhooks (their secrets are never shown again)."""
    return webhooks.list_webhooks(query["limit"], query["cursor"])


def create_webhook(body):
    """Add a webhook; the answer shows its signing secret, this once."""
    return webhooks.create_webhook(body)


def get_webhook(webhook_id):
    """Show one webhook."""
    return get_row(Webhook, webhook_id)


def update_webhook(webhook_id, body):
    """Change a webhook's address, events, or turn it off and on."""
    return webhooks.update_webhook(webhook_id, body)


def delete_webhook(webhook_id):
    """Remove a webhook and its deliveries still waiting."""
    webhooks.delete_webhook(webhook_id)


def send_test_event(webhook_id):
    """Send a signed webhook.test event to the webhook now (see its delivery for the answer)."""
    return webhooks.send_test(webhook_id)


def list_deliveries(query):
    """Deliveries newest first: status, attempts, the last answer or error."""
    return webhooks.list_deliveries(**query)


def redeliver(delivery_id):
    """Send a delivery again now."""
    return webhooks.redeliver(delivery_id)


ID = "/api/v1/webhooks/<webhook_id:int>"
ENDPOINTS = [
    Endpoint("GET", "/api/v1/webhooks", list_webhooks, "webhooks:manage", query=ListQuery,
             response=WebhookSchema, many=True),
    Endpoint("POST", "/api/v1/webhooks", create_webhook, "webhooks:manage",
             body=WebhookSchema, response=NewWebhookSchema, status=201),
    Endpoint("GET", ID, get_webhook, "webhooks:manage", response=WebhookSchema,
             errors=(404,)),
    Endpoint("PATCH", ID, update_webhook, "webhooks:manage", body=WebhookPatchSchema,
             response=WebhookSchema, errors=(404,)),
    Endpoint("DELETE", ID, delete_webhook, "webhooks:manage", status=204, errors=(404,)),
    Endpoint("POST", ID + "/test", send_test_event, "webhooks:manage", response=DeliverySchema,
             status=202, errors=(404,)),
    Endpoint("GET", "/api/v1/webhook-deliveries", list_deliveries, "webhooks:manage",
             query=DeliveryQuery, response=DeliverySchema, many=True),
    Endpoint("POST", "/api/v1/webhook-deliveries/<delivery_id:int>/redeliver", redeliver,
             "webhooks:manage", response=DeliverySchema, errors=(404,)),
]
