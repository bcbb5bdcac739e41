"""IIN/BIN, card (Luhn) and IBAN (ISO 7064 mod 97) validation, and PII encryption."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jarnama.config import Settings
from jarnama.core.errors import InvalidInput
from jarnama.creators import identifiers
from jarnama.creators.crypto import PiiCipher
from jarnama.creators.identifiers import TaxIdKind

VALID_IIN = "900515300018"  # born 15 May 1990, seventh digit 3: a man born in the 1900s
VALID_BIN = "070640000013"  # registered June 2007, fifth digit 4 (a resident legal entity)
KASPI_CARD = "4400 4301 2345 6789"
KASPI_IBAN = "KZ18722S000012345678"
REGISTRY_IBAN = "KZ86125KZT5004100100"  # the SWIFT IBAN registry's example for Kazakhstan


def test_a_valid_iin_and_bin_are_told_apart() -> None:
    assert identifiers.validate_tax_id(VALID_IIN) == (VALID_IIN, TaxIdKind.IIN)
    assert identifiers.validate_tax_id("0706 4000 0013") == (VALID_BIN, TaxIdKind.BIN)


def test_the_second_weight_sequence_is_used_when_the_first_gives_ten() -> None:
    # 88021240012: the first weighted sum is 10 (mod 11), the second gives 0.
    digits = [int(c) for c in "88021240012"]
    assert sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11 == 10
    assert identifiers.iin_check_digit("88021240012") == 0
    assert identifiers.validate_tax_id("880212400120")[1] is TaxIdKind.IIN


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("900515300017", "check digit"),
        ("90051530001", "12 digits"),
        ("90051530001X", "12 digits"),
        ("901315300013", "birth date"),  # month 13, valid check digit
        ("900230300019", "birth date"),  # 30 February
        ("900515900016", "seventh digit"),
    ],
)
def test_bad_iins_are_refused_with_the_reason(value: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=why) as info:
        identifiers.validate_tax_id(value)
    assert info.value.field == "tax_id"


@given(st.from_regex(r"\d{11}", fullmatch=True), st.integers(0, 9))
def test_exactly_one_check_digit_is_accepted(first11: str, wrong: int) -> None:
    check = identifiers.iin_check_digit(first11)
    candidate = first11 + str(wrong)
    if check is None or check != wrong:
        with pytest.raises(InvalidInput):
            identifiers.validate_tax_id(candidate)


def test_card_numbers_pass_luhn_or_are_refused() -> None:
    assert identifiers.validate_card(KASPI_CARD) == "4400430123456789"
    assert identifiers.luhn_valid("79927398713")  # the textbook Luhn example
    with pytest.raises(InvalidInput, match="Luhn"):
        identifiers.validate_card("4400430123456788")
    with pytest.raises(InvalidInput, match="16 digits"):
        identifiers.validate_card("440043012345678")


def test_kazakh_ibans_pass_mod_97_or_are_refused() -> None:
    assert identifiers.validate_kz_iban(REGISTRY_IBAN) == REGISTRY_IBAN
    assert identifiers.validate_kz_iban("kz18 722s 0000 1234 5678") == KASPI_IBAN
    with pytest.raises(InvalidInput, match="mod 97"):
        identifiers.validate_kz_iban("KZ19722S000012345678")
    with pytest.raises(InvalidInput, match="Kazakh IBAN"):
        identifiers.validate_kz_iban("DE89370400440532013000")  # valid, but German


@given(
    st.from_regex(r"[0-9A-Z]{12}[0-9]", fullmatch=True),
    st.from_regex(r"\d{3}", fullmatch=True),
)
def test_a_changed_last_digit_breaks_an_iban(account: str, bank: str) -> None:
    body = bank + account
    numeric = int("".join(str(int(c, 36)) for c in body + "KZ00"))
    iban = f"KZ{98 - numeric % 97:02d}{body}"
    assert identifiers.validate_kz_iban(iban) == iban
    changed = iban[:-1] + ("1" if iban[-1] != "1" else "2")
    assert not identifiers.iban_valid(changed)


def test_personal_data_round_trips_encrypted_and_survives_key_rotation() -> None:
    old = Settings(_env_file=None, creators={"encryption_key": "old-secret"})
    new = Settings(
        _env_file=None,
        creators={"encryption_key": "new-secret", "previous_encryption_keys": ["old-secret"]},
    )
    token = PiiCipher.from_settings(old).encrypt(VALID_IIN)
    assert VALID_IIN not in token
    assert PiiCipher.from_settings(new).decrypt(token) == VALID_IIN
    assert PiiCipher.from_settings(old).encrypt(VALID_IIN) != token  # random IV
    index = PiiCipher.from_settings(old).blind_index(VALID_IIN)
    assert index == PiiCipher.from_settings(old).blind_index(VALID_IIN)
    assert VALID_IIN not in index


def test_the_encryption_key_is_masked_in_config_show() -> None:
    from jarnama.config import masked

    settings = Settings(
        _env_file=None,
        creators={"encryption_key": "s3cret", "previous_encryption_keys": ["older"]},
    )
    shown = masked(settings)["creators"]
    assert shown["encryption_key"] == "********"
    assert "s3cret" not in str(shown)
    assert "older" not in str(shown)
