"""Every table of tinyapp, importable from one place: ``from tinyapp.models import Product``."""

from tinyapp.models.accounts import ROLES, ApiToken, Session, User
from tinyapp.models.audit import AuditEvent
from tinyapp.models.base import BaseModel, from_cents, to_cents, utcnow
from tinyapp.models.catalog import Category, Product
from tinyapp.models.reporting import DailySales, ProductDailySales
from tinyapp.models.sales import ORDER_STATUSES, Customer, Order, OrderLine
from tinyapp.models.search import SearchTerm
from tinyapp.models.stock import StockMovement

# In foreign-key order: a table comes after every table it refers to.
MODELS = [User, Session, ApiToken, AuditEvent, Category, Product, Customer, Order,
          OrderLine, StockMovement, SearchTerm, DailySales, ProductDailySales]

__all__ = ["ApiToken", "AuditEvent", "BaseModel", "Category", "Customer", "DailySales",
           "MODELS", "ORDER_STATUSES", "Order", "OrderLine", "Product", "ProductDailySales",
           "ROLES", "SearchTerm", "Session", "StockMovement", "User", "from_cents",
           "to_cents", "utcnow"]
