"""Reading cells as SPEC section 5 writes them."""

import datetime as dt

import pytest

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
