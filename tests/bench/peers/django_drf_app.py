"""The Django + Django REST framework peer: tinyapp's product list and order placement.

One file, as Django's single-file apps are written: settings configured in code first
(models can only be declared once they exist, hence the imports after it), unmanaged
models on tinyapp's tables, ModelSerializers, a DRF authentication class that looks the
bearer token up in the database on every request, generic views with a small keyset
pagination. SQLite as Django's docs advise for concurrent writers: WAL, a busy timeout
and BEGIN IMMEDIATE for transaction.atomic(); persistent connections (CONN_MAX_AGE).
Run: python django_drf_app.py DATABASE_FILE PORT THREADS
"""

import hashlib
import sys
import uuid
from decimal import Decimal

import django
import waitress
from django.conf import settings

PRAGMAS = ("journal_mode=wal", "synchronous=full", "cache_size=-16000", "temp_store=memory")


def configure(database_file: str) -> None:
    """Set Django up for this one-file app on a SQLite file."""
    settings.configure(
        DEBUG=False, SECRET_KEY="bench", ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__, USE_TZ=True, TIME_ZONE="UTC",
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        INSTALLED_APPS=["rest_framework"],
        MIDDLEWARE=["django.middleware.security.SecurityMiddleware",
                    "django.middleware.common.CommonMiddleware"],
        DATABASES={"default": {
            "ENGINE": "django.db.backends.sqlite3", "NAME": database_file,
            "CONN_MAX_AGE": None,  # one connection per thread, kept (foreign keys: Django)
            "OPTIONS": {"timeout": 10, "transaction_mode": "IMMEDIATE",
                        "init_command": ";".join(f"PRAGMA {p}" for p in PRAGMAS)}}},
        REST_FRAMEWORK={
            # Named by each view: DRF reads these defaults while this module is importing it.
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
            "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
            "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
            "UNAUTHENTICATED_USER": None,
        },
    )
    django.setup()


if __name__ == "__main__":
    configure(sys.argv[1])

from django.db import models, transaction  # noqa: E402
from django.db.models import F, Prefetch, Q  # noqa: E402
from django.db.models.lookups import LessThanOrEqual  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework import exceptions, generics, permissions, serializers, status  # noqa: E402
from rest_framework.authentication import (  # noqa: E402
    BaseAuthentication,
    get_authorization_header,
)
from rest_framework.pagination import BasePagination  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

# -- models: tinyapp's tables, which Django neither creates nor migrates --


class User(models.Model):
    email = models.CharField(max_length=254)
    name = models.CharField(max_length=100)
    password_hash = models.CharField(max_length=255)
    role = models.CharField(max_length=10)
    is_active = models.BooleanField()
    preferences = models.TextField()
    created_at = models.DateTimeField()
    last_login_at = models.DateTimeField(null=True)
    is_authenticated = True  # what DRF's IsAuthenticated asks of request.user

    class Meta:
        app_label, db_table, managed = "shop", "users", False


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField(null=True)
    scope = models.CharField(max_length=10)

    class Meta:
        app_label, db_table, managed = "shop", "api_tokens", False


class Category(models.Model):
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label, db_table, managed = "shop", "categories", False


class Product(models.Model):
    sku = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    barcode = models.CharField(max_length=64, null=True)
    description = models.TextField()
    category = models.ForeignKey(Category, null=True, on_delete=models.PROTECT)
    price = models.BigIntegerField()  # cents
    needs_reorder = models.BooleanField()
    stock = models.IntegerField()
    reorder_level = models.IntegerField()
    is_active = models.BooleanField()
    version = models.IntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label, db_table, managed = "shop", "products", False


class Customer(models.Model):
    name = models.CharField(max_length=200)
    email = models.CharField(max_length=254, null=True)
    phone = models.CharField(max_length=32)
    address = models.TextField()
    notes = models.TextField()
    is_active = models.BooleanField()
    version = models.IntegerField()
    created_at = models.DateTimeField()

    class Meta:
        app_label, db_table, managed = "shop", "customers", False


