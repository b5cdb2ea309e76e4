"""Who may do what: the role x action table, the one source of truth.

Every route names one of these actions (``permission="orders:write"``) and the route
guard checks it here. A test walks every route for every role against this table.
"""

PUBLIC = "public"          # anyone, signed in or not (health, login, the setup link)
SIGNED_IN = "signed_in"    # any signed-in user (their own account, tokens, sessions)

VIEWER = frozenset({"catalog:read", "customers:read", "orders:read", "reports:read"})
STAFF = VIEWER | {"catalog:write", "customers:write", "orders:write"}
ADMIN = STAFF | {"users:manage", "system:manage", "backups:manage"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": VIEWER,
    "staff": STAFF,
    "admin": ADMIN,
}
ACTIONS = frozenset(ADMIN | {PUBLIC, SIGNED_IN})


def allowed(role: str | None, action: str) -> bool:
    """Tell whether a user of this role (None: not signed in) may perform action."""
    if action == PUBLIC:
        return True
    if role is None:
        return False
    return action == SIGNED_IN or action in ROLE_PERMISSIONS.get(role, frozenset())
