"""The Flask + SQLAlchemy 2 peer: tinyapp's product list and order placement, idiomatically.

Written as a Flask developer would write it (the "SQLAlchemy in Flask" pattern of Flask's
docs): declarative models mapped onto tinyapp's tables, a scoped session removed when each
request's app context ends, marshmallow schemas for input and output, a decorator that
looks the bearer token up in the database on every request. SQLite is opened with
tinyapp's pragmas (WAL, busy timeout), and the pool holds one connection per thread.
Run: python flask_sqlalchemy_app.py DATABASE_FILE PORT THREADS
"""

import datetime as dt
import functools
import hashlib
import sys
import uuid
from decimal import Decimal

import waitress
from flask import Flask, abort, g, jsonify, request
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    String,
    TypeDecorator,
    and_,
    create_engine,
    event,
    or_,
    select,
    update,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    joinedload,
    mapped_column,
    relationship,
    scoped_session,
    selectinload,
    sessionmaker,
)

PRAGMAS = ("journal_mode=wal", "foreign_keys=1", "synchronous=full", "cache_size=-16000",
           "temp_store=memory", "busy_timeout=10000")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Cents(TypeDecorator):
    """Money kept as whole cents in an integer column, seen as Decimal in Python."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else int(Decimal(value) * 100)

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).scaleb(-2)


class UTCDateTime(TypeDecorator):
    """A moment stored as naive UTC text, read back timezone-aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=dt.UTC)


# -- models: tinyapp's tables --

class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    is_active: Mapped[bool]
    preferences: Mapped[str]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64))
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    scope: Mapped[str] = mapped_column(String(10))
    user: Mapped[User] = relationship()


class Category(Base):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    barcode: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str]
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    price: Mapped[Decimal] = mapped_column(Cents)
    needs_reorder: Mapped[bool]
    stock: Mapped[int]
    reorder_level: Mapped[int]
    is_active: Mapped[bool]
    version: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    category: Mapped[Category | None] = relationship()

    @classmethod
    def page(cls, session, limit: int, after_id: int | None) -> list["Product"]:
        """Up to limit + 1 products by name, then id, after the product after_id.

        Raises LookupError when no product has that id.
        """
        query = (select(cls).outerjoin(cls.category).options(joinedload(cls.category))
                 .order_by(cls.name, cls.id).limit(limit + 1))
        if after_id is not None:
            last = session.get(cls, after_id)
            if last is None:
                raise LookupError(f"no product {after_id}")
            query = query.where(or_(cls.name > last.name,
                                    and_(cls.name == last.name, cls.id > last.id)))
        return list(session.scalars(query))


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(32))
    address: Mapped[str]
    notes: Mapped[str]
    is_active: Mapped[bool]
    version: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    notes: Mapped[str] = mapped_column(default="")
    total: Mapped[Decimal] = mapped_column(Cents, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    placed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    customer: Mapped[Customer] = relationship()
    lines: Mapped[list["OrderLine"]] = relationship(order_by="OrderLine.id")

    @classmethod
    def with_lines(cls, session, order_id: int) -> "Order | None":
        """The order with its customer, lines and their products (two queries)."""
        return session.scalars(
            select(cls).where(cls.id == order_id)
            .options(joinedload(cls.customer),
                     selectinload(cls.lines).joinedload(OrderLine.product))
            .execution_options(populate_existing=True)).first()


class OrderLine(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Cents)
    product: Mapped[Product] = relationship()

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class StockMovement(Base):
    __tablename__ = "stock_movements"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    delta: Mapped[int]
    reason: Mapped[str] = mapped_column(String(200))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# -- schemas --

class RefSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class ProductSchema(Schema):
    id = fields.Integer()
    sku = fields.String()
    name = fields.String()
    barcode = fields.String(allow_none=True)
    description = fields.String()
    category_id = fields.Integer(allow_none=True)
    category = fields.Nested(RefSchema, allow_none=True)
    price = fields.Decimal(places=2, as_string=True)
    stock = fields.Integer()
    reorder_level = fields.Integer()
    is_active = fields.Boolean()
    version = fields.Integer()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class PageQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    cursor = fields.Integer(load_default=None, validate=validate.Range(1, 2**31 - 1))


class LineInSchema(Schema):
    product_id = fields.Integer(required=True, validate=validate.Range(1))
    quantity = fields.Integer(required=True, validate=validate.Range(1, 10_000))


class OrderCreateSchema(Schema):
    customer_id = fields.Integer(required=True, validate=validate.Range(1))
    lines = fields.List(fields.Nested(LineInSchema), required=True,
                        validate=validate.Length(1, 100))
    notes = fields.String(load_default="")


class ProductRefSchema(RefSchema):
    sku = fields.String()


class OrderLineSchema(Schema):
    id = fields.Integer()
    product = fields.Nested(ProductRefSchema)
    quantity = fields.Integer()
    unit_price = fields.Decimal(places=2, as_string=True)
    line_total = fields.Decimal(places=2, as_string=True)


class OrderSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    status = fields.String()
    customer = fields.Nested(RefSchema)
    notes = fields.String()
    total = fields.Decimal(places=2, as_string=True)
    lines = fields.List(fields.Nested(OrderLineSchema))
    version = fields.Integer()
    created_at = fields.DateTime()
    placed_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)


