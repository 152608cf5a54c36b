"""Per-sample evaluation records, their summary (the means that go to the model version), and saving both
next to the evaluated model."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from statistics import fmean

from pydantic import BaseModel

from llm_engineering.domain.likeness import AuthorLikenessReport
from llm_engineering.model.evaluation.judge import JudgeOutcome, Preference
from llm_engineering.model.evaluation.samples import EvaluationSet


class GeneratedAnswers(BaseModel):
    """The answers of the evaluated (twin) model and of its base model, in the test set's order."""

    model_dir: str
    model_kind: str
    base_model: str | None
    twin_answers: list[str]
    base_answers: list[str] | None
    eval_loss: float | None = None
    base_eval_loss: float | None = None
    generation_s: float = 0.0


class SimilarityScores(BaseModel):
    """Cosine similarity of each answer's embedding to the reference answer written from the author's texts."""

    embedding_model_id: str
    twin: list[float]
    base: list[float] | None


class EvaluationRecord(BaseModel):
    sample_id: str
    instruction: str
    reference_answer: str
    twin_answer: str
    base_answer: str | None = None
    twin_accuracy: int | None = None
    twin_style: int | None = None
    twin_analysis: str | None = None
    twin_judge_error: str | None = None
    base_accuracy: int | None = None
    base_style: int | None = None
    base_analysis: str | None = None
    base_judge_error: str | None = None
    pairwise_twin_first: bool | None = None
    pairwise_winner: Preference | None = None
    pairwise_analysis: str | None = None
    pairwise_error: str | None = None
    twin_similarity: float | None = None
    base_similarity: float | None = None
    twin_likeness: float | None = None
    base_likeness: float | None = None
    reference_likeness: float | None = None


class EvaluationSummary(BaseModel):
    model_dir: str
    dataset: str
    n_samples: int
    test_set_hash: str
    judge_model: str | None = None
    judge_n: int = 0
    judge_failed: int = 0
    judge_accuracy_mean: float | None = None
    judge_style_mean: float | None = None
    base_judge_n: int = 0
    base_judge_accuracy_mean: float | None = None
    base_judge_style_mean: float | None = None
    pairwise_n: int = 0
    twin_wins: int = 0
    base_wins: int = 0
    ties: int = 0
    win_rate: float | None = None  # (twin wins + half the ties) / pairwise comparisons judged
    eval_loss: float | None = None
    base_eval_loss: float | None = None
    similarity_mean: float | None = None
    base_similarity_mean: float | None = None
    embedding_model_id: str | None = None
    # Author likeness (calibrated probabilities that the author wrote the answers), with the author's own
    # held-out writing as the ceiling and other held-out writing as the floor.
    author_likeness_author: str | None = None
    author_likeness_twin: float | None = None
    author_likeness_base: float | None = None
    author_likeness_reference: float | None = None
    author_likeness_ceiling: float | None = None
    author_likeness_floor: float | None = None
    author_likeness_fingerprint: str | None = None
    results_dir: str | None = None

    def metadata(self) -> dict:
        """The figures for the model version's metadata (names prefixed so they sit apart from training's)."""
        values = self.model_dump(
            exclude={"model_dir", "dataset", "results_dir", "test_set_hash", "judge_model"}
        )
        # "n/a" rather than leaving a key out: metadata is merged per key, so an older run's figure would stay.
        metadata = {key: "n/a" if value is None else value for key, value in values.items()}
        metadata.update(
            eval_test_set_hash=self.test_set_hash,
            eval_judge_model=self.judge_model or "none",
            eval_model_dir=self.model_dir,
            eval_dataset=self.dataset,
        )
        if self.results_dir:
            metadata["eval_results_dir"] = self.results_dir
        return metadata

    def cli_line(self) -> str:
        figures = {
            "judge_accuracy_mean": self.judge_accuracy_mean,
            "judge_style_mean": self.judge_style_mean,
            "judge_n": self.judge_n,
            "base_judge_accuracy_mean": self.base_judge_accuracy_mean,
            "base_judge_style_mean": self.base_judge_style_mean,
            "win_rate": self.win_rate,
        }
        if self.judge_n == 0:
            figures.update(
                eval_loss=self.eval_loss,
                base_eval_loss=self.base_eval_loss,
                similarity=self.similarity_mean,
                base_similarity=self.base_similarity_mean,
            )
        figures.update(
            author_likeness_twin=self.author_likeness_twin,
            author_likeness_base=self.author_likeness_base,
            author_likeness_reference=self.author_likeness_reference,
            author_likeness_ceiling=self.author_likeness_ceiling,
            author_likeness_floor=self.author_likeness_floor,
        )
        return " ".join(f"{name}={_shown(value)}" for name, value in figures.items())


