"""CLI command of the author-likeness capability; tools/run.py adds it to the one CLI."""

from __future__ import annotations

from pathlib import Path

import typer

from tools.cli_support import fail

commands = typer.Typer()


def teacher_answers(dataset: str | None) -> list[str]:
    """The train split's answers of an instruction dataset (LLM-written from the author's texts)."""
    if not dataset:
        return []
    from llm_engineering.application.dataset.io import load_dataset_dict

    try:
        splits = load_dataset_dict(dataset, "instruct")
    except (FileNotFoundError, ValueError) as error:
        fail(f"--teacher-dataset: {error}")
    return [str(answer) for answer in splits["train"]["answer"] if answer]


@commands.command("author-likeness")
def author_likeness(
    author: str = typer.Option(..., "--author", help="The author's full name, as stored in the warehouse."),
    input: Path = typer.Option(..., "--input", help='JSON Lines, one {"id", "text"} per line.'),
    output: Path = typer.Option(..., "--output", help='JSON Lines, one {"id", "author_likeness"} per line.'),
    teacher_dataset: str | None = typer.Option(
        None,
        "--teacher-dataset",
        help="Optional instruction dataset whose answers an LLM wrote from the author's texts; its train "
        "split is added to the LLM writing the author is told apart from.",
    ),
) -> None:
    """Score how much each text reads like AUTHOR: a calibrated probability in [0, 1] per text."""
    from llm_engineering.application.likeness.corpus import store_documents
    from llm_engineering.application.likeness.fitting import fit_author_scorer
    from llm_engineering.application.likeness.jsonl import read_scoring_inputs, write_scores
    from llm_engineering.domain.exceptions import UnknownAuthor
    from llm_engineering.infrastructure.jsonl import MalformedLine

    try:
        inputs = read_scoring_inputs(input)
    except (FileNotFoundError, MalformedLine) as error:
        fail(str(error))
    if not inputs:
        fail(f"{input} holds no texts to score.")
    try:
        fitted = fit_author_scorer(author, store_documents(), teacher_answers(teacher_dataset))
    except (UnknownAuthor, ValueError) as error:
        fail(str(error))
    scores = fitted.scorer.score([item.text for item in inputs])
    write_scores(inputs, scores, output)
    counts = ", ".join(f"{kind} {count}" for kind, count in fitted.scorer.passages_per_kind.items())
    typer.echo(f"Scorer for {author} fitted on passages: {counts} (fingerprint {fitted.scorer.fingerprint}).")
    typer.echo(f"Scores: {output}")
    typer.echo(f"author_likeness_mean={sum(scores) / len(scores):.4f} n={len(scores)}")
