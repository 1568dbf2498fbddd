import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.validators import (
    credit_code_check_char,
    id_number_check_char,
    is_valid_credit_code,
    is_valid_id_number,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_known_real_world_credit_codes_pass(code):
    assert is_valid_credit_code(code)


@pytest.mark.parametrize("code", ["91350100M000100Y44", "9135010OM000100Y43", "123", ""])
def test_wrong_credit_codes_fail(code):
    assert not is_valid_credit_code(code)


def test_known_id_number_passes():
    assert is_valid_id_number("11010519491231002X")
    assert not is_valid_id_number("110105194912310021")


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_every_id_number_with_its_check_char_passes_and_others_fail(first17):
    good = first17 + id_number_check_char(first17)
    assert is_valid_id_number(good)
    for c in "0123456789X":
        if c != good[-1]:
            assert not is_valid_id_number(first17 + c)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_every_credit_code_with_its_check_char_passes(first17):
    assert is_valid_credit_code(first17 + credit_code_check_char(first17))
    assert is_valid_credit_code((first17 + credit_code_check_char(first17)).lower())
