"""Training data hygiene measured on the shared texts (the handbook's warehouse export, 76 real articles).

1. Masking on the real texts: every mask hit is printed with its context (to be inspected: a hit that is not
   personal data or a secret is a real word masked by mistake), with the number of words scanned.
2. Masking on planted items: synthetic e-mail addresses, phone numbers, provider tokens, bearer tokens and
   private keys inserted between the real paragraphs; recall, and precision over every mask hit (a hit
   outside a planted item is a real word masked by mistake).
3. Platform chrome ("Share this post", "Sign in", ...) in the Substack and Medium texts: occurrences of each
   marker in the cleaned text before (chrome removal off) and after (on), and the share of text removed.
4. AI disclaimers flagged by curation among the shared datasets' answers (all written to be kept).

Run: `poetry poe bench-hygiene` (reads ../shared, or LLM_TWIN_SHARED_DIR).
"""

from __future__ import annotations

import json
import os
import random
import re
import string
import sys
from collections import Counter
from pathlib import Path

from llm_engineering.application.dataset.curation import CurationConfig, CurationItem
from llm_engineering.application.dataset.curation.rules import ai_disclaimer
from llm_engineering.application.preprocessing.chrome import remove_chrome
from llm_engineering.application.preprocessing.cleaning_data_handlers import ArticleCleaningHandler
from llm_engineering.domain.content import ArticleContent
from llm_engineering.infrastructure.redaction import mask_sensitive

