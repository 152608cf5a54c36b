"""`eval-retrieval`: retrieval quality per search method on a question set, and tuning on its 'tuning' part."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from tools.cli_support import fail
from tools.commands.inference import require_feature_store

if TYPE_CHECKING:
    from llm_engineering.application.rag.tuning import Candidate, Stage

commands = typer.Typer()
DEFAULT_QUESTIONS = "benchmarks/retrieval_questions.json"
NOTHING_FOUND = (
    "  No method found a single answer: these questions are about another corpus. The default set is about "
    "the 76 shared handbook articles (import them with `poetry poe run-import-data-warehouse-from-json "
    "--input-dir <folder with ArticleDocument.json>`, then run the feature pipeline); for your own writing, "
    "pass --queries-file with questions whose answer_key is a phrase of the passage that answers them."
)


def _print_stage(title: str, stage: Stage, setting: Callable[[Candidate], dict]) -> None:
    typer.echo(f"{title}: the best on 'tuning' (hit@5, MRR@10):")
    for candidate in stage.ranked[:5]:
        typer.echo(
            f"  {candidate.scores.hit_at[5]:.3f} {candidate.scores.mrr_at_10:.3f}  {setting(candidate)}"
        )
    current = stage.current.scores
    verdict = "adopted" if stage.chosen is not stage.current else "not adopted, the current setting is kept"
    typer.echo(
        f"  current: {current.hit_at[5]:.3f} {current.mrr_at_10:.3f}  {setting(stage.current)}\n"
        f"  the best wins {stage.win_share:.0%} of bootstrap resamples against it (95% needed): {verdict}"
    )


@commands.command("eval-retrieval")
def eval_retrieval(
    queries_file: Path = typer.Option(
        Path(DEFAULT_QUESTIONS), help="Questions with answer_key/relevant_links."
    ),
    tune: bool = typer.Option(
        False, "--tune", help="First choose the query handling, then the fusion, on the 'tuning' part."
    ),
    rerank: bool = typer.Option(True, "--rerank/--no-rerank", help="Also score hybrid+rerank."),
    as_typed: bool = typer.Option(
        False, "--as-typed", help="BM25 queries as typed: keep question words, every term weight 1."
    ),
) -> None:
    """Hit@k and MRR@10 of dense, sparse (BM25), hybrid and hybrid+rerank search per question-set part."""
    from llm_engineering.application.rag import evaluation
    from llm_engineering.application.rag.config import RetrievalConfig

    try:
        parts = evaluation.load_questions(queries_file)
    except (FileNotFoundError, ValueError) as error:
        fail(str(error))
    require_feature_store()
    config = RetrievalConfig.from_settings()
    fusion, handling = config.fusion, evaluation.AS_TYPED if as_typed else config.query
    if tune:
        if "tuning" not in parts:
            fail(f"{queries_file} has no 'tuning' part to tune on (parts: {', '.join(parts)}).")
        from llm_engineering.application.rag.tuning import tune as tune_on

        result = tune_on(parts["tuning"], handling, fusion)
        _print_stage("Query handling", result.handling, lambda c: c.handling.model_dump())
        _print_stage("Then the fusion", result.fusion, lambda c: c.fusion.model_dump())
        handling, fusion = result.fusion.chosen.handling, result.fusion.chosen.fusion
    typer.echo(f"Query handling: {handling.model_dump()}\nFusion: {fusion.model_dump()}")
    for name, questions in parts.items():
        scores, skipped = evaluation.evaluate_methods(
            questions,
            fusion,
            config.reranker_model_id if rerank else None,
            config.rerank_candidates,
            handling,
        )
        typer.echo(f"\n{name} ({len(questions)} questions)")
        typer.echo(f"  {'method':<16} {'hit@1':>6} {'hit@5':>6} {'hit@10':>6} {'MRR@10':>7}")
        for s in scores:
            typer.echo(
                f"  {s.method:<16} {s.hit_at[1]:>6.3f} {s.hit_at[5]:>6.3f} {s.hit_at[10]:>6.3f} {s.mrr_at_10:>7.3f}"
            )
        if skipped:
            typer.echo(f"  hybrid+rerank skipped: {skipped}")
        if all(s.hit_at[10] == 0 for s in scores):
            typer.echo(NOTHING_FOUND)
