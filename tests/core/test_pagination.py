"""Cursor pagination: opaque cursors that round-trip and reject forgeries with a clear error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jarnama.core.errors import InvalidInput
from jarnama.core.pagination import decode_cursor, encode_cursor


@given(st.integers(min_value=0, max_value=2**62))
def test_cursor_round_trips(last_id: int) -> None:
    assert decode_cursor(encode_cursor(last_id)) == last_id


def test_no_cursor_means_first_page() -> None:
    assert decode_cursor(None) == 0
    assert decode_cursor("") == 0


@pytest.mark.parametrize("bad", ["!!!", "aWQ6eHl6", "Zm9vOjE"])
def test_forged_cursor_names_the_field(bad: str) -> None:
    with pytest.raises(InvalidInput) as info:
        decode_cursor(bad)
    assert info.value.field == "cursor"
