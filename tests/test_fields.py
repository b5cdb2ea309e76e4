"""The rule each field states in the OpenAPI document is the rule it applies, exactly.

schemathesis checks this against the live API; these properties check it field by field
for every kind of text, with far more inputs than a fuzzing run sends.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from tinyapp.schemas.fields import (
    BIDI_CONTROLS,
    INVISIBLE,
    EmailAddress,
    EmailOrBlank,
    Name,
    Text,
    strict_input,
)

FIELDS = {
    "text": Text(20), "required text": Text(20, min_length=1),
    "reason": Text(20, min_length=3), "multiline": Text(20, multiline=True),
    "name": Name(20), "e-mail": EmailAddress(), "e-mail or blank": EmailOrBlank(),
}
# Text that tries the edges: spaces of every kind, controls, bidi and invisible marks.
EDGES = st.text(alphabet=st.one_of(
    st.sampled_from(" \t\n\r\x00\x1f\x7f\x85\xa0\u2028\u3000@.-'" + BIDI_CONTROLS
                    + INVISIBLE.replace("-", "")),
    st.characters(codec="utf-8"), st.sampled_from("abcKATE@example.org")), max_size=30)


def accepts(field, text: str) -> bool:
    try:
        with strict_input("json"):
            field.deserialize(text)
    except ValidationError:
        return False
    return True


def documented(field, text: str) -> bool:
    rules = field.openapi()
    max_length = getattr(field, "max_length", 254)
    return len(text) <= max_length and re.fullmatch(rules["pattern"], text) is not None


@pytest.mark.parametrize("kind", FIELDS)
@settings(max_examples=400, deadline=None)
@given(text=EDGES)
def test_a_field_accepts_exactly_what_its_documented_pattern_allows(kind, text):
    field = FIELDS[kind]
    assert accepts(field, text) == documented(field, text), repr(text)
