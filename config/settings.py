"""The one Settings class: every knob of reportqa, read from REPORTQA_* and `.env`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from config.redaction import add_secret

CONFIG_DIR = Path(__file__).resolve().parent
BUNDLED_DOCS_DIR = CONFIG_DIR / "reports"
USER_DICT = CONFIG_DIR / "userdict.txt"
QUESTION_WORDS = CONFIG_DIR / "question_words.txt"
SYNONYMS = CONFIG_DIR / "synonyms.txt"


def _default_data_dir() -> Path:
    cache_home = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache_home) / "reportqa"


class MissingSetting(ValueError):
    """A setting the bot cannot run without is not set."""


class BadSetting(ValueError):
    """A setting's value does not work: a token the Bot API rejects, an API root that
    does not answer as one."""


class Settings(BaseSettings):
    """reportqa's configuration; see config/example.env for every setting."""

    model_config = SettingsConfigDict(
        env_prefix="REPORTQA_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    docs_dir: Path = BUNDLED_DOCS_DIR
    data_dir: Path = Field(default_factory=_default_data_dir)
    top_k: int = Field(default=3, ge=1, le=10)
    min_confidence: float = Field(default=0.33, ge=0.0, le=1.0)
    max_upload_mb: int = Field(default=20, ge=1, le=20)

    telegram_token: SecretStr | None = None
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    telegram_api_root: str = "https://api.telegram.org"
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    # Telegram's flood limits: about 30 messages a second in all, 20 a minute per group.
    telegram_rate_limit: float = Field(default=30.0, gt=0)
    telegram_group_rate_limit: float = Field(default=20.0, gt=0)
    # Seconds a Bot API call may take before it is retried, and how often it is.
    telegram_timeout: float = Field(default=10.0, gt=0)
    telegram_send_retries: int = Field(default=5, ge=0, le=20)
    # The log level of `reportqa serve` (the other commands log errors only, or INFO with -v).
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    def model_post_init(self, context: Any, /) -> None:
        """Secrets are masked in every log line from the moment they are read."""
        for secret in (self.telegram_token, self.webhook_secret):
            if secret is not None:
                add_secret(secret.get_secret_value())

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        """Accept `1,2`, `[1,2]` or a single id."""
        if isinstance(value, int):
            return (value,)
        if isinstance(value, str):
            text = value.strip().removeprefix("[").removesuffix("]")
            return tuple(int(part) for part in text.replace(" ", "").split(",") if part)
        return value

    @field_validator("telegram_api_root")
    @classmethod
    def _api_root(cls, value: str) -> str:
        """An http(s) URL with a host, such as https://api.telegram.org."""
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL such as https://api.telegram.org")
        if parts.query or parts.fragment:
            raise ValueError("must be a plain URL, without ? or #")
        return value.strip().rstrip("/")
