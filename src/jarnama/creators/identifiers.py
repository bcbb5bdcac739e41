"""Kazakhstan identifiers and payout details, validated by their official check digits.

IIN/BIN: 12 digits, the last a mod-11 check digit with two weight sequences (the Ministry of
Justice algorithm). Cards: 16 digits with a Luhn check (ISO/IEC 7812). IBAN: 20 characters for
Kazakhstan, ISO 13616 with the ISO 7064 mod 97-10 check.
"""

from __future__ import annotations

import datetime as dt
import enum
import re

from jarnama.core.errors import InvalidInput

_WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_SEPARATORS = re.compile(r"[\s\-]")


class TaxIdKind(enum.StrEnum):
    """A person's IIN or an organisation's BIN."""

    IIN = "iin"
    BIN = "bin"


def iin_check_digit(first11: str) -> int | None:
    """The check digit of 11 digits, or None when no valid check digit exists (both sums 10)."""
    digits = [int(c) for c in first11]
    check = sum(d * w for d, w in zip(digits, _WEIGHTS_1, strict=True)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, _WEIGHTS_2, strict=True)) % 11
        if check == 10:
            return None
    return check


def validate_tax_id(value: str, *, field: str = "tax_id") -> tuple[str, TaxIdKind]:
    """Normalise and check an IIN or BIN; the kind is read from its fifth digit."""
    raw = _SEPARATORS.sub("", value)
    if not re.fullmatch(r"\d{12}", raw):
        raise InvalidInput("an IIN/BIN has exactly 12 digits", field=field)
    if iin_check_digit(raw[:11]) != int(raw[11]):
        raise InvalidInput("the IIN/BIN check digit does not match", field=field)
    # Fifth digit: 0-3 is the tens of an IIN's birth day, 4-6 a BIN's organisation type.
    if raw[4] in "456":
        if not 1 <= int(raw[2:4]) <= 12:
            raise InvalidInput("a BIN's registration month is not 01-12", field=field)
        return raw, TaxIdKind.BIN
    century_gender = int(raw[6])
    if century_gender in (1, 2, 3, 4, 5, 6):
        century = 1800 + 100 * ((century_gender - 1) // 2)
        try:
            dt.date(century + int(raw[:2]), int(raw[2:4]), int(raw[4:6]))
        except ValueError as exc:
            raise InvalidInput("the IIN's birth date is not a real date", field=field) from exc
    elif century_gender != 0:  # 0: issued to foreigners without a Kazakh birth record
        raise InvalidInput("the IIN's seventh digit (century and sex) is not 0-6", field=field)
    return raw, TaxIdKind.IIN


def luhn_valid(number: str) -> bool:
    """True when a digit string passes the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def validate_card(value: str, *, field: str = "card_number") -> str:
    """Normalise and check a 16-digit payment card number (Kaspi Gold is Visa, 16 digits)."""
    raw = _SEPARATORS.sub("", value)
    if not re.fullmatch(r"\d{16}", raw):
        raise InvalidInput("a card number has 16 digits", field=field)
    if not luhn_valid(raw):
        raise InvalidInput("the card number fails the Luhn check", field=field)
    return raw


def iban_valid(iban: str) -> bool:
    """True when an IBAN's check digits pass ISO 7064 mod 97-10."""
    rearranged = iban[4:] + iban[:4]
    numeric = "".join(str(int(c, 36)) for c in rearranged)
    return int(numeric) % 97 == 1


def validate_kz_iban(value: str, *, field: str = "iban") -> str:
    """Normalise and check a Kazakh IBAN: KZ, 2 check digits, 3-digit bank code, 13 characters."""
    raw = _SEPARATORS.sub("", value).upper()
    if not re.fullmatch(r"KZ\d{2}\d{3}[0-9A-Z]{13}", raw):
        raise InvalidInput(
            "a Kazakh IBAN is KZ, 2 check digits, a 3-digit bank code and 13 characters",
            field=field,
        )
    if not iban_valid(raw):
        raise InvalidInput("the IBAN check digits do not match (ISO 7064 mod 97)", field=field)
    return raw


def mask(value: str, visible: int = 4) -> str:
    """Everything but the last `visible` characters replaced by bullets."""
    return "•" * max(len(value) - visible, 0) + value[-visible:]
