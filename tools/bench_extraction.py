"""Benchmark main-text extraction against saved pages with known article text.

    python -m tools.bench_extraction [--pages-dir DIR]

For every page in DIR/manifest.json whose ground truth holds the full article text (Readability.js
`expected.html`, vibescraper's `expected.readability.json`), compare our `content` with it as bags of
lowercase words (precision / recall / F1), next to the baseline the reference project used: html2text of
the whole page. Pages whose ground truth only names the first words or the title (postlight-parser,
medium-mcp-server, LinkedIn) get a check column instead and stay out of the means.

The last line is machine-readable: `extraction_f1=<ours> baseline_f1=<baseline> pages=<n>`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import html2text

from llm_engineering.application.extraction import ExtractionError, extract_article

# ../shared next to the clone, or wherever LLM_TWIN_SHARED_DIR points.
SHARED_DIR = Path(
    os.environ.get("LLM_TWIN_SHARED_DIR", Path(__file__).resolve().parents[1].parent / "shared")
)
DEFAULT_PAGES_DIR = SHARED_DIR / "fixtures" / "pages"


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


@dataclass
class PageResult:
    file: str
    category: str
    ours: Score | None = None  # None: no full-text ground truth for this page
    baseline: Score | None = None
    seconds: float = 0.0
    check: str = ""  # first-words / title checks for pages without full text, or the error


@dataclass
class BenchResult:
    pages: list[PageResult] = field(default_factory=list)

    @property
    def scored(self) -> list[PageResult]:
        return [p for p in self.pages if p.ours is not None and p.baseline is not None]

    def category_means(self) -> dict[str, tuple[float, float, int]]:
        """category -> (our mean F1, baseline mean F1, pages)."""
        groups: dict[str, list[PageResult]] = defaultdict(list)
        for page in self.scored:
            groups[page.category].append(page)
        return {
            cat: (_mean(p.ours.f1 for p in rows), _mean(p.baseline.f1 for p in rows), len(rows))  # type: ignore[union-attr]
            for cat, rows in sorted(groups.items())
        }

    @property
    def ours_f1(self) -> float:
        return _mean(p.ours.f1 for p in self.scored)  # type: ignore[union-attr]

    @property
    def baseline_f1(self) -> float:
        return _mean(p.baseline.f1 for p in self.scored)  # type: ignore[union-attr]


def html_to_text(html: str) -> str:
    """The html2text settings the extractor uses, so ground truth and output are rendered alike."""
    converter = html2text.HTML2Text()
    converter.ignore_links = True
    converter.ignore_images = True
    converter.body_width = 0
    return converter.handle(html)


def tokens(text: str) -> Counter[str]:
    """Lowercase words; underscores are Markdown emphasis, not part of a word."""
    return Counter(_words(text))


def score(predicted: str, expected: str) -> Score:
    """Bag-of-words precision / recall / F1 of predicted text against expected text."""
    pred, gold = tokens(predicted), tokens(expected)
    overlap = sum((pred & gold).values())
    if overlap == 0:
        return Score(0.0, 0.0, 0.0)
    precision = overlap / sum(pred.values())
    recall = overlap / sum(gold.values())
    return Score(precision, recall, 2 * precision * recall / (precision + recall))


def expected_text(pages_dir: Path, page: dict) -> str | None:
    """The ground-truth article text of a page, or None when its ground truth is not the full text."""
    folder = (pages_dir / page["file"]).parent
    if (folder / "expected.html").is_file():
        return html_to_text((folder / "expected.html").read_text(encoding="utf-8"))
    readability_json = folder / "expected.readability.json"
    if readability_json.is_file():
        return html_to_text(json.loads(readability_json.read_text(encoding="utf-8"))["content"])
    return None


def partial_expectations(pages_dir: Path, page: dict) -> dict[str, str]:
    """Known fragments for pages without full text: the body's first words and/or the title."""
    folder = (pages_dir / page["file"]).parent
    name = Path(page["file"]).name
    postlight = folder.parent / "expected.json"
    if folder.name == "fixtures" and postlight.is_file():
        entry = json.loads(postlight.read_text(encoding="utf-8")).get(name, {})
        return {k: entry[k] for k in ("title", "content_first_words") if entry.get(k)}
    derived = folder / "expected.derived.json"
    if derived.is_file():
        entry = json.loads(derived.read_text(encoding="utf-8"))
        wanted = {"title": "h1.pw-post-title", "subtitle": "h2.pw-subtitle-paragraph"}
        found = {k: entry[v] for k, v in wanted.items() if entry.get(v)}
        if entry.get("first_body_paragraph"):
            found["content_first_words"] = entry["first_body_paragraph"]
        return found
    match = re.search(r'starts with "([^"]+)"', page.get("note") or "")
    return {"content_first_words": match.group(1)} if match else {}


