"""Parsing of the numbers reports write: ASCII, full-width and Chinese numerals."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

# Digits a report may write in Chinese; 两 is the counting form of 二, 〇 the digit form of 零.
CHINESE_DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
# Magnitudes written after a number (`1.44万元`); 千 and 百 only ever appear inside 千万/百万.
MAGNITUDES: dict[str, int] = {
    "万": 10_000,
    "亿": 100_000_000,
    "千万": 10_000_000,
    "百万": 1_000_000,
}
CHINESE_NUMERAL_CHARS = "".join(CHINESE_DIGITS) + "十百千万亿"

_FULL_WIDTH = str.maketrans("０１２３４５６７８９．％", "0123456789.%")


class NumeralError(ValueError):
    """A string is not a number the parser understands."""


def to_ascii(text: str) -> str:
    """Return `text` with full-width digits, point and percent sign made ASCII."""
    return text.translate(_FULL_WIDTH)


def parse_decimal(text: str, scale: int = 1) -> float:
    """Parse an ASCII or full-width decimal such as `99.52` or `３５３１`, times `scale`."""
    try:
        # Decimal keeps `1.37万` at 13700.0 where float arithmetic gives 13700.000000000002.
        return float(Decimal(to_ascii(text).replace(",", "")) * scale)
    except InvalidOperation as error:
        raise NumeralError(text) from error


def parse_chinese(text: str) -> int:
    """Parse a Chinese numeral such as `两`, `十九`, `一百零五` or `三万二千`."""
    if not text or any(char not in CHINESE_NUMERAL_CHARS for char in text):
        raise NumeralError(text)
    # Digit-by-digit forms (`二〇二〇`) carry no unit characters.
    if all(char in CHINESE_DIGITS for char in text) and len(text) > 1:
        return int("".join(str(CHINESE_DIGITS[char]) for char in text))
    total = 0  # the part counted in 亿
    myriads = 0  # the part counted in 万
    section = 0
    digit = 0
    for char in text:
        if char in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[char]
        elif char in _SMALL_UNITS:
            # A bare 十 at the start means 一十.
            section += (digit or 1) * _SMALL_UNITS[char]
            digit = 0
        elif char == "万":
            myriads += (section + digit or 1) * MAGNITUDES["万"]
            section = digit = 0
        else:
            total = (total + myriads + section + digit or 1) * MAGNITUDES["亿"]
            myriads = section = digit = 0
    return total + myriads + section + digit


def is_chinese_numeral(text: str) -> bool:
    """Return True when `text` parses as a Chinese numeral."""
    try:
        parse_chinese(text)
    except NumeralError:
        return False
    return True
