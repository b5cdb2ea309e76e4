"""Create every table of tinyapp 1.0.

The models here are frozen copies, written as the tables were on the day this migration
was made. Migrations must never import tinyapp.models: those change with the code, and
an old migration has to build the old schema forever. Money columns are whole cents
(BIGINT) and times are UTC, as tinyapp.models.base explains.
"""

import peewee


def _models(db):
    class Base(peewee.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class User(Base):
        email = peewee.CharField(max_length=254, unique=True)
        name = peewee.CharField(max_length=100)
        password_hash = peewee.CharField(max_length=255)
        role = peewee.CharField(max_length=10, default="viewer", constraints=[
            peewee.Check("role IN ('admin', 'staff', 'viewer')")])
        is_active = peewee.BooleanField(default=True)
        preferences = peewee.TextField(default="{}")
        created_at = peewee.DateTimeField()
        last_login_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "users"

    class Session(Base):
        token_hash = peewee.CharField(max_length=64, unique=True)
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        csrf_token = peewee.CharField(max_length=64)
        created_at = peewee.DateTimeField()
        last_seen_at = peewee.DateTimeField()
        expires_at = peewee.DateTimeField(index=True)
        ip = peewee.CharField(max_length=45, default="")
        user_agent = peewee.CharField(max_length=255, default="")

        class Meta:
            table_name = "sessions"

    class ApiToken(Base):
        user = peewee.ForeignKeyField(User, on_delete="CASCADE")
        name = peewee.CharField(max_length=100)
        token_hash = peewee.CharField(max_length=64, unique=True)
        prefix = peewee.CharField(max_length=12)
        created_at = peewee.DateTimeField()
        last_used_at = peewee.DateTimeField(null=True)
        expires_at = peewee.DateTimeField(null=True)

        class Meta:
            table_name = "api_tokens"

    class AuditEvent(Base):
        at = peewee.DateTimeField(index=True)
        user = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        action = peewee.CharField(max_length=50, index=True)
        entity = peewee.CharField(max_length=50, default="")
        entity_id = peewee.CharField(max_length=50, default="")
        details = peewee.TextField(default="{}")

        class Meta:
            table_name = "audit_events"

    class Category(Base):
        name = peewee.CharField(max_length=100, unique=True)
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "categories"

    class Product(Base):
        sku = peewee.CharField(max_length=32, unique=True)
        name = peewee.CharField(max_length=200, index=True)
        description = peewee.TextField(default="")
        category = peewee.ForeignKeyField(Category, null=True, on_delete="RESTRICT")
        price = peewee.BigIntegerField(constraints=[peewee.Check("price >= 0")])
        stock = peewee.IntegerField(default=0, constraints=[peewee.Check("stock >= 0")])
        reorder_level = peewee.IntegerField(default=0, constraints=[
            peewee.Check("reorder_level >= 0")])
        is_active = peewee.BooleanField(default=True)
        version = peewee.IntegerField(default=1)
        created_at = peewee.DateTimeField(index=True)
        updated_at = peewee.DateTimeField()

        class Meta:
            table_name = "products"
            indexes = ((("price", "id"), False), (("stock", "id"), False))

    class Customer(Base):
        name = peewee.CharField(max_length=200, index=True)
        email = peewee.CharField(max_length=254, null=True, index=True)
        phone = peewee.CharField(max_length=32, default="")
        address = peewee.TextField(default="")
        notes = peewee.TextField(default="")
        is_active = peewee.BooleanField(default=True)
        version = peewee.IntegerField(default=1)
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "customers"

    class Order(Base):
        number = peewee.CharField(max_length=20, unique=True)
        customer = peewee.ForeignKeyField(Customer, on_delete="RESTRICT")
        status = peewee.CharField(max_length=10, default="draft", constraints=[
            peewee.Check("status IN ('draft', 'placed', 'fulfilled', 'cancelled')")])
        notes = peewee.TextField(default="")
        total = peewee.BigIntegerField(default=0)
        created_by = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField(index=True)
        placed_at = peewee.DateTimeField(null=True, index=True)
        closed_at = peewee.DateTimeField(null=True)
        version = peewee.IntegerField(default=1)

        class Meta:
            table_name = "orders"
            indexes = ((("status", "placed_at"), False),)

    class OrderLine(Base):
        order = peewee.ForeignKeyField(Order, on_delete="CASCADE")
        product = peewee.ForeignKeyField(Product, on_delete="RESTRICT")
        quantity = peewee.IntegerField(constraints=[peewee.Check("quantity > 0")])
        unit_price = peewee.BigIntegerField(constraints=[peewee.Check("unit_price >= 0")])

        class Meta:
            table_name = "order_lines"
            indexes = ((("order", "product"), True),)

    class StockMovement(Base):
        product = peewee.ForeignKeyField(Product, on_delete="RESTRICT", index=False)
        delta = peewee.IntegerField()
        reason = peewee.CharField(max_length=200)
        order = peewee.ForeignKeyField(Order, null=True, on_delete="RESTRICT")
        user = peewee.ForeignKeyField(User, null=True, on_delete="SET NULL")
        created_at = peewee.DateTimeField()

        class Meta:
            table_name = "stock_movements"
            indexes = ((("product", "id"), False),)

    class SearchTerm(Base):
        kind = peewee.CharField(max_length=10)
        term = peewee.CharField(max_length=40)
        ref_id = peewee.IntegerField()

        class Meta:
            table_name = "search_terms"
            primary_key = peewee.CompositeKey("kind", "term", "ref_id")
            indexes = ((("kind", "ref_id"), False),)

    return [User, Session, ApiToken, AuditEvent, Category, Product, Customer, Order,
            OrderLine, StockMovement, SearchTerm]


def up(migrator, db):
    db.create_tables(_models(db))


def down(migrator, db):
    db.drop_tables(list(reversed(_models(db))))
