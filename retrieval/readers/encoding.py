"""Decoding text files whose encoding nobody wrote down."""

from __future__ import annotations

import codecs
import logging
import unicodedata

from charset_normalizer import from_bytes

from retrieval.errors import UndecodableText

logger = logging.getLogger(__name__)

# Byte order marks say the encoding outright; longest first so UTF-32 wins over UTF-16.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Pages declare the narrower legacy encodings but use their supersets in practice; browsers
# decode them that way too (WHATWG Encoding Standard labels).
_SUPERSETS = {"gb2312": "gbk", "ascii": "utf-8", "latin_1": "cp1252", "big5": "big5hkscs"}

# Simplified Chinese prose is almost all GB2312 characters; Big5 bytes read as GBK are not.
_MIN_GB2312_SHARE = 0.9


def decode_text(content: bytes, source: str, declared: str | None = None) -> tuple[str, str]:
    """Decode `content` and return (text, encoding name); raise UndecodableText if impossible.

    Order: byte order mark, the encoding the file declares (HTML meta), strict UTF-8, strict
    GBK / GB18030, then charset-normalizer's best guess. Chinese files are mostly UTF-8 or
    GBK, and statistical detectors can mistake short GBK text for other legacy encodings,
    so the strict decoders come first.
    """
    for bom, encoding in _BOMS:
        if content.startswith(bom):
            text = _strict(content, encoding)
            if text is not None and _looks_like_text(text):
                return text.removeprefix("\ufeff"), encoding
    candidates = [_python_name(declared)] if declared else []
    candidates += ["utf-8", "gbk", "gb18030"]
    for encoding in dict.fromkeys(name for name in candidates if name):
        text = _strict(content, encoding)
        if text is None or not _looks_like_text(text):
            continue
        if encoding in ("gbk", "gb18030") and not _looks_like_simplified_chinese(text):
            guessed = _guess(content)
            if guessed is not None:
                return guessed
        return text, encoding
    guessed = _guess(content)
    if guessed is None:
        raise UndecodableText(f"{source}: the bytes are not text in any encoding we can detect")
    return guessed


def _python_name(label: str) -> str | None:
    """Map an encoding label to Python's codec name, widened to the superset in use."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _strict(content: bytes, encoding: str) -> str | None:
    """Decode strictly, or return None when the bytes are not valid in that encoding."""
    try:
        return content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess(content: bytes) -> tuple[str, str] | None:
    """Ask charset-normalizer, keeping its answer only if it reads as text."""
    match = from_bytes(content).best()
    if match is None:
        return None
    text = str(match)
    if not _looks_like_text(text):
        return None
    logger.debug("charset-normalizer guessed %s", match.encoding)
    return text, match.encoding


def _looks_like_text(text: str) -> bool:
    """Reject binary data that happens to decode: text has almost no control characters."""
    if not text.strip():
        return True
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v"
    )
    return controls == 0 or (controls / len(text) < 0.001 and "\x00" not in text)


def _looks_like_simplified_chinese(text: str) -> bool:
    """Tell GBK-decoded prose from other CJK bytes (Big5) that GBK also accepts."""
    hanzi = [char for char in text if "\u4e00" <= char <= "\u9fff"]
    if len(hanzi) < 20:
        return True
    in_gb2312 = sum(1 for char in hanzi if _encodes(char, "gb2312"))
    return in_gb2312 / len(hanzi) >= _MIN_GB2312_SHARE


def _encodes(char: str, encoding: str) -> bool:
    """Tell whether `char` exists in `encoding`."""
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