def _shown(value: float | int | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def _mean(values: Sequence[float | int | None]) -> float | None:
    present = [float(value) for value in values if value is not None]
    return round(fmean(present), 4) if present else None


def build_records(
    test_set: EvaluationSet,
    answers: GeneratedAnswers,
    judge: JudgeOutcome | None,
    similarity: SimilarityScores | None,
    likeness: AuthorLikenessReport | None = None,
) -> list[EvaluationRecord]:
    records = []
    for index, sample in enumerate(test_set.samples):
        record = EvaluationRecord(
            sample_id=sample.id,
            instruction=sample.instruction,
            reference_answer=sample.reference_answer,
            twin_answer=answers.twin_answers[index],
            base_answer=answers.base_answers[index] if answers.base_answers is not None else None,
        )
        if judge is not None and judge.judged:
            twin, base = judge.twin_scores[index], judge.base_scores[index]
            if twin is not None:
                record.twin_accuracy, record.twin_style, record.twin_analysis = (
                    twin.accuracy,
                    twin.style,
                    twin.analysis,
                )
            if base is not None:
                record.base_accuracy, record.base_style, record.base_analysis = (
                    base.accuracy,
                    base.style,
                    base.analysis,
                )
            record.twin_judge_error, record.base_judge_error = (
                judge.twin_errors[index],
                judge.base_errors[index],
            )
            if answers.base_answers is not None:
                record.pairwise_twin_first = judge.twin_first[index]
                record.pairwise_winner = judge.pairwise[index]
                record.pairwise_analysis = judge.pairwise_analyses[index]
                record.pairwise_error = judge.pairwise_errors[index]
        if similarity is not None:
            record.twin_similarity = similarity.twin[index]
            record.base_similarity = similarity.base[index] if similarity.base is not None else None
        if likeness is not None and likeness.measured:
            record.twin_likeness = likeness.twin[index]
            record.base_likeness = likeness.base[index] if likeness.base is not None else None
            record.reference_likeness = likeness.reference[index]
        records.append(record)
    return records


def summarize(
    records: Sequence[EvaluationRecord],
    test_set: EvaluationSet,
    answers: GeneratedAnswers,
    judge_model: str | None,
    embedding_model_id: str | None = None,
    likeness: AuthorLikenessReport | None = None,
) -> EvaluationSummary:
    scored = [record for record in records if record.twin_accuracy is not None]
    base_scored = [record for record in records if record.base_accuracy is not None]
    verdicts = [record.pairwise_winner for record in records if record.pairwise_winner is not None]
    wins, losses, ties = verdicts.count("twin"), verdicts.count("base"), verdicts.count("tie")
    summary = EvaluationSummary(
        model_dir=answers.model_dir,
        dataset=test_set.source,
        n_samples=len(records),
        test_set_hash=test_set.test_set_hash,
        judge_model=judge_model,
        judge_n=len(scored),
        judge_failed=sum(1 for record in records if record.twin_judge_error is not None),
        judge_accuracy_mean=_mean([record.twin_accuracy for record in scored]),
        judge_style_mean=_mean([record.twin_style for record in scored]),
        base_judge_n=len(base_scored),
        base_judge_accuracy_mean=_mean([record.base_accuracy for record in base_scored]),
        base_judge_style_mean=_mean([record.base_style for record in base_scored]),
        pairwise_n=len(verdicts),
        twin_wins=wins,
        base_wins=losses,
        ties=ties,
        win_rate=round((wins + 0.5 * ties) / len(verdicts), 4) if verdicts else None,
        eval_loss=answers.eval_loss,
        base_eval_loss=answers.base_eval_loss,
        similarity_mean=_mean([record.twin_similarity for record in records]),
        base_similarity_mean=_mean([record.base_similarity for record in records]),
        embedding_model_id=embedding_model_id,
    )
    if likeness is not None and likeness.measured:
        summary.author_likeness_author = likeness.author
        summary.author_likeness_twin = _mean([record.twin_likeness for record in records])
        summary.author_likeness_base = _mean([record.base_likeness for record in records])
        summary.author_likeness_reference = _mean([record.reference_likeness for record in records])
        summary.author_likeness_ceiling, summary.author_likeness_floor = likeness.ceiling, likeness.floor
        summary.author_likeness_fingerprint = likeness.fingerprint
    return summary


def save_results(records: Sequence[EvaluationRecord], summary: EvaluationSummary, directory: Path) -> Path:
    """`directory/dataset` (datasets `save_to_disk`), `results.jsonl` and `summary.json`; replaces an older
    evaluation in the same folder."""
    import datasets

    directory.mkdir(parents=True, exist_ok=True)
    rows = [record.model_dump(mode="json") for record in records]
    datasets.Dataset.from_list(rows).save_to_disk(str(directory / "dataset"))
    with (directory / "results.jsonl").open("w", encoding="utf-8") as file:
        for row in rows:
            file.write(json.dumps(row, ensure_ascii=False) + "\n")
    (directory / "summary.json").write_text(summary.model_dump_json(indent=2), encoding="utf-8")
    return directory
