"""What `generate-datasets` prints: the dry run's prompts and estimate, and a finished run's summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from tools.cli_support import fail, step_output, step_output_metadata

if TYPE_CHECKING:
    from pipelines.config import DatasetsConfig


def dry_run_prompts(config: DatasetsConfig, show: int) -> None:
    """Build the prompts from the feature store as the pipeline would and print them; no LLM call."""
    from llm_engineering.application.dataset.extracts import make_extracts
    from llm_engineering.application.dataset.prompting import (
        EXPECTED_OUTPUT_TOKENS,
        build_prompts,
        estimate_prompt_tokens,
    )
    from llm_engineering.application.dataset.sources import NoCleanedDocuments, fetch_cleaned_documents
    from llm_engineering.domain.exceptions import DocumentNotFoundError
    from llm_engineering.infrastructure.llm import LLMClientConfig

    kind, settings = config.dataset_type, config.extracts
    try:
        documents = fetch_cleaned_documents(config.author_full_names)
        extracts, too_short = make_extracts(
            documents.documents, settings.min_chars, settings.max_chars, settings.min_document_chars
        )
    except (NoCleanedDocuments, DocumentNotFoundError) as error:
        fail(str(error))
    prompts = build_prompts(extracts, kind)
    for number, prompt in enumerate(prompts[:show], start=1):
        typer.echo(
            f"--- prompt {number}/{len(prompts)} ({prompt.extract.author_full_name}, {prompt.extract.link})"
        )
        for message in prompt.messages:
            typer.echo(f"[{message.role}]\n{message.content}")
    input_tokens = estimate_prompt_tokens(prompts)
    output_tokens = len(prompts) * EXPECTED_OUTPUT_TOKENS[kind]
    typer.echo(
        f"Dry run: {len(prompts)} prompts from {len(documents.documents)} documents ({too_short} too short); "
        f"about {input_tokens:,} input and {output_tokens:,} output tokens (4 characters a token). No call made."
    )
    config = LLMClientConfig.from_settings()
    cost = config.cost_usd(input_tokens, output_tokens)
    if cost is not None:
        typer.echo(f"Estimated cost with {config.model}: ${cost:.4f}")


def print_generation_summary(run: Any) -> None:
    stats = step_output(run, "generate", "generation_stats")
    curated = step_output_metadata(run, "curate", "curated_train")
    saved = step_output_metadata(run, "save", "dataset")
    train, test = saved.get("train") or {}, saved.get("test") or {}
    typer.echo(
        f"Saved the {saved.get('dataset_type')} dataset: {train.get('count', 0)} train / {test.get('count', 0)} "
        f"test samples -> {saved.get('output_dir')}"
        + (f" (pushed to {saved['pushed_to']})" if saved.get("pushed_to") else "")
    )
    for line in stats.lines():
        typer.echo(line)
    counts = curated.get("counts") or {}
    removed = ", ".join(f"{k}={v}" for k, v in counts.items() if v and k not in {"kept", "removed", "total"})
    typer.echo(
        f"Curation (train): kept {counts.get('kept', 0)} of {counts.get('total', 0)}; removed: {removed or 'none'}"
    )
    for example in stats.failure_examples:
        typer.echo(f"  lost: {example}")
