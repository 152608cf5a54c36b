"""Pure retrieval and prompt logic: name matching, rank fusion, scoring, the prompt file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_engineering.application.rag.config import FusionConfig, QueryHandling
from llm_engineering.application.rag.evaluation import (
    EvalQuestion,
    MethodScores,
    is_relevant,
    load_questions,
    score_rankings,
)
from llm_engineering.application.rag.search import fuse_ranked_lists
from llm_engineering.application.rag.self_query import match_author, normalize_name
from llm_engineering.application.rag.tuning import fusion_grid, query_handling_grid, win_share
from llm_engineering.domain.retrieval import RetrievedChunk
from llm_engineering.interfaces.schemas import MAX_PASSAGES_PER_SOURCE, sources_of
from llm_engineering.model.chat_template import DEFAULT_SYSTEM_PROMPT
from llm_engineering.model.inference.prompt import build_rag_prompt, load_template

AUTHORS = ["Maxime Labonne", "Paul Iusztin", "José Núñez"]
QUESTIONS_FILE = Path(__file__).resolve().parents[3] / "benchmarks" / "retrieval_questions.json"


def chunk(i: int, content: str = "text", link: str | None = None) -> RetrievedChunk:
    return RetrievedChunk(
        id=f"id{i}",
        link=link,
        content=content,
        author_full_name="A B",
        document_id="d",
        category="articles",
        score=0,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What does maxime LABONNE say about GPTQ?", "Maxime Labonne"),
        ("How does Labonne merge models?", "Maxime Labonne"),
        ("ask jose nunez about it", "José Núñez"),
        ("What did PAUL IUSZTIN write on RAG?", "Paul Iusztin"),
        ("What is a tensor?", None),
        ("Is Paul a good name?", None),  # a first name alone is too ambiguous
        ("Labonnes are birds", None),  # whole words only
    ],
)
def test_match_author_ignores_case_and_accents(text: str, expected: str | None) -> None:
    assert match_author(text, AUTHORS) == expected


def test_normalize_name_strips_accents_and_punctuation() -> None:
    assert normalize_name("  Núñez,  JOSÉ! ") == "nunez jose"


def test_rank_fusion_rewards_chunks_found_by_several_variants() -> None:
    first = [chunk(1), chunk(2), chunk(3)]
    second = [chunk(3), chunk(4)]
    fused = fuse_ranked_lists([first, second])
    assert [c.id for c in fused] == ["id3", "id1", "id2", "id4"]
    assert fused[0].score == pytest.approx(1 / 63 + 1 / 61)
    assert len({c.id for c in fused}) == len(fused)


def test_relevance_by_answer_key_ignores_markup_case_and_spacing() -> None:
    question = EvalQuestion(query="q", answer_key="50,257 tokens")
    assert is_relevant(chunk(1, "GPT-2 has **50,257\n  Tokens** in its vocabulary"), question)
    assert not is_relevant(chunk(2, "GPT-2 has 50,000 tokens"), question)
    by_link = EvalQuestion(query="q", relevant_links=["https://x/a"])
    assert is_relevant(chunk(3, "anything", link="https://x/a"), by_link)


def test_scores_hit_at_k_and_mrr() -> None:
    questions = [EvalQuestion(query="a", answer_key="yes"), EvalQuestion(query="b", answer_key="yes")]
    rankings = [[chunk(1, "no"), chunk(2, "yes")], [chunk(3, "no")] * 10 + [chunk(4, "yes")]]
    scores = score_rankings("m", questions, rankings)
    assert scores.hit_at[1] == 0.0
    assert scores.hit_at[5] == 0.5
    assert scores.hit_at[10] == 0.5
    assert scores.mrr_at_10 == pytest.approx(0.25)  # (1/2 + 0) / 2: rank 11 is past the cut-off


def test_a_question_without_target_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text(json.dumps([{"query": "no key"}]))
    with pytest.raises(ValueError, match="answer_key"):
        load_questions(path)
    with pytest.raises(FileNotFoundError):
        load_questions(tmp_path / "missing.json")


def test_the_project_question_set_has_a_tuning_and_a_larger_held_out_part() -> None:
    parts = load_questions(QUESTIONS_FILE)
    assert set(parts) == {"tuning", "held_out"}
    assert len(parts["tuning"]) >= 20 and len(parts["held_out"]) > len(parts["tuning"])
    assert len(parts["tuning"]) + len(parts["held_out"]) >= 100
    tuning_queries = {q.query for q in parts["tuning"]}
    assert not tuning_queries & {q.query for q in parts["held_out"]}


def test_prompt_numbers_the_sources_and_speaks_as_the_author() -> None:
    chunks = [
        chunk(1, "First passage.", link="https://a"),
        chunk(2, "Second {braces} passage.", link="https://b"),
    ]
    prompt = build_rag_prompt("What is it?", chunks, "Maxime Labonne")
    assert prompt.version == "rag_answer_v2"
    assert prompt.system == DEFAULT_SYSTEM_PROMPT  # the system prompt the twin was trained with
    assert "Maxime Labonne's voice" in prompt.user
    assert "[1] (https://a)\nFirst passage." in prompt.user
    assert "[2] (https://b)\nSecond {braces} passage." in prompt.user
    assert prompt.user.rstrip().endswith("Question: What is it?")
    with pytest.raises(FileNotFoundError, match="rag_answer_v2"):
        load_template("no_such_version")


def test_sources_list_each_document_once_with_its_best_passages() -> None:
    def passage(document: str, score: float, text: str) -> RetrievedChunk:
        return RetrievedChunk(
            id=f"{document}-{score}",
            link=f"https://example.com/{document}",
            content=text,
            author_full_name="A B",
            document_id=document,
            category="articles",
            score=score,
        )

    chunks = [
        passage("a", 0.9, "A's best."),
        passage("b", 0.8, "B's only."),
        passage("a", 0.5, "A's third."),
        passage("a", 0.7, "A's second."),
        passage("a", 0.1, "A's fourth " + "word " * 200),
    ]
    sources = sources_of(chunks)
    assert [source.link for source in sources] == ["https://example.com/a", "https://example.com/b"]
    assert sources[0].score == 0.9 and len(sources[0].passages) == MAX_PASSAGES_PER_SOURCE
    assert sources[0].passages == ["A's best.", "A's second.", "A's third."]
    assert sources[1].passages == ["B's only."]
    assert len(sources_of([chunks[-1]])[0].passages[0]) <= 300


def test_default_fusion_is_one_of_the_tuned_native_settings() -> None:
    grid = fusion_grid()
    assert FusionConfig() in grid
    assert {f.method for f in grid} == {"rrf", "dbsf"}
    assert FusionConfig().model_dump() == {
        "method": "rrf",
        "prefetch_limit": 10,
        "rrf_k": 1,
        "dense_weight": 1.0,
        "sparse_weight": 2.0,
    }


def test_default_query_handling_is_in_the_tuned_grid_and_reads_the_question_as_typed() -> None:
    assert QueryHandling() in query_handling_grid()
    assert QueryHandling() == QueryHandling(drop_question_words=False, exact_term_weight=1.0)


def scores_of(first_hits: list[int | None]) -> MethodScores:
    questions = [EvalQuestion(query=f"q{i}", answer_key="key") for i in range(len(first_hits))]
    rankings = [[chunk(j, "key" if j == rank else "other") for j in range(1, 11)] for rank in first_hits]
    return score_rankings("hybrid", questions, rankings)


def test_a_candidate_replaces_the_current_setting_only_when_it_wins_beyond_chance() -> None:
    current = scores_of([1, 2, 6, None] * 25)
    assert current.first_hits[:4] == [1, 2, 6, None]
    assert win_share(current, current) == 0.5  # every resample a tie
    better_everywhere = scores_of([1, 1, 1, 3] * 25)  # 50 questions move into the top 5 or up
    assert win_share(better_everywhere, current) > 0.99
    assert win_share(current, better_everywhere) < 0.01
    one_question_better = scores_of([1, 2, 6, None] * 24 + [1, 2, 1, None])
    share = win_share(one_question_better, current)
    assert 0.5 < share < 0.95  # one question of 100: not reliable
