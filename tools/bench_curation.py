"""Curation quality on a dirty set built from the shared instruction dataset: precision and recall of the
removals, per MinHash shingle size and Jaccard threshold, and per kind of injected fault.

The clean base is the shared train split's samples with a unique instruction that is not in the test split
(so the base itself holds no duplicates or contamination by construction). Injected: exact duplicates (case,
punctuation, whitespace changed), near duplicates (a few words deleted, replaced or inserted), contamination
(test samples, as is or lightly edited) and bad samples (refusals, empty or too short answers, answers that
restate the instruction, instructions that mention the extract). Run: `python -m tools.bench_curation`.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

from llm_engineering.application.dataset.curation import CurationConfig, CurationItem, curate
from llm_engineering.application.dataset.curation.text import normalize

SHARED_DIR = Path(os.environ.get("LLM_TWIN_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
DEFAULT_SOURCE = SHARED_DIR / "data" / "handbook" / "artifacts" / "instruct_datasets.json"
FAULTS = ("exact_duplicate", "near_duplicate", "contamination", "bad_sample")


def light_edit(text: str, rng: random.Random, edits: int) -> str:
    """`edits` word-level changes: delete a word, replace it with another word of the text, or repeat it."""
    tokens = text.split()
    for _ in range(edits):
        if len(tokens) < 4:
            break
        position = rng.randrange(len(tokens))
        operation = rng.choice(("delete", "replace", "insert"))
        if operation == "delete":
            del tokens[position]
        elif operation == "replace":
            tokens[position] = rng.choice(tokens)
        else:
            tokens.insert(position, rng.choice(("really", "also", "quite", "indeed", "clearly")))
    return " ".join(tokens)


def surface_change(text: str, rng: random.Random) -> str:
    text = text.upper() if rng.random() < 0.3 else text.lower()
    return "  " + text.replace(",", " ,").replace(".", " . ") + "!"


def bad_sample(sample: dict, rng: random.Random) -> dict:
    kind = rng.randrange(6)
    instruction, answer = sample["instruction"], sample["answer"]
    if kind == 0:
        answer = "As an AI language model, I cannot write about this topic. " + answer[:80]
    elif kind == 1:
        answer = ""
    elif kind == 2:
        answer = "Yes, it does."
    elif kind == 3:
        answer = instruction
    elif kind == 4:
        instruction = f"According to the extract, {instruction[0].lower()}{instruction[1:]}"
    else:
        answer = "I'm sorry, but I don't have access to that information."
    return {"instruction": instruction, "answer": answer}


def build_dirty_set(
    source: Path = DEFAULT_SOURCE, base_size: int = 600, per_fault: int = 60, seed: int = 7
) -> tuple[list[CurationItem], list[CurationItem], list[str | None]]:
    """(train items, eval items, the injected fault of each train item or None for a clean one)."""
    data = json.loads(source.read_text(encoding="utf-8"))
    rng = random.Random(seed)
    test = [s for block in data["test"].values() for s in block["samples"]]
    test_instructions = {normalize(s["instruction"]) for s in test}
    seen: set[str] = set()
    base = []
    for sample in (s for block in data["train"].values() for s in block["samples"]):
        key = normalize(sample["instruction"])
        if key not in seen and key not in test_instructions:
            seen.add(key)
            base.append(sample)
    base = rng.sample(base, base_size)
    rows: list[tuple[dict, str | None]] = [(s, None) for s in base]
    for _ in range(per_fault):
        original = rng.choice(base)
        rows.append(
            (
                {
                    "instruction": surface_change(original["instruction"], rng),
                    "answer": surface_change(original["answer"], rng),
                },
                "exact_duplicate",
            )
        )
        original = rng.choice(base)
        edited = {
            "instruction": light_edit(original["instruction"], rng, rng.randint(0, 2)),
            "answer": light_edit(original["answer"], rng, rng.randint(2, 10)),
        }
        rows.append((edited, "near_duplicate"))
        leaked = rng.choice(test)
        leaked_instruction = light_edit(leaked["instruction"], rng, rng.randint(0, 2))
        rows.append(
            (
                {
                    "instruction": leaked_instruction,
                    "answer": light_edit(leaked["answer"], rng, rng.randint(0, 8)),
                },
                "contamination",
            )
        )
        rows.append((bad_sample(rng.choice(base), rng), "bad_sample"))
    # Injected copies come after their originals (the first occurrence is the one kept).
    injected = rows[base_size:]
    rng.shuffle(injected)
    rows = rows[:base_size] + injected
    items = [
        CurationItem(id=str(n), instruction=r["instruction"], answer=r["answer"])
        for n, (r, _) in enumerate(rows)
    ]
    eval_items = [CurationItem(instruction=s["instruction"], answer=s["answer"]) for s in test]
    return items, eval_items, [fault for _, fault in rows]


def precision_recall(
    config: CurationConfig, items, eval_items, faults
) -> tuple[float, float, dict[str, float]]:
    removed = {entry.index for entry in curate(items, config, eval_items).removed}
    dirty = {n for n, fault in enumerate(faults) if fault}
    true_positives = len(removed & dirty)
    precision = true_positives / len(removed) if removed else 1.0
    recall = true_positives / len(dirty)
    per_fault = {}
    for fault in FAULTS:
        members = {n for n, f in enumerate(faults) if f == fault}
        per_fault[fault] = len(removed & members) / len(members)
    return precision, recall, per_fault


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    if not source.is_file():
        sys.exit(f"{source} is absent: pass the path of the handbook's instruct_datasets.json.")
    items, eval_items, faults = build_dirty_set(source)
    print(
        f"dirty set: {len(items)} samples ({sum(f is not None for f in faults)} injected), eval {len(eval_items)}"
    )
    print("shingle_words threshold precision recall " + " ".join(FAULTS))
    for shingle_words in (1, 2, 3, 5):
        for threshold in (0.5, 0.6, 0.7, 0.8, 0.9):
            config = CurationConfig(
                shingle_words=shingle_words, near_duplicate_jaccard=threshold, contamination_jaccard=threshold
            )
            precision, recall, per_fault = precision_recall(config, items, eval_items, faults)
            detail = " ".join(f"{per_fault[f]:.2f}" for f in FAULTS)
            print(f"{shingle_words} {threshold:.1f} {precision:.3f} {recall:.3f} {detail}")


if __name__ == "__main__":
    main()
