"""Password hashing and policy: argon2id, rehash on login, messages that say what to change."""

import pytest
from argon2 import PasswordHasher

from tests.conftest import PASSWORD
from tinyapp import db
from tinyapp.models import User
from tinyapp.security import passwords
from tinyapp.services import accounts


def test_the_database_holds_only_an_argon2id_hash(make_user):
    user = make_user("staff")
    with db.database.connection_context():
        stored = User.get_by_id(user.id).password_hash
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored


@pytest.mark.parametrize("password, message", [
    ("short", "at least 10 characters"),
    ("x" * 1025, "at most 1024 characters"),
    ("Password123", "commonly used passwords"),
    ("qwertyuiop", "commonly used passwords"),
    ("aaaaaaaaaaaa", "more different characters"),
    ("staff@example.org", "e-mail address or name"),
])
def test_the_policy_says_what_to_change(password, message):
    problems = passwords.policy_problems(password, email="staff@example.org", name="Sam")
    assert problems and message in problems[0]


def test_a_good_password_passes():
    assert passwords.policy_problems("violet lantern orbit 42", "a@b.org", "Ann") == []


def test_creating_a_user_with_a_weak_password_names_the_field(database):
    from marshmallow import ValidationError

    with db.database.connection_context(), pytest.raises(ValidationError) as raised:
        accounts.create_user("weak@example.org", "Weak", "password1", role="staff")
    assert "password" in raised.value.messages


def test_a_hash_with_old_parameters_is_upgraded_at_login(make_user):
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    passwords.use_hasher(weak)
    user = make_user("viewer")
    stronger = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    passwords.use_hasher(stronger)
    try:
        with db.database.connection_context():
            old = User.get_by_id(user.id).password_hash
            accounts.log_in(user.email, PASSWORD)
            new = User.get_by_id(user.id).password_hash
        assert "m=512,t=1" in old and "m=1024,t=2" in new
        assert passwords.verify_password(new, PASSWORD)
    finally:
        passwords.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
