"""Validators for Chinese identifiers that appear on case filings.

The check characters are computed per the national standards, so a typo in a
credit code or ID number is caught at filing time instead of at the court.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: unified social credit code, 18 characters over this alphabet
# (no I, O, Z, S, V), the last one a check character.
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# GB 11643-1999: citizen ID number, 17 digits plus an ISO 7064 MOD 11-2 check.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

MSG_CREDIT_CODE = _("Enter a valid 18-character unified social credit code.")
MSG_ID_NUMBER = _("Enter a valid 18-digit resident ID number.")

# Mainland mobile numbers: 11 digits, 1 then 3-9; an optional +86/86 country code.
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")


def credit_code_check_char(first17: str) -> str:
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(value: str) -> bool:
    value = (value or "").strip().upper()
    if len(value) != 18 or any(c not in _CREDIT_ALPHABET for c in value):
        return False
    return credit_code_check_char(value[:17]) == value[17]


def id_number_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_id_number(value: str) -> bool:
    value = (value or "").strip().upper()
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return False
    return id_number_check_char(value[:17]) == value[17]


def validate_credit_code(value: str) -> None:
    if not is_valid_credit_code(value):
        raise ValidationError(MSG_CREDIT_CODE, code="credit_code")


def validate_id_number(value: str) -> None:
    if not is_valid_id_number(value):
        raise ValidationError(MSG_ID_NUMBER, code="id_number")


def is_mainland_mobile(value: str) -> bool:
    """Whether a text message can reach this number (spaces and dashes ignored)."""
    return bool(_MOBILE.fullmatch(re.sub(r"[\s-]", "", value or "")))
