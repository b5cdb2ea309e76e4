"""Every table of tinyapp, importable from one place: ``from tinyapp.models import Product``."""

from tinyapp.models.accounts import ROLES, ApiToken, Session, User
from tinyapp.models.base import (
    BaseModel,
    business_day,
    business_today,
    from_cents,
    start_of_business_day,
    to_cents,
    utcnow,
)
from tinyapp.models.catalog import Category, Product
from tinyapp.models.journal import Change, CommitReceipt
from tinyapp.models.reporting import AppState, DailySales, ProductDailySales
from tinyapp.models.sales import (
    ORDER_STATUSES,
    Customer,
    Order,
    OrderLine,
    OrderSearchEntryDue,
)
from tinyapp.models.search import SearchDocument, SearchTerm
from tinyapp.models.stock import StockMovement
from tinyapp.models.webhooks import Delivery, OutboxEvent, Webhook

# In foreign-key order: a table comes after every table it refers to.
MODELS = [User, Session, ApiToken, Change, Category, Product, Customer, Order,
          OrderLine, StockMovement, SearchTerm, SearchDocument, OrderSearchEntryDue,
          DailySales, ProductDailySales, AppState, CommitReceipt, Webhook, OutboxEvent,
          Delivery]

__all__ = ["ApiToken", "AppState", "BaseModel", "Category", "Change", "CommitReceipt",
           "Customer", "DailySales", "Delivery", "MODELS", "ORDER_STATUSES", "Order",
           "OrderLine", "OrderSearchEntryDue", "OutboxEvent", "Product", "ProductDailySales",
           "ROLES", "SearchDocument", "SearchTerm", "Session", "StockMovement", "User", "Webhook",
           "business_day", "business_today", "from_cents", "start_of_business_day",
           "to_cents", "utcnow"]
