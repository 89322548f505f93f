"""Text normalization shared by documents and questions."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional Chinese characters and phrases to simplified ones."""
    simplified: str = _t2s().convert(text)
    return simplified


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters), traditional to simplified, one space per run."""
    folded = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", to_simplified(folded)).strip()


def compact(text: str) -> str:
    """Normalize and drop all white space, for comparing texts written differently."""
    return normalize(text).replace(" ", "")