class Order(models.Model):
    number = models.CharField(max_length=20)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT)
    status = models.CharField(max_length=10, default="draft")
    notes = models.TextField(default="")
    total = models.BigIntegerField(default=0)  # cents
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)
    placed_at = models.DateTimeField(null=True)
    closed_at = models.DateTimeField(null=True)
    version = models.IntegerField(default=1)

    class Meta:
        app_label, db_table, managed = "shop", "orders", False

    @classmethod
    def with_lines(cls, order_id: int) -> "Order | None":
        """The order with its customer, lines and their products (two queries)."""
        lines = OrderLine.objects.select_related("product").order_by("id")
        return (cls.objects.select_related("customer")
                .prefetch_related(Prefetch("lines", queryset=lines))
                .filter(pk=order_id).first())


class OrderLine(models.Model):
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    quantity = models.IntegerField()
    unit_price = models.BigIntegerField()  # cents

    class Meta:
        app_label, db_table, managed = "shop", "order_lines", False

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


class StockMovement(models.Model):
    product = models.ForeignKey(Product, on_delete=models.PROTECT)
    delta = models.IntegerField()
    reason = models.CharField(max_length=200)
    order = models.ForeignKey(Order, null=True, on_delete=models.PROTECT)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label, db_table, managed = "shop", "stock_movements", False


# -- authentication, permissions, errors --

