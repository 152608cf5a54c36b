from typing import Annotated

from loguru import logger
from zenml import get_step_context, step

from llm_engineering.application.likeness.corpus import author_to_measure, store_documents
from llm_engineering.application.likeness.excerpts import author_excerpt_pool, retrieve_excerpts
from llm_engineering.domain.likeness import StyleReferences
from llm_engineering.model.evaluation.samples import EvaluationSet


@step
def retrieve_style_excerpts(
    test_set: EvaluationSet, author_full_name: str | None = None, excerpts_per_instruction: int = 3
) -> Annotated[StyleReferences, "style_references"]:
    """Per instruction, short excerpts of the author's own writing retrieved for it: the judge scores style
    against them. None (the judge's generic style rubric) when there is no author to take them from."""
    documents = store_documents()
    author, reason = author_to_measure(author_full_name, documents)
    if author is None:
        logger.warning(f"No style excerpts for the judge (generic style rubric): {reason}")
        get_step_context().add_output_metadata(output_name="style_references", metadata={"author": "none"})
        return StyleReferences(reason=reason, excerpts=[[] for _ in test_set.samples])
    pool = author_excerpt_pool(author, documents)
    excerpts = retrieve_excerpts(test_set.instructions, pool, excerpts_per_instruction)
    get_step_context().add_output_metadata(
        output_name="style_references",
        metadata={"author": author, "pool_passages": len(pool), "per_instruction": excerpts_per_instruction},
    )
    return StyleReferences(author=author, excerpts=excerpts)
