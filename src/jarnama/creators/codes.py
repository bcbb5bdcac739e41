"""Readable promo codes from a configurable pattern, and short-link slugs.

A pattern mixes literals (A-Z, 0-9, '-') with `{handle}` (the creator's handle, up to 8
letters), `#` (a digit 2-9) and `?` (a letter). Ambiguous characters (0/O, 1/I/L) are never
drawn, so a code read aloud in a video or copied from a story survives.
"""

from __future__ import annotations

import re
import secrets

from jarnama.core.errors import InvalidInput

DIGITS = "23456789"
LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
# At least 3 random positions: 8³ = 512 codes per handle before collisions force retries.
MIN_RANDOM_POSITIONS = 3
_TOKEN = re.compile(r"\{handle\}|[#?]|[A-Z0-9\-]")
_TRANSLIT = str.maketrans(
    {
        "А": "A",
        "Ә": "A",
        "Б": "B",
        "В": "V",
        "Г": "G",
        "Ғ": "G",
        "Д": "D",
        "Е": "E",
        "Ё": "E",
        "Ж": "ZH",
        "З": "Z",
        "И": "I",
        "Й": "I",
        "К": "K",
        "Қ": "Q",
        "Л": "L",
        "М": "M",
        "Н": "N",
        "Ң": "N",
        "О": "O",
        "Ө": "O",
        "П": "P",
        "Р": "R",
        "С": "S",
        "Т": "T",
        "У": "U",
        "Ұ": "U",
        "Ү": "U",
        "Ф": "F",
        "Х": "H",
        "Һ": "H",
        "Ц": "TS",
        "Ч": "CH",
        "Ш": "SH",
        "Щ": "SH",
        "Ъ": "",
        "Ы": "Y",
        "І": "I",
        "Ь": "",
        "Э": "E",
        "Ю": "IU",
        "Я": "IA",
    }
)


def validate_pattern(pattern: str, *, field: str = "code_pattern") -> str:
    """Check a code pattern: known tokens only and enough random positions."""
    position = 0
    random_positions = 0
    for match in _TOKEN.finditer(pattern):
        if match.start() != position:
            break
        random_positions += match.group() in "#?"
        position = match.end()
    if position != len(pattern):
        raise InvalidInput(
            f"unknown token at position {position}: use {{handle}}, # (digit), ? (letter), "
            "A-Z, 0-9 and -",
            field=field,
        )
    if random_positions < MIN_RANDOM_POSITIONS:
        raise InvalidInput(
            f"a pattern needs at least {MIN_RANDOM_POSITIONS} random positions (# or ?) "
            "so codes cannot be guessed or run out",
            field=field,
        )
    return pattern


def handle_stem(handle: str) -> str:
    """A creator handle as up to 8 code letters ('@Айгерим.cooks' → 'AIGERIMC')."""
    latin = handle.upper().translate(_TRANSLIT)
    stem = re.sub(r"[^A-Z0-9]", "", latin)[:8]
    return stem or "JR"


def render(pattern: str, handle: str) -> str:
    """One code drawn from a pattern (cryptographic randomness)."""
    out = []
    for match in _TOKEN.finditer(pattern):
        token = match.group()
        if token == "{handle}":
            out.append(handle_stem(handle))
        elif token == "#":
            out.append(secrets.choice(DIGITS))
        elif token == "?":
            out.append(secrets.choice(LETTERS))
        else:
            out.append(token)
    return "".join(out)


def normalise_code(code: str) -> str:
    """The stored form of a code: trimmed, upper case, inner spaces removed."""
    return re.sub(r"\s+", "", code).upper()


def new_slug() -> str:
    """A short-link slug: 8 characters, ~47 bits."""
    return "".join(secrets.choice(LETTERS.lower() + DIGITS) for _ in range(8))


def new_click_id() -> str:
    """A click id for postbacks (URL-safe, 128 bits)."""
    return secrets.token_urlsafe(16)