# -- the app --

def make_engine(database_file: str, threads: int):
    engine = create_engine(f"sqlite:///{database_file}", pool_size=threads)

    @event.listens_for(engine, "connect")
    def _pragmas(connection, _record):
        for pragma in PRAGMAS:
            connection.execute("PRAGMA " + pragma)

    return engine


def create_app(database_file: str, threads: int = 8) -> Flask:
    """Build the app on a SQLite file."""
    app = Flask(__name__)
    db = scoped_session(sessionmaker(make_engine(database_file, threads)))

    @app.teardown_appcontext
    def remove_session(exception=None):
        db.remove()

    @app.errorhandler(ValidationError)
    def invalid(error):
        return jsonify(status=422, errors=error.messages), 422

    @app.errorhandler(400)
    @app.errorhandler(401)
    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(409)
    def problem(error):
        return jsonify(status=error.code, detail=error.description), error.code

    def token_required(*roles: str):
        """Let the request through when its bearer token is live (looked up every time)."""
        def decorate(view):
            @functools.wraps(view)
            def checked(**kwargs):
                scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
                if scheme.lower() != "bearer" or not secret:
                    abort(401, "Use 'Authorization: Bearer <token>'.")
                token = db.scalars(
                    select(ApiToken).join(ApiToken.user).options(joinedload(ApiToken.user))
                    .where(ApiToken.token_hash == hashlib.sha256(secret.encode()).hexdigest(),
                           ApiToken.scope == "all", User.is_active,
                           or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > utcnow()))
                ).first()
                if token is None:
                    abort(401, "This API token is invalid, expired or revoked.")
                if roles and token.user.role not in roles:
                    abort(403, "Your role may not do this.")
                g.user = token.user
                return view(**kwargs)
            return checked
        return decorate

    @app.get("/api/v1/products")
    @token_required()
    def list_products():
        query = PageQuery().load(request.args)
        try:
            products = Product.page(db, query["limit"], query["cursor"])
        except LookupError:
            abort(409, "No product has the id this cursor names; start without cursor.")
        items = products[:query["limit"]]
        more = len(products) > query["limit"]
        return {"items": ProductSchema(many=True).dump(items),
                "next_cursor": str(items[-1].id) if more else None}

    @app.post("/api/v1/orders")
    @token_required("admin", "staff")
    def create_order():
        data = OrderCreateSchema().load(request.get_json())
        customer = db.get(Customer, data["customer_id"])
        if customer is None or not customer.is_active:
            abort(409, "No active customer with that id.")
        wanted = [line["product_id"] for line in data["lines"]]
        products = {p.id: p for p in db.scalars(select(Product).where(Product.id.in_(wanted)))}
        if len(products) != len(set(wanted)) or not all(p.is_active for p in products.values()):
            abort(409, "Every line needs an active product.")
        order = Order(number=f"tmp-{uuid.uuid4().hex[:16]}", customer=customer,
                      notes=data["notes"], created_by_id=g.user.id)
        order.lines = [OrderLine(product=products[line["product_id"]],
                                 quantity=line["quantity"],
                                 unit_price=products[line["product_id"]].price)
                       for line in data["lines"]]
        order.total = sum(line.line_total for line in order.lines)
        db.add(order)
        db.flush()
        order.number = f"SO-{order.id:06d}"
        order_id = order.id  # read before the commit expires it
        db.commit()
        return OrderSchema().dump(Order.with_lines(db, order_id)), 201

    @app.post("/api/v1/orders/<int:order_id>/place")
    @token_required("admin", "staff")
    def place_order(order_id):
        now = utcnow()
        placed = db.execute(update(Order)
                            .where(Order.id == order_id, Order.status == "draft")
                            .values(status="placed", placed_at=now, version=Order.version + 1))
        if placed.rowcount != 1:
            db.rollback()
            abort(404 if db.get(Order, order_id) is None else 409, "Not a draft order.")
        order = Order.with_lines(db, order_id)
        for line in sorted(order.lines, key=lambda line: line.product_id):
            taken = db.execute(
                update(Product)
                .where(Product.id == line.product_id, Product.stock >= line.quantity,
                       Product.is_active)
                .values(needs_reorder=Product.stock - line.quantity <= Product.reorder_level,
                        stock=Product.stock - line.quantity)
                .execution_options(synchronize_session=False))
            if taken.rowcount != 1:
                db.rollback()
                abort(409, f"Not enough stock of product {line.product_id}.")
            db.add(StockMovement(product_id=line.product_id, delta=-line.quantity,
                                 reason=f"order {order.number} placed", order_id=order.id,
                                 user_id=g.user.id, created_at=now))
            line.unit_price = line.product.price  # today's price becomes the order's
        order.total = sum(line.line_total for line in order.lines)
        db.commit()
        return OrderSchema().dump(Order.with_lines(db, order_id))

    return app


def main() -> None:
    database_file, port, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    server = waitress.create_server(create_app(database_file, threads), host="127.0.0.1",
                                    port=port, threads=threads, ident="flask",
                                    channel_timeout=60, connection_limit=1000,
                                    clear_untrusted_proxy_headers=False)
    print(f"serving http://127.0.0.1:{server.effective_port}/", flush=True)
    server.run()


if __name__ == "__main__":
    main()