class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``, looked up in api_tokens on every request."""

    def authenticate(self, request):
        scheme, _, secret = get_authorization_header(request).decode().partition(" ")
        if scheme.lower() != "bearer":
            return None
        token = (ApiToken.objects.select_related("user")
                 .filter(token_hash=hashlib.sha256(secret.encode()).hexdigest(), scope="all",
                         user__is_active=True)
                 .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
                 .first())
        if token is None:
            raise exceptions.AuthenticationFailed("This API token is invalid, expired or "
                                                  "revoked.")
        return token.user, token

    def authenticate_header(self, request):
        return "Bearer"


class IsStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.role in ("admin", "staff")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict."


# -- serializers --

class MoneyField(serializers.Field):
    """Whole cents in the database, "12.50" in JSON."""

    def to_representation(self, cents):
        return str(Decimal(cents).scaleb(-2))


class CategoryRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name"]


class ProductSerializer(serializers.ModelSerializer):
    category = CategoryRefSerializer(read_only=True, allow_null=True)
    price = MoneyField()

    class Meta:
        model = Product
        fields = ["id", "sku", "name", "barcode", "description", "category_id", "category",
                  "price", "stock", "reorder_level", "is_active", "version", "created_at",
                  "updated_at"]


class PageQuerySerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=500, default=50)
    cursor = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class LineInSerializer(serializers.Serializer):
    product_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)


class OrderCreateSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField(min_value=1)
    lines = LineInSerializer(many=True, allow_empty=False, max_length=100)
    notes = serializers.CharField(default="", allow_blank=True)

    def create(self, validated_data):
        with transaction.atomic():
            customer = Customer.objects.filter(pk=validated_data["customer_id"],
                                               is_active=True).first()
            if customer is None:
                raise Conflict("No active customer with that id.")
            lines = validated_data["lines"]
            wanted = {line["product_id"] for line in lines}
            prices = dict(Product.objects.filter(pk__in=wanted, is_active=True)
                          .values_list("id", "price"))
            if len(prices) != len(wanted):
                raise Conflict("Every line needs an active product.")
            order = Order.objects.create(
                number=f"tmp-{uuid.uuid4().hex[:16]}", customer=customer,
                notes=validated_data["notes"], created_by=validated_data["created_by"],
                total=sum(prices[line["product_id"]] * line["quantity"] for line in lines))
            OrderLine.objects.bulk_create(
                OrderLine(order=order, product_id=line["product_id"],
                          quantity=line["quantity"], unit_price=prices[line["product_id"]])
                for line in lines)
            order.number = f"SO-{order.id:06d}"
            order.save(update_fields=["number"])
        return order


class ProductRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "sku"]


class OrderLineSerializer(serializers.ModelSerializer):
    product = ProductRefSerializer()
    unit_price = MoneyField()
    line_total = MoneyField()

    class Meta:
        model = OrderLine
        fields = ["id", "product", "quantity", "unit_price", "line_total"]


class CustomerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name"]


class OrderSerializer(serializers.ModelSerializer):
    customer = CustomerRefSerializer()
    total = MoneyField()
    lines = OrderLineSerializer(many=True)

    class Meta:
        model = Order
        fields = ["id", "number", "status", "customer", "notes", "total", "lines", "version",
                  "created_at", "placed_at", "closed_at"]


# -- views --

class ProductPagination(BasePagination):
    """Keyset pages by name, then id: ``?limit=N&cursor=<id of the last row before>``."""

    def paginate_queryset(self, queryset, request, view=None):
        query = PageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit, cursor = query.validated_data["limit"], query.validated_data.get("cursor")
        if cursor is not None:
            name = Product.objects.filter(pk=cursor).values_list("name", flat=True).first()
            if name is None:
                raise Conflict("No product has the id this cursor names; start without it.")
            queryset = queryset.filter(Q(name__gt=name) | Q(name=name, id__gt=cursor))
        rows = list(queryset.order_by("name", "id")[:limit + 1])
        self.next_cursor = str(rows[limit - 1].id) if len(rows) > limit else None
        return rows[:limit]

    def get_paginated_response(self, data):
        return Response({"items": data, "next_cursor": self.next_cursor})


class ProductList(generics.ListAPIView):
    authentication_classes = [BearerTokenAuthentication]
    queryset = Product.objects.select_related("category")
    serializer_class = ProductSerializer
    pagination_class = ProductPagination


class OrderCreate(APIView):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [permissions.IsAuthenticated, IsStaff]

    def post(self, request):
        incoming = OrderCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        order = incoming.save(created_by=request.user)
        return Response(OrderSerializer(Order.with_lines(order.id)).data,
                        status=status.HTTP_201_CREATED)


class OrderPlace(APIView):
    """Take the stock for every line (in product id order) and fix the prices, or nothing."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [permissions.IsAuthenticated, IsStaff]

    def post(self, request, order_id):
        with transaction.atomic():
            now = timezone.now()
            placed = (Order.objects.filter(pk=order_id, status="draft")
                      .update(status="placed", placed_at=now, version=F("version") + 1))
            if not placed:
                if not Order.objects.filter(pk=order_id).exists():
                    raise exceptions.NotFound(f"No order with id {order_id}.")
                raise Conflict("Only a draft order can be placed.")
            order = Order.with_lines(order_id)
            movements = []
            for line in sorted(order.lines.all(), key=lambda line: line.product_id):
                taken = (Product.objects
                         .filter(pk=line.product_id, stock__gte=line.quantity, is_active=True)
                         .update(needs_reorder=LessThanOrEqual(F("stock") - line.quantity,
                                                               F("reorder_level")),
                                 stock=F("stock") - line.quantity))
                if not taken:
                    raise Conflict(f"Not enough stock of product {line.product_id}.")
                movements.append(StockMovement(
                    product_id=line.product_id, delta=-line.quantity, created_at=now,
                    reason=f"order {order.number} placed", order=order, user=request.user))
                if line.unit_price != line.product.price:  # today's price becomes the order's
                    line.unit_price = line.product.price
                    line.save(update_fields=["unit_price"])
            StockMovement.objects.bulk_create(movements)
            total = sum(line.line_total for line in order.lines.all())
            if total != order.total:
                Order.objects.filter(pk=order_id).update(total=total)
        return Response(OrderSerializer(Order.with_lines(order_id)).data)


urlpatterns = [
    path("api/v1/products", ProductList.as_view()),
    path("api/v1/orders", OrderCreate.as_view()),
    path("api/v1/orders/<int:order_id>/place", OrderPlace.as_view()),
]


def main() -> None:
    from django.core.wsgi import get_wsgi_application

    port, threads = int(sys.argv[2]), int(sys.argv[3])
    server = waitress.create_server(get_wsgi_application(), host="127.0.0.1", port=port,
                                    threads=threads, ident="django", channel_timeout=60,
                                    connection_limit=1000, clear_untrusted_proxy_headers=False)
    print(f"serving http://127.0.0.1:{server.effective_port}/", flush=True)
    server.run()


if __name__ == "__main__":
    main()
