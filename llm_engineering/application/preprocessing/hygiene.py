"""Training data hygiene at cleaning time: personal data and secrets masked with typed placeholders
(`[EMAIL]`, `[PHONE]`, `[SECRET]`, `[PRIVATE_KEY]`) and platform chrome removed, before anything is chunked,
embedded, sent to the teacher LLM or written into a dataset. Both are on by default and can be switched off
in the feature pipeline's YAML (`hygiene: {mask_personal_data: false}`)."""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, ConfigDict, Field

from llm_engineering.application.preprocessing.chrome import remove_chrome
from llm_engineering.infrastructure.redaction import mask_sensitive


class HygieneSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt switch is an error, not silently ignored

    mask_personal_data: bool = Field(
        True,
        description="E-mail addresses, phone numbers, API keys and tokens, private keys become placeholders.",
    )
    remove_platform_chrome: bool = Field(
        True, description='"Share this post", "Sign in", cookie banners, ... are removed (prose only).'
    )


class HygieneReport(BaseModel):
    """What hygiene changed in one run, for the cleaning step's metadata."""

    masked: dict[str, int] = Field(default_factory=dict)  # placeholder -> replacements
    documents_masked: int = 0
    chrome_removed: int = 0  # lines or glued buttons removed
    documents_with_chrome: int = 0

    @property
    def total_masked(self) -> int:
        return sum(self.masked.values())

    def summary(self) -> dict[str, object]:
        return {**self.model_dump(), "total_masked": self.total_masked}


class TextHygiene:
    """Applies the settings to each text of a run and keeps the counts (one instance per run)."""

    def __init__(self, settings: HygieneSettings | None = None) -> None:
        self.settings = settings or HygieneSettings()
        self._masked: Counter[str] = Counter()
        self._documents_masked = 0
        self._chrome = 0
        self._documents_with_chrome = 0

    def prose(self, text: str) -> str:
        """An article's or post's cleaned text: chrome out, then personal data masked."""
        if self.settings.remove_platform_chrome:
            text, removed = remove_chrome(text)
            self._chrome += removed
            self._documents_with_chrome += bool(removed)
        return self._mask(text)

    def code(self, text: str) -> str:
        """A repository's cleaned text: secrets and personal data masked (code has no platform chrome)."""
        return self._mask(text)

    def _mask(self, text: str) -> str:
        if not self.settings.mask_personal_data:
            return text
        text, counts = mask_sensitive(text)
        self._masked.update(counts)
        self._documents_masked += bool(counts)
        return text

    def report(self) -> HygieneReport:
        return HygieneReport(
            masked=dict(sorted(self._masked.items())),
            documents_masked=self._documents_masked,
            chrome_removed=self._chrome,
            documents_with_chrome=self._documents_with_chrome,
        )