def check_partial(article_fields: dict[str, str | None], wanted: dict[str, str]) -> str:
    """'field ok' / 'field MISS' per known fragment; the body's first words must open the content."""
    results = []
    for key, value in wanted.items():
        if key == "content_first_words":
            # Any 6 of the first 12 expected words, in a row, near the start: a caption or a byline that the
            # reference kept before the body must not count as a miss.
            head = _words(article_fields.get("content") or "")[:400]
            first = _words(value)[:12]
            ok = any(_is_sublist(first[i : i + 6], head) for i in range(max(1, len(first) - 5)))
            results.append(f"first-words {'ok' if ok else 'MISS'}")
        else:
            ok = _words(article_fields.get(key) or "") == _words(value)
            results.append(f"{key} {'ok' if ok else 'MISS'}")
    return ", ".join(results) or "no ground truth"


def run_benchmark(pages_dir: Path) -> BenchResult:
    manifest = json.loads((pages_dir / "manifest.json").read_text(encoding="utf-8"))
    result = BenchResult()
    for page in manifest["pages"]:
        html = (pages_dir / page["file"]).read_text(encoding="utf-8", errors="replace")
        row = PageResult(file=page["file"], category=page["category"])
        started = time.perf_counter()
        try:
            article = extract_article(html)  # no URL: detection must work from markup alone
            fields = {k: getattr(article, k) for k in ("title", "subtitle", "content")}
        except ExtractionError as exc:
            fields = {"title": None, "subtitle": None, "content": ""}
            row.check = f"ExtractionError: {exc}"
        row.seconds = time.perf_counter() - started
        gold = expected_text(pages_dir, page)
        if gold is not None:
            row.ours = score(fields["content"] or "", gold)
            row.baseline = score(html_to_text(html), gold)
        elif not row.check:
            row.check = "skipped (no full-text ground truth): " + check_partial(
                fields, partial_expectations(pages_dir, page)
            )
        result.pages.append(row)
    return result


def print_report(result: BenchResult) -> None:
    header = f"{'category':<18} {'page':<44} {'ours P/R/F1':>17} {'baseline P/R/F1':>17} {'ms':>5}"
    print(header)
    print("-" * len(header))
    for p in result.pages:
        name = p.file.rsplit("/", 1)[0] if p.file.endswith("source.html") else p.file
        ours = _fmt(p.ours) if p.ours else "-"
        base = _fmt(p.baseline) if p.baseline else "-"
        print(f"{p.category:<18} {name[-44:]:<44} {ours:>17} {base:>17} {p.seconds * 1000:>5.0f}  {p.check}")
    print()
    print(f"{'category':<18} {'pages':>5} {'ours F1':>8} {'baseline F1':>12}")
    for cat, (ours, base, n) in result.category_means().items():
        print(f"{cat:<18} {n:>5} {ours:>8.3f} {base:>12.3f}")
    slowest = max((p.seconds for p in result.pages), default=0.0)
    print(f"slowest page: {slowest * 1000:.0f} ms")
    ours, baseline, pages = result.ours_f1, result.baseline_f1, len(result.scored)
    print(f"extraction_f1={ours:.3f} baseline_f1={baseline:.3f} pages={pages}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages-dir", type=Path, default=DEFAULT_PAGES_DIR, help="folder with manifest.json")
    args = parser.parse_args(argv)
    manifest = args.pages_dir / "manifest.json"
    if not manifest.is_file():
        print(
            f"error: no benchmark pages at {args.pages_dir} (missing {manifest.name}); "
            "pass --pages-dir pointing at the saved pages folder (fixtures/pages with manifest.json)",
            file=sys.stderr,
        )
        return 2
    print_report(run_benchmark(args.pages_dir))
    return 0


def _fmt(s: Score) -> str:
    return f"{s.precision:.2f}/{s.recall:.2f}/{s.f1:.2f}"


def _mean(values: object) -> float:
    items = list(values)  # type: ignore[call-overload]
    return sum(items) / len(items) if items else 0.0


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def _is_sublist(needle: list[str], haystack: list[str]) -> bool:
    n = len(needle)
    return bool(needle) and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


if __name__ == "__main__":
    raise SystemExit(main())
