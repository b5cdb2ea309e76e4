"""The JSON API under /api/v1: each resource module declares its ENDPOINTS.

To find what a URL does, open the module named after its first path segment; its
ENDPOINTS list at the bottom maps method + path to handler, permission and schemas.
"""

import bottle

from tinyapp.web.api import (
    accounts,
    backups,
    categories,
    csvfiles,
    customers,
    history,
    openapi,
    orders,
    products,
    reports,
    webhooks,
)
from tinyapp.web.api.endpoint import Endpoint, register

MODULES = [accounts, categories, products, customers, orders, reports, csvfiles, backups,
           history, webhooks]


def endpoints() -> list[Endpoint]:
    return [endpoint for module in MODULES for endpoint in module.ENDPOINTS]


def install(app: bottle.Bottle) -> None:
    register(app, endpoints())
    openapi.install(app, endpoints())
