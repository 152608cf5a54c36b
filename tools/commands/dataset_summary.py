"""What `generate-datasets` prints: the dry run's prompts and estimate, and a finished run's summary."""

from __future__ import annotations

from typing import Any

import typer

from tools.cli_support import fail, step_output_metadata


def dry_run_prompts(data: dict[str, Any], show: int) -> None:
    """Build the prompts from the feature store as the pipeline would and print them; no LLM call."""
    from llm_engineering.application.dataset.extracts import make_extracts
    from llm_engineering.application.dataset.prompting import (
        EXPECTED_OUTPUT_TOKENS,
        build_prompts,
        estimate_prompt_tokens,
    )
    from llm_engineering.application.dataset.sources import NoCleanedDocuments, fetch_cleaned_documents
    from llm_engineering.domain.dataset import DatasetType
    from llm_engineering.domain.exceptions import DocumentNotFoundError
    from llm_engineering.infrastructure.llm import LLMClientConfig

    parameters = data.get("parameters") or {}
    step_parameters = ((data.get("steps") or {}).get("create_prompts") or {}).get("parameters") or {}
    try:
        kind = DatasetType(parameters["dataset_type"])  # decided by the command (--dataset-type)
        documents = fetch_cleaned_documents(parameters.get("author_full_names"))
        extracts, too_short = make_extracts(
            documents.documents,
            min_chars=step_parameters.get("extract_min_chars", 1000),
            max_chars=step_parameters.get("extract_max_chars", 2000),
            min_document_chars=step_parameters.get("min_document_chars", 200),
        )
    except (NoCleanedDocuments, DocumentNotFoundError, ValueError, TypeError) as error:
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


def generation_counts_line(generated: dict[str, Any]) -> str:
    """'Prompts: P, answered A (C from the cache), lost L (...)': A + L = P and C <= A."""
    failures = ", ".join(f"{k}={v}" for k, v in (generated.get("failures_by_reason") or {}).items())
    lost = generated.get("failed", 0)
    earlier = generated.get("failed_from_cache", 0)
    detail = [failures] if failures else []
    if earlier:
        detail.append(f"{earlier} failed in an earlier run; --retry-failed asks them again")
    return (
        f"Prompts: {generated.get('prompts', 0)}, answered {generated.get('answered', 0)} "
        f"({generated.get('from_cache', 0)} from the cache), lost {lost}"
        + (f" ({'; '.join(detail)})" if lost else "")
    )


def print_generation_summary(run: Any) -> None:
    generated = step_output_metadata(run, "generate", "generated_samples")
    curated = step_output_metadata(run, "curate", "curated_train")
    saved = step_output_metadata(run, "save", "dataset")
    usage = generated.get("usage") or {}
    train, test = saved.get("train") or {}, saved.get("test") or {}
    typer.echo(
        f"Saved the {saved.get('dataset_type')} dataset: {train.get('count', 0)} train / {test.get('count', 0)} "
        f"test samples -> {saved.get('output_dir')}"
        + (f" (pushed to {saved['pushed_to']})" if saved.get("pushed_to") else "")
    )
    typer.echo(generation_counts_line(generated))
    cost = usage.get("cost_usd")
    typer.echo(
        f"LLM ({generated.get('model')}): {usage.get('requests', 0)} requests, {usage.get('retries', 0)} retries, "
        f"{usage.get('reasks', 0)} re-asks, {usage.get('input_tokens', 0):,} input / "
        f"{usage.get('output_tokens', 0):,} output tokens, "
        + (f"${cost:.4f}" if cost is not None else "cost unknown (set OPENAI_PRICE_PER_1M_*_TOKENS)")
    )
    counts = curated.get("counts") or {}
    removed = ", ".join(f"{k}={v}" for k, v in counts.items() if v and k not in {"kept", "removed", "total"})
    typer.echo(
        f"Curation (train): kept {counts.get('kept', 0)} of {counts.get('total', 0)}; removed: {removed or 'none'}"
    )
    for example in generated.get("failure_examples") or []:
        typer.echo(f"  lost: {example}")
