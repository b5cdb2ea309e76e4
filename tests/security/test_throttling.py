"""Sign-in throttling that stops guessing but lets no stranger lock anyone out.

Failures count per account *and* source address (the client behind TRUSTED_PROXY), so
guessing from one place is slowed while the owner, from a place that has not failed,
signs in as usual; and password hashing is bounded, so a crowd of sign-ins cannot
starve everyone else.
"""

import pytest
import webtest

from tests.conftest import PASSWORD
from tinyapp.security import passwords
from tinyapp.web.app import create_app

PROXY = "127.0.0.1"
KATE, STRANGER, OFFICE = "203.0.113.5", "198.51.100.7", "192.0.2.44"


@pytest.fixture
def proxied(database, make_settings, migrated_url):
    """An app behind a reverse proxy at 127.0.0.1, and a way to sign in from an address."""
    app = create_app(make_settings(DATABASE_URL=migrated_url, TRUSTED_PROXY=PROXY))
    client = webtest.TestApp(app, extra_environ={"REMOTE_ADDR": PROXY})
    clock = [1_000_000.0]
    app.bottle.config["tinyapp.throttle"].clock = lambda: clock[0]

    def sign_in(email: str, password: str, address: str, status):
        return client.post_json("/api/v1/auth/login", {"email": email, "password": password},
                                headers={"X-Forwarded-For": address}, status=status)

    sign_in.clock = clock
    return sign_in


def test_a_strangers_failures_do_not_lock_the_owner_out(proxied, make_user):
    kate = make_user("staff", email="kate@example.com")
    for _ in range(6):
        proxied(kate.email, "guess, guess, guess", STRANGER, status=(401, 429))
    proxied(kate.email, PASSWORD, STRANGER, status=429)  # the guesser is slowed down
    proxied(kate.email, PASSWORD, KATE, status=200)      # Kate is not


def test_failures_behind_one_office_address_lock_out_no_colleague(proxied, make_user):
    colleague = make_user("staff", email="sam@example.com")
    for n in range(25):  # someone in the office mistypes, or guesses, a lot
        proxied(f"someone{n % 5}@example.com", "not the password", OFFICE, status=(401, 429))
    proxied(colleague.email, PASSWORD, OFFICE, status=200)


def test_the_owner_who_mistypes_is_slowed_only_where_they_mistype(proxied, make_user):
    kate = make_user("staff", email="kate@example.com")
    for _ in range(5):
        proxied(kate.email, "wrong wrong wrong", KATE, status=401)
    refused = proxied(kate.email, PASSWORD, KATE, status=429)
    assert int(refused.headers["Retry-After"]) == 30
    proxied(kate.email, PASSWORD, "203.0.113.77", status=200)  # her phone, elsewhere
    proxied.clock[0] += 30
    proxied(kate.email, PASSWORD, KATE, status=200)


def test_an_account_guessed_from_many_places_is_slowed_for_each_of_them(proxied, make_user):
    """A botnet: each address fails a little; together they are over the account's limit."""
    kate = make_user("staff", email="kate@example.com")
    for n in range(20):
        proxied(kate.email, "a botnet guess", f"198.51.100.{n + 10}", status=401)
    # From now on one more failure from a place that has failed locks that place at once,
    proxied(kate.email, "another guess", "198.51.100.10", status=401)
    proxied(kate.email, PASSWORD, "198.51.100.10", status=429)
    # but Kate, from a place that has never failed, still gets in.
    proxied(kate.email, PASSWORD, KATE, status=200)


def test_sign_ins_beyond_the_hashing_limit_get_a_quick_503(client, make_user):
    user = make_user("staff")
    limiter = passwords.limiter()
    held = [limiter.try_acquire() for _ in range(limiter.capacity)]
    try:
        assert all(held)
        # Every slot is taken (and stays taken): a queued sign-in would never be answered.
        busy = client.post_json("/api/v1/auth/login", {"email": user.email,
                                                       "password": PASSWORD}, status=503)
        assert busy.headers["Retry-After"] == "1"
        assert "signing in" in busy.json["detail"]
    finally:
        for _ in held:
            limiter.release()
    client.post_json("/api/v1/auth/login", {"email": user.email, "password": PASSWORD})
