from typing import Annotated

from zenml import get_step_context, step

from llm_engineering.application.networks.embeddings import get_embedding_model
from llm_engineering.model.evaluation.results import GeneratedAnswers, SimilarityScores
from llm_engineering.model.evaluation.samples import EvaluationSet
from llm_engineering.model.evaluation.similarity import cosine_similarities


@step
def embedding_similarity(
    test_set: EvaluationSet, answers: GeneratedAnswers
) -> Annotated[SimilarityScores, "similarity"]:
    """Judge-free: each answer's embedding similarity to the reference answer (written from the author's own
    texts), for the twin and the base model side by side."""
    model = get_embedding_model()
    references = model.encode([sample.reference_answer for sample in test_set.samples])
    twin = cosine_similarities(model.encode(answers.twin_answers), references)
    base = (
        cosine_similarities(model.encode(answers.base_answers), references) if answers.base_answers else None
    )
    scores = SimilarityScores(embedding_model_id=model.model_id, twin=twin, base=base)
    get_step_context().add_output_metadata(
        output_name="similarity",
        metadata={
            "embedding_model_id": model.model_id,
            "twin_mean": round(sum(twin) / len(twin), 4) if twin else "n/a",
            "base_mean": round(sum(base) / len(base), 4) if base else "n/a",
        },
    )
    return scores
