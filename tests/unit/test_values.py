"""Reading cells as SPEC section 5 writes them."""

import datetime as dt

import pytest

from desktop_app import values
from desktop_app.csvio import values as cv
from desktop_app.csvio.reader import detect_delimiter


@pytest.mark.parametrize("text,value", [("5", 5), ("-5", -5), (" 12 ", 12), ("+3", 3), ("0", 0)])
def test_whole_numbers(text, value):
    assert cv.parse_int(text) == value


@pytest.mark.parametrize("text", ["5.5", "1e3", "abc", "", "5,0"])
def test_not_whole_numbers(text):
    with pytest.raises(cv.CellError, match="not a whole number"):
        cv.parse_int(text)


def test_minimum_is_named():
    with pytest.raises(cv.CellError, match="below the lowest allowed value, 0"):
        cv.parse_int("-1", minimum=0)


@pytest.mark.parametrize(
    "text,value", [("True", True), ("FALSE", False), ("1", True), ("0", False), ("Yes", True), ("no", False)]
)
def test_booleans(text, value):
    assert cv.parse_bool(text) is value


def test_bad_boolean():
    with pytest.raises(cv.CellError, match="yes/no"):
        cv.parse_bool("maybe")


@pytest.mark.parametrize(
    "text,value",
    [
        ("2026-03-04", dt.date(2026, 3, 4)),
        ("3/4/2026", dt.date(2026, 3, 4)),
        ("12/31/2027", dt.date(2027, 12, 31)),
    ],
)
def test_dates(text, value):
    assert cv.parse_date(text) == value


@pytest.mark.parametrize("text", ["2026-13-01", "31/12/2026", "tomorrow", "3/4/26"])
def test_bad_dates(text):
    with pytest.raises(cv.CellError, match="not a date"):
        cv.parse_date(text)


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-x", "@me", "\tx", "\rx", "'quoted", "plain"])
def test_formula_guard_round_trips(text):
    assert cv.unquote_text(cv.quote_text(text)) == text


def test_formula_guard_only_where_needed():
    assert cv.quote_text("=1+1") == "'=1+1"
    assert cv.quote_text("Mug") == "Mug"


@pytest.mark.parametrize(
    "line,delimiter",
    [("a,b,c\n", ","), ("a;b;c\n", ";"), ("a\tb\tc\n", "\t"), ('"x;y",b,c\n', ","), ("single\n", ",")],
)
def test_delimiter_detection(line, delimiter):
    assert detect_delimiter(line) == delimiter


# -- issue 11: the one integer parser, and the limits of SPEC section 5 ----------------------------------
@pytest.mark.parametrize("text", ["١٢", "１２", "²", "12\u0663", "+١", "٣", "۱۲", "߁"])
def test_case_7_only_ascii_digits_are_digits(text):
    with pytest.raises(values.CellError, match="is not a whole number"):
        values.parse_int(text)
    assert values.int_or_none(text) is None


@pytest.mark.parametrize(
    "text", [str(2**31), str(-(2**31) - 1), str(2**63), "9" * 20_000_000, "-" + "1" * 11, "+99999999999"]
)
def test_case_6_integers_outside_32_bits_are_refused(text):
    with pytest.raises(
        values.CellError, match=r"is outside the allowed range, -2,147,483,648 to 2,147,483,647"
    ):
        values.parse_int(text)
    assert values.int_or_none(text) is None


@pytest.mark.parametrize(
    "text,value", [("2147483647", 2**31 - 1), ("-2147483648", -(2**31)), ("000000000000042", 42)]
)
def test_case_6_the_range_ends_and_leading_zeros(text, value):
    assert values.parse_int(text) == value == values.int_or_none(text)


def test_case_6_messages_never_echo_a_huge_or_binary_value():
    with pytest.raises(values.CellError) as huge:
        values.parse_int("9" * 1_000_000)
    assert len(str(huge.value)) < 120
    with pytest.raises(values.CellError) as binary:
        values.parse_int("1\x002")
    assert str(binary.value) == "'1\\x002' is not a whole number"


def test_counts_stay_within_a_billion_so_every_change_fits_32_bits():
    assert values.count_or_none("1000000000") == 10**9 and values.count_or_none("-1000000000") == -(10**9)
    assert values.count_or_none("1000000001") is None and values.count_or_none("2147483647") is None
    assert values.COUNT_MAX * 2 <= values.INT_MAX


def test_maximum_is_named():
    with pytest.raises(values.CellError, match="above the highest allowed value, 10"):
        values.parse_int("11", maximum=10)


@pytest.mark.parametrize(
    "field,length", [("item_number", 100), ("parent", 100), ("barcode", 100), ("name", 500), ("status", 100)]
)
def test_case_5_text_limits(field, length):
    assert cv.check_field_text(field, "x" * length) == "x" * length
    with pytest.raises(values.CellError, match=f"{length + 1:,} characters; .* can have at most {length:,}"):
        cv.check_field_text(field, "x" * (length + 1))


def test_case_5_other_text_has_2000():
    assert cv.check_field_text("note", "s" * 2000)
    with pytest.raises(values.CellError, match="2,001 characters; a text can have at most 2,000"):
        cv.check_field_text("note", "s" * 2001)


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f", "\t", "\n", "\r"])
def test_case_6_keys_take_no_control_character(char):
    with pytest.raises(values.CellError, match="contains a control character .*an item number can have none"):
        cv.check_field_text("item_number", f"A{char}B")
    assert not values.is_plain_key(f"A{char}B")


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x0c", "\x1f", "\x7f", "\x80"])
def test_case_6_long_text_takes_tab_and_line_breaks_only(char):
    assert cv.check_field_text("name", "a\tb\nc\r\nd") == "a\tb\nc\r\nd"
    with pytest.raises(values.CellError, match="a name can have tabs and line breaks but no other"):
        cv.check_field_text("name", f"a{char}b")


def test_case_7_dates_take_ascii_digits_only():
    for text in ("٣/٤/٢٠٢٧", "２０２７-０１-０１", "2027-1-1"):
        with pytest.raises(values.CellError, match="not a date"):
            cv.parse_date(text)
