"""The web pages people use: one module per area, each with an ``install(app)``.

To find what a URL shows, open the module named after its first path segment
("/products/7" -> products.py); its ``install`` at the bottom lists the URLs,
handlers and permissions. Shared pieces: view.py (rendering, formatting) and
forms.py (reading forms through the schemas, flash messages).
"""

import bottle

from tinyapp.web.pages import (
    account,
    categories,
    customers,
    dashboard,
    history,
    imports,
    order_form,
    orders,
    products,
    reports,
    session,
    system,
    users,
    webhooks,
)

MODULES = [session, dashboard, products, categories, customers, order_form, orders, reports,
           imports, users, account, system, history, webhooks]


def install(app: bottle.Bottle) -> None:
    """Add every page's routes to the app."""
    for module in MODULES:
        module.install(app)
