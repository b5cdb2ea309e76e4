"""/api/v1/reports/* and /api/v1/search: figures for the dashboard, reports and lookups."""

from tinyapp import reports
from tinyapp.models import Customer, Product
from tinyapp.schemas.reports import (
    CategoriesReportSchema,
    DateRangeQuery,
    LimitQuery,
    LowStockSchema,
    SalesQuery,
    SalesReportSchema,
    SearchQuery,
    SearchResultSchema,
    TopProductsQuery,
    TopProductsSchema,
)
from tinyapp.web.api.endpoint import Endpoint


def sales_report(query):
    """Orders and money per day or month over a date range (default: the last 30 days)."""
    return reports.sales(query["period"], query["start"], query["end"])


def top_products_report(query):
    """The products that brought in the most money over a date range."""
    return reports.top_products(query["start"], query["end"], query["limit"])


def categories_report(query):
    """Money and units sold per category over a date range."""
    return reports.sales_by_category(query["start"], query["end"])


def low_stock_report(query):
    """Active products at or below their reorder level."""
    return reports.low_stock(query["limit"])


def search(query):
    """Find products (by SKU or name words) and customers (by name or e-mail words)."""
    products = (Product.listing(search=query["q"]).order_by(Product.name, Product.id)
                .limit(query["limit"]))
    customers = (Customer.listing(search=query["q"]).order_by(Customer.name, Customer.id)
                 .limit(query["limit"]))
    return {"q": query["q"],
            "products": [{"id": p.id, "name": p.name, "sku": p.sku} for p in products],
            "customers": [{"id": c.id, "name": c.name, "email": c.email} for c in customers]}


ENDPOINTS = [
    Endpoint("GET", "/api/v1/reports/sales", sales_report, "reports:read",
             query=SalesQuery, response=SalesReportSchema),
    Endpoint("GET", "/api/v1/reports/top-products", top_products_report, "reports:read",
             query=TopProductsQuery, response=TopProductsSchema),
    Endpoint("GET", "/api/v1/reports/categories", categories_report, "reports:read",
             query=DateRangeQuery, response=CategoriesReportSchema),
    Endpoint("GET", "/api/v1/reports/low-stock", low_stock_report, "reports:read",
             query=LimitQuery, response=LowStockSchema),
    Endpoint("GET", "/api/v1/search", search, "catalog:read", query=SearchQuery,
             response=SearchResultSchema,
             cached_reads=("products", "customers", "search_documents", "search_terms")),
]
