"""Training data hygiene: personal data and secrets masked, platform chrome removed, AI disclaimers caught;
on our own examples, and measured on the shared real texts (tools/bench_hygiene.py)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from llm_engineering.application.dataset.curation import CurationConfig, CurationItem
from llm_engineering.application.dataset.curation.rules import ai_disclaimer, rule_reason
from llm_engineering.application.preprocessing.chrome import remove_chrome
from llm_engineering.application.preprocessing.cleaning_data_handlers import CleaningHandlerFactory
from llm_engineering.application.preprocessing.config import FeatureEngineeringConfig
from llm_engineering.application.preprocessing.hygiene import HygieneSettings, TextHygiene
from llm_engineering.domain.documents import ArticleDocument, RepositoryDocument
from llm_engineering.domain.types import DataCategory
from llm_engineering.infrastructure.redaction import mask_sensitive
from tools import bench_hygiene

# Not personal data: shapes that look close (a decorator, an SSH remote, a retina image, a date, an IP,
# a version, a Medium handle, "bearer" in prose, placeholders in sample code).
NOT_SENSITIVE = (
    "Use @pytest.fixture and clone git@github.com:org/repo.git; logo@2x.png is the retina image. "
    "Released 2024-01-15 at 10.20.30.40 as v1.2.3 by medium.com/@ada, the bearer of good news. "
    'api_key = "your-api-key-here" and token = os.environ["HF_TOKEN"]; 555 people came, 1,234,567 rows.'
)


def test_personal_data_and_secrets_become_typed_placeholders() -> None:
    rng = random.Random(1)
    for sentence, expected in bench_hygiene.planted_items(rng):
        masked, counts = mask_sensitive(sentence)
        assert masked == expected, sentence
        assert sum(counts.values()) == 1
    masked, counts = mask_sensitive(NOT_SENSITIVE)
    assert masked == NOT_SENSITIVE and not counts


def test_chrome_is_removed_and_the_authors_words_stay() -> None:
    text = "\n\n".join(
        [
            "# Boring pipelines", "SubscribeSign in", "Share this post", "#### Boring pipelines",
            "ada.substack.com", "Copy link", "Facebook", "Email", "Note", "Other", "14", "Share",
            "Every write should be safe to repeat. Sign up for the course if you like it.",
            "We use cookies to improve your experience. Accept all cookies?",
            "Note", "Follow the next steps to answer the question.",
            "Paul IusztinPublished inDecoding ML·16 min read·Mar 16, 2024ListenShareThe text starts here.",
            "#### Discussion about this post", "A comment by a reader", "Ready for more?",
        ]
    )  # fmt: skip
    cleaned, removed = remove_chrome(text)
    assert cleaned.split("\n\n") == [
        "# Boring pipelines",
        "Every write should be safe to repeat. Sign up for the course if you like it.",
        "Note",  # only the share widget's targets go, not the same word elsewhere
        "Follow the next steps to answer the question.",
        "Paul IusztinPublished inDecoding ML·Mar 16, 2024The text starts here.",
    ]
    assert removed >= 14


def test_hygiene_is_on_by_default_switchable_and_part_of_the_fingerprint() -> None:
    document = ArticleDocument(
        content={"Title": "Contact", "Content": "Write to ada@example.com.\n\nShare this post\n\nCopy link"},
        platform="substack", link="https://ada.substack.com/p/contact", author_id=ArticleDocument.model_fields["id"].default_factory(),
        author_full_name="Ada Writer",
    )  # fmt: skip
    handler = CleaningHandlerFactory.create_handler(DataCategory.ARTICLES)
    hygiene = TextHygiene()
    cleaned = handler.clean(document, content_hash="h", feature_fingerprint="f", hygiene=hygiene)
    assert cleaned.content == "Contact\n\nWrite to [EMAIL]."
    report = hygiene.report()
    assert (
        report.masked == {"[EMAIL]": 1} and report.chrome_removed == 2 and report.documents_with_chrome == 1
    )
    off = TextHygiene(HygieneSettings(mask_personal_data=False, remove_platform_chrome=False))
    raw = handler.clean(document, content_hash="h", feature_fingerprint="f", hygiene=off)
    assert "ada@example.com" in raw.content and "Share this post" in raw.content and not off.report().masked

    config = FeatureEngineeringConfig.from_overrides(hygiene={"mask_personal_data": False})
    assert not config.hygiene.mask_personal_data and config.hygiene.remove_platform_chrome
    default = FeatureEngineeringConfig()
    assert config.fingerprint("articles", "m", "s") != default.fingerprint("articles", "m", "s")
    with pytest.raises(ValueError, match="mask_personal_dat"):
        FeatureEngineeringConfig.from_overrides(hygiene={"mask_personal_dat": False})


def test_code_gets_secrets_masked_but_keeps_its_lines() -> None:
    document = RepositoryDocument(
        content={"app.py": 'import os\n\nKEY = "sk-' + "a1B2" * 6 + '"\nprint("Share")\n'},
        name="app", link="https://github.com/ada/app", platform="github",
        author_id=ArticleDocument.model_fields["id"].default_factory(), author_full_name="Ada Writer",
    )  # fmt: skip
    cleaned = CleaningHandlerFactory.create_handler(DataCategory.REPOSITORIES).clean(
        document, content_hash="h", feature_fingerprint="f"
    )
    assert cleaned.content == 'File: app.py\nimport os\n\nKEY = "[SECRET]"\nprint("Share")'


def test_curation_catches_ai_disclaimers_but_not_an_ai_engineer() -> None:
    config = CurationConfig()
    flagged = [
        "As an AI, I do not have personal experiences, but fine-tuning works like this.",
        "I don't have personal opinions on vector databases; here are the facts.",
        "I'm just an AI language model, yet LoRA adapters are small.",
    ]
    kept = [
        "As an AI engineer, I have fine-tuned many models and LoRA is my default.",
        "As an AI practitioner you should log every experiment.",
    ]
    for answer in flagged:
        item = CurationItem(instruction="Explain LoRA adapters in simple words.", answer=answer)
        assert ai_disclaimer(item, config) and rule_reason(item, config).startswith("ai_disclaimer")
    for answer in kept:
        assert (
            ai_disclaimer(CurationItem(instruction="Explain LoRA adapters.", answer=answer), config) is None
        )


@pytest.mark.shared
def test_measured_on_the_shared_texts(shared_warehouse_dir: Path) -> None:
    groups = bench_hygiene.load_texts(shared_warehouse_dir / "ArticleDocument.json")
    texts = [text for _, text in groups]
    words, hits = bench_hygiene.mask_hits(texts)
    assert words > 100_000 and hits == []  # the real articles hold no personal data: nothing is masked
    planted = bench_hygiene.measure_planted(texts[:10])
    assert (
        planted["recall"] == 1.0 and planted["precision"] == 1.0 and planted["real_paragraphs_changed"] == 0
    )
    chrome = bench_hygiene.measure_chrome(groups)
    for group in ("substack", "medium"):
        before, after = sum(chrome[group]["before"].values()), sum(chrome[group]["after"].values())
        assert before > 50 and after <= before * 0.02, (group, before, after)
    assert json.loads((shared_warehouse_dir / "ArticleDocument.json").read_text())  # still read-only input
