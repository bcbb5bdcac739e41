"""Promo-code patterns and readable codes."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jarnama.core.errors import InvalidInput
from jarnama.creators import codes


def test_a_pattern_renders_a_readable_code() -> None:
    code = codes.render("{handle}-###?", "@aigerim.cooks")
    assert re.fullmatch(r"AIGERIMC-[2-9]{3}[A-HJKMNP-Z]", code)


def test_cyrillic_handles_are_transliterated() -> None:
    assert codes.handle_stem("Әйгерім") == "AIGERIM"
    assert codes.handle_stem("___") == "JR"


@pytest.mark.parametrize("pattern", ["{handle}", "{handle}-#", "AB##", "{name}###", "ab###"])
def test_weak_or_unknown_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(InvalidInput) as info:
        codes.validate_pattern(pattern)
    assert info.value.field == "code_pattern"


@given(st.text(min_size=1, max_size=30))
def test_codes_never_hold_ambiguous_characters(handle: str) -> None:
    code = codes.render("??##-{handle}", handle)
    random_part = code[:4]
    assert not set(random_part) & set("01OIL")
    assert re.fullmatch(r"[A-Z0-9\-]+", code)
