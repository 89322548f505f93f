"""Configuration: the Settings class and the data files that tune the engine."""

from config.settings import (
    BUNDLED_DOCS_DIR,
    QUESTION_WORDS,
    SYNONYMS,
    USER_DICT,
    BadSetting,
    MissingSetting,
    Settings,
)

__all__ = [
    "BUNDLED_DOCS_DIR",
    "QUESTION_WORDS",
    "SYNONYMS",
    "USER_DICT",
    "BadSetting",
    "MissingSetting",
    "Settings",
]
