"""Who may do what: the role x action table, the one source of truth.

Every route names one of these actions (``permission="orders:write"``) and the route
guard checks it here. A test walks every route for every role against this table.
"""

PUBLIC = "public"          # anyone, signed in or not (health, login, the setup link)
SIGNED_IN = "signed_in"    # any signed-in user (their own account, tokens, sessions)

VIEWER = frozenset({"catalog:read", "customers:read", "orders:read", "reports:read"})
STAFF = VIEWER | {"catalog:write", "customers:write", "orders:write"}
ADMIN = STAFF | {"users:manage", "system:manage", "backups:manage", "metrics:read",
                 "journal:read", "webhooks:manage"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": VIEWER,
    "staff": STAFF,
    "admin": ADMIN,
}
ACTIONS = frozenset(ADMIN | {PUBLIC, SIGNED_IN})

# What an API token may do: "all" is everything its user may; a "metrics" token (for a
# Prometheus scraper, made by an admin) reads /metrics and nothing else.
TOKEN_SCOPES: dict[str, frozenset[str] | None] = {"all": None,
                                                  "metrics": frozenset({"metrics:read"})}


def token_allows(scope: str, action: str) -> bool:
    """Tell whether a token of this scope may be used for action (its role aside)."""
    allowed = TOKEN_SCOPES.get(scope, frozenset())
    return allowed is None or action in allowed


def allowed(role: str | None, action: str) -> bool:
    """Tell whether a user of this role (None: not signed in) may perform action."""
    if action == PUBLIC:
        return True
    if role is None:
        return False
    return action == SIGNED_IN or action in ROLE_PERMISSIONS.get(role, frozenset())


# What each action lets someone do, in the words a refusal uses.
DOING = {
    "catalog:read": "see the products", "customers:read": "see the customers",
    "orders:read": "see the orders", "reports:read": "see the reports",
    "catalog:write": "change products, categories or stock",
    "customers:write": "change customers", "orders:write": "make or change orders",
    "users:manage": "manage users", "system:manage": "see or change the system settings",
    "backups:manage": "make or download backups",
    "journal:read": "read the journal of every change",
    "webhooks:manage": "manage webhooks",
}


def refusal(role: str, action: str) -> str:
    """Say, in plain words, why someone of this role may not do this, and what helps."""
    doing = DOING.get(action, "do this")
    if role == "viewer":
        return (f"Viewers can look at everything but change nothing, so you cannot "
                f"{doing}. Ask an admin to make you staff if your work needs it.")
    return f"Only admins can {doing}. Ask an admin if your work needs it."
