from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.dataset.extracts import ExtractSettings, make_extracts
from llm_engineering.application.dataset.prompting import (
    GenerationPrompts,
    build_prompts,
    estimate_prompt_tokens,
)
from llm_engineering.application.dataset.sources import SourceDocuments
from llm_engineering.application.dataset.summaries import count_by_author_and_category
from llm_engineering.domain.dataset import DatasetType


@step
def create_prompts(
    cleaned_documents: SourceDocuments,
    dataset_type: DatasetType,
    extracts: ExtractSettings,
) -> Annotated[GenerationPrompts, "prompts"]:
    """One prompt per extract of the cleaned documents (cut at paragraph or sentence boundaries)."""
    kind = DatasetType(dataset_type)
    settings = extracts
    extracts, too_short = make_extracts(
        cleaned_documents.documents, settings.min_chars, settings.max_chars, settings.min_document_chars
    )
    prompts = GenerationPrompts(
        dataset_type=kind, prompts=build_prompts(extracts, kind), too_short_documents=too_short
    )
    metadata = count_by_author_and_category(extracts)
    metadata.update(
        too_short_documents=too_short,
        estimated_input_tokens=estimate_prompt_tokens(prompts.prompts),
        extract_chars={"min": settings.min_chars, "max": settings.max_chars},
    )
    get_step_context().add_output_metadata(output_name="prompts", metadata=metadata)
    return prompts