SHARED_DIR = Path(os.environ.get("LLM_TWIN_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
WAREHOUSE = SHARED_DIR / "data" / "handbook" / "data_warehouse_raw_data" / "ArticleDocument.json"
DATASETS = [
    SHARED_DIR / "data" / "handbook" / "artifacts" / f"{n}_datasets.json" for n in ("instruct", "preference")
]
CHROME_MARKERS = (
    "Share this post", "Copy link", "Subscribe", "Sign up", "Sign in", "Member-only story", "Open in app",
    "Get the app", "Follow", "Listen", "Restack", "Ready for more?", "Discussion about this post",
    "Recommended from Medium", "cookie",
)  # fmt: skip
_PLACEHOLDER = re.compile(r"\[(?:EMAIL|PHONE|SECRET|PRIVATE_KEY)\]")


def load_texts(path: Path = WAREHOUSE) -> list[tuple[str, str]]:
    """(platform group, cleaned text without hygiene) per article: what cleaning produced before hygiene."""
    handler = ArticleCleaningHandler()
    texts = []
    for raw in json.loads(path.read_text()):
        platform = raw["platform"]
        group = "medium" if "medium" in platform else "substack" if "substack" in platform else "other"
        texts.append((group, handler.clean_content(ArticleContent.model_validate(raw["content"]))))
    return texts


def mask_hits(texts: list[str]) -> tuple[int, list[str]]:
    """Words scanned, and every mask hit in context."""
    words, hits = 0, []
    for text in texts:
        words += len(text.split())
        masked, counts = mask_sensitive(text)
        if counts:
            hits.extend(
                f"...{masked[max(0, m.start() - 50) : m.end() + 30]}..."
                for m in _PLACEHOLDER.finditer(masked)
            )
    return words, hits


def _token(rng: random.Random, length: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def planted_items(rng: random.Random) -> list[tuple[str, str]]:
    """(sentence with a synthetic item, the sentence as masking must leave it)."""
    upper = string.ascii_uppercase + string.digits
    key = "\n".join(_token(rng, 64) for _ in range(4))
    items = [
        (f"Write to {rng.choice(['ada', 'j.doe', 'paul+news'])}@{rng.choice(['example.com', 'mail.co.uk'])}.", "Write to [EMAIL]."),
        ("Call me on +44 20 7946 0958 after six.", "Call me on [PHONE] after six."),
        ("Call me on +1 415-555-0132 after six.", "Call me on [PHONE] after six."),
        ("Or at (415) 555-0199 in the office.", "Or at [PHONE] in the office."),
        (f"client = OpenAI(api_key=\"sk-proj-{_token(rng, 40)}\")", 'client = OpenAI(api_key="[SECRET]")'),
        (f"AWS_ACCESS_KEY_ID=AKIA{_token(rng, 16, upper)}", "AWS_ACCESS_KEY_ID=[SECRET]"),
        (f"aws_secret_access_key = {_token(rng, 40)}", "aws_secret_access_key = [SECRET]"),
        (f"export GITHUB_TOKEN=ghp_{_token(rng, 36)}", "export GITHUB_TOKEN=[SECRET]"),
        (f"login(token=\"hf_{_token(rng, 34)}\")", 'login(token="[SECRET]")'),
        (f"SLACK_BOT_TOKEN=xoxb-{_token(rng, 12, string.digits)}-{_token(rng, 24)}", "SLACK_BOT_TOKEN=[SECRET]"),
        (f"GOOGLE_API_KEY=AIza{_token(rng, 35)}", "GOOGLE_API_KEY=[SECRET]"),
        (f'headers = {{"Authorization": "Bearer {_token(rng, 20)}9"}}', 'headers = {"Authorization": "Bearer [SECRET]"}'),
        (f"-----BEGIN RSA PRIVATE KEY-----\n{key}\n-----END RSA PRIVATE KEY-----", "[PRIVATE_KEY]"),
    ]  # fmt: skip
    return items


def measure_planted(texts: list[str], seed: int = 7) -> dict[str, float]:
    """Every planted item inserted between paragraphs of a real text; recall and precision of the masks, and
    how many real paragraphs masking changed (each change is a real word masked by mistake)."""
    rng = random.Random(seed)
    planted = found = hits = changed = 0
    for text in texts:
        paragraphs = text.split("\n\n")
        items = planted_items(rng)
        mixed = list(paragraphs)
        for sentence, _ in items:
            mixed.insert(rng.randrange(len(mixed) + 1), sentence)
        output, counts = mask_sensitive("\n\n".join(mixed))
        kept = Counter(output.split("\n\n"))
        planted += len(items)
        found += sum(1 for _, masked in items if kept[masked] > 0)
        hits += sum(counts.values())
        changed += sum((Counter(paragraphs) - kept).values())
    return {
        "planted": planted,
        "found": found,
        "hits": hits,
        "real_paragraphs_changed": changed,
        "recall": found / planted,
        "precision": found / max(hits, 1),
    }


def measure_chrome(groups: list[tuple[str, str]]) -> dict[str, dict]:
    """Per platform group: marker occurrences before and after chrome removal, and the share of text removed."""
    result: dict[str, dict] = {}
    for group in ("substack", "medium"):
        texts = [text for name, text in groups if name == group]
        after = [remove_chrome(text)[0] for text in texts]
        before_counts = Counter({m: sum(t.count(m) for t in texts) for m in CHROME_MARKERS})
        after_counts = Counter({m: sum(t.count(m) for t in after) for m in CHROME_MARKERS})
        chars_before, chars_after = sum(map(len, texts)), sum(map(len, after))
        result[group] = {
            "documents": len(texts),
            "before": dict(before_counts),
            "after": dict(after_counts),
            "removed_share": 1 - chars_after / max(chars_before, 1),
        }
    return result


def disclaimer_flags() -> tuple[int, int]:
    answers = []
    for path in DATASETS:
        data = json.loads(path.read_text())
        for split in ("train", "test"):
            for samples in data[split].values():
                for sample in samples["samples"] if isinstance(samples, dict) else samples:
                    answers.append(sample.get("answer") or sample.get("chosen") or "")
    config = CurationConfig()
    flagged = sum(
        ai_disclaimer(CurationItem(instruction="An instruction.", answer=answer), config) is not None
        for answer in answers
    )
    return flagged, len(answers)


def main() -> int:
    if not WAREHOUSE.is_file():
        print(f"{WAREHOUSE} is absent: set LLM_TWIN_SHARED_DIR to the shared data folder.", file=sys.stderr)
        return 2
    groups = load_texts()
    texts = [text for _, text in groups]
    words, hits = mask_hits(texts)
    for hit in hits:
        print(f"  mask hit: {hit!r}")
    print(
        f"masking on the shared texts: {len(texts)} documents, {words:,} words, {len(hits)} mask hit(s) (listed above)"
    )
    planted = measure_planted(texts)
    print(
        f"masking on planted items: {planted['found']}/{planted['planted']} found (recall {planted['recall']:.3f}), "
        f"{planted['hits']} mask hits (precision {planted['precision']:.3f}); "
        f"{planted['real_paragraphs_changed']} real paragraph(s) changed"
    )
    for group, figures in measure_chrome(groups).items():
        before, after = figures["before"], figures["after"]
        print(
            f"chrome in {group} texts ({figures['documents']} documents): {sum(before.values())} marker occurrences "
            f"before, {sum(after.values())} after; {figures['removed_share']:.1%} of the text removed"
        )
        for marker in CHROME_MARKERS:
            if before[marker] or after[marker]:
                print(f"  {marker!r}: {before[marker]} -> {after[marker]}")
    flagged, answers = disclaimer_flags()
    print(f"ai disclaimers flagged among the shared datasets' answers: {flagged} of {answers}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
