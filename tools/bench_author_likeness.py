"""Benchmark author likeness on the shared warehouse: how well the scorer tells each author's held-out
writing apart from the other author's and from LLM imitations.

    python -m tools.bench_author_likeness [--data-dir DIR] [--dataset FILE] [--holdout 0.3]

The export is imported into a fresh embedded warehouse in a temp folder. A fixed 30% of every author's
documents (chosen by document id) and of the shipped reference texts is held out; the scorer never sees it.
Per author, passage-level ROC AUC of:
- vs_other_author: the author's held-out passages against the other author's held-out passages;
- vs_llm: the author's held-out passages against the instruction dataset's test-split answers (an LLM's
  imitations written from the authors' texts), while the scorer saw only its train-split answers.
Two more settings show what each kind of fitting text brings: `shipped_llm_only` (no teacher answers: only
the LLM imitations the project ships) and `single_author` (no other author in the store: only the shipped
reference texts and imitations). The last line is machine-readable: the minimum AUCs over the authors.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path
from statistics import fmean

from tools.bench_support import isolate_zenml

SHARED_DIR = Path(os.environ.get("LLM_TWIN_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
DEFAULT_DATA_DIR = SHARED_DIR / "data" / "handbook" / "data_warehouse_raw_data"
DEFAULT_DATASET = SHARED_DIR / "data" / "handbook" / "artifacts" / "instruct_datasets.json"
TARGET_AUC = 0.90


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="folder with <Class>.json")
    parser.add_argument(
        "--dataset", type=Path, default=DEFAULT_DATASET, help="instruction dataset (imitations)"
    )
    parser.add_argument(
        "--holdout", type=float, default=0.3, help="share of each author's documents held out"
    )
    return parser.parse_args()


def auc(positives: list[float], negatives: list[float]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score([1] * len(positives) + [0] * len(negatives), positives + negatives))


def main() -> None:
    args = parse_args()
    for path in (args.data_dir, args.dataset):
        if not path.exists():
            raise SystemExit(f"{path} does not exist: set LLM_TWIN_SHARED_DIR to the shared data folder.")
    folder = Path(tempfile.mkdtemp(prefix="bench-likeness-"))
    isolate_zenml(folder)
    os.environ["DATABASE_HOST"] = str(folder / "warehouse")
    os.environ["DATABASE_NAME"] = "bench_likeness"
    try:
        run(args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    from llm_engineering.application.dataset.io import load_dataset_dict
    from llm_engineering.application.likeness.corpus import known_authors, store_documents
    from llm_engineering.application.likeness.fitting import fit_author_scorer
    from tools.data_warehouse import import_from_json

    import_from_json(args.data_dir)
    documents = store_documents()
    splits = load_dataset_dict(args.dataset, "instruct")
    teacher_train = [str(answer) for answer in splits["train"]["answer"] if answer]
    imitations = [str(answer) for answer in splits["test"]["answer"] if answer]
    minimum = {"vs_other_author": 1.0, "vs_llm": 1.0}
    settings = {
        "full": {"teacher_answers": teacher_train},
        "shipped_llm_only": {},
        "single_author": {"include_other_authors": False},
    }
    for author in known_authors(documents):
        for setting, options in settings.items():
            started = time.perf_counter()
            fitted = fit_author_scorer(author, documents, holdout_fraction=args.holdout, **options)
            fit_s = time.perf_counter() - started
            scorer, held = fitted.scorer, fitted.held_out
            own = scorer.passage_probabilities(held.author)
            others = scorer.passage_probabilities(held.other_authors)
            llm = scorer.score(imitations)
            figures = {"vs_other_author": auc(own, others), "vs_llm": auc(own, llm)}
            if setting == "full":
                minimum = {key: min(minimum[key], value) for key, value in figures.items()}
            print(
                f"{author} [{setting}]: auc_vs_other_author={figures['vs_other_author']:.3f} "
                f"auc_vs_llm={figures['vs_llm']:.3f} | mean likeness: own held-out {fmean(own):.3f} "
                f"({len(own)} passages), other author {fmean(others):.3f} ({len(others)}), "
                f"LLM imitations {fmean(llm):.3f} ({len(llm)}) | fit {fit_s:.1f} s on "
                f"{scorer.passages_per_kind}"
            )
    met = all(value >= TARGET_AUC for value in minimum.values())
    print(f"Target AUC >= {TARGET_AUC} on both for every author: {'met' if met else 'NOT met'}.")
    print(f"auc_vs_other_author_min={minimum['vs_other_author']:.3f} auc_vs_llm_min={minimum['vs_llm']:.3f}")


if __name__ == "__main__":
    main()
