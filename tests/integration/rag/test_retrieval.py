"""ContextRetriever on a small corpus indexed by the real feature pipeline into Qdrant local mode."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llm_engineering.application.rag.config import RetrievalConfig, SearchMethod
from llm_engineering.application.rag.retriever import ContextRetriever
from llm_engineering.application.rag.search import encode_queries, search
from llm_engineering.domain.exceptions import UnknownAuthor


@pytest.fixture
def retriever(indexed_corpus: Path) -> ContextRetriever:
    return ContextRetriever(RetrievalConfig(reranking=False, expand_to_n_queries=1), llm=None)


def test_hybrid_search_puts_the_passage_with_the_detail_first(retriever: ContextRetriever) -> None:
    chunks = retriever.search("How many directed edges does the karate club edge index hold?", k=3)
    assert chunks[0].link == "https://example.com/maxime/graphs"
    assert "156 directed edges" in chunks[0].content
    assert chunks[0].author_full_name == "Maxime Labonne"
    assert chunks[0].category == "articles" and chunks[0].document_id
    assert [c.score for c in chunks] == sorted((c.score for c in chunks), reverse=True)


def test_each_method_finds_an_exact_detail(retriever: ContextRetriever) -> None:
    (vectors,) = encode_queries(["Which step runs in FP32 with mixed precision?"])
    for method in SearchMethod:
        results = search(vectors, method, limit=2)
        assert results[0].link == "https://example.com/zoe/vram", method


def test_an_author_named_in_the_question_filters_case_and_accent_blind(retriever: ContextRetriever) -> None:
    result = retriever.retrieve("What does zoe nunez write about quantization?", k=4)
    assert result.trace.author_full_name == "Zoé Núñez"
    assert result.trace.author_source == "question"
    assert result.chunks and {c.author_full_name for c in result.chunks} == {"Zoé Núñez"}


def test_a_given_author_filters_and_an_unknown_one_is_an_error_naming_the_known(
    retriever: ContextRetriever,
) -> None:
    chunks = retriever.search("quantization bits", k=5, author_full_name="maxime labonne")
    assert chunks and {c.author_full_name for c in chunks} == {"Maxime Labonne"}
    with pytest.raises(UnknownAuthor, match="Ada Nobody") as raised:
        retriever.search("quantization bits", k=5, author_full_name="Ada Nobody")
    assert "Maxime Labonne" in str(raised.value)


def test_k_and_an_empty_query_are_checked(retriever: ContextRetriever) -> None:
    assert len(retriever.search("streaming pipeline", k=1)) == 1
    with pytest.raises(ValueError, match="empty"):
        retriever.search("   ")
    with pytest.raises(ValueError, match="between 1 and 50"):
        retriever.search("streaming", k=51)


def test_reranking_reorders_candidates_with_a_tiny_cross_encoder(
    indexed_corpus: Path, tiny_cross_encoder: Path
) -> None:
    config = RetrievalConfig(reranking=True, reranker_model_id=str(tiny_cross_encoder), expand_to_n_queries=1)
    result = ContextRetriever(config, llm=None).retrieve("quantization of weights to bits", k=2)
    assert result.trace.reranked
    assert len(result.chunks) == 2
    assert result.chunks[0].score >= result.chunks[1].score


def test_retrieve_cli_answers_a_file_of_queries_in_order(indexed_corpus: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tools.run import app

    queries = tmp_path / "queries.json"
    queries.write_text(
        json.dumps([{"query": "edges of the karate club graph", "id": 1}, {"query": "mixed precision FP32"}])
    )
    output = tmp_path / "out" / "results.json"
    result = CliRunner().invoke(
        app, ["retrieve", "--queries-file", str(queries), "--output", str(output), "--k", "2"]
    )
    assert result.exit_code == 0, result.output
    written = json.loads(output.read_text())
    assert [item["query"] for item in written] == ["edges of the karate club graph", "mixed precision FP32"]
    assert written[0]["results"][0]["link"] == "https://example.com/maxime/graphs"
    assert written[1]["results"][0]["link"] == "https://example.com/zoe/vram"
    assert written[1]["results"][0]["title"] == "Saving GPU memory when fine-tuning"
    assert len(written[1]["results"]) == 2

    one = CliRunner().invoke(app, ["retrieve", "--query", "edges of the karate club graph", "--k", "1"])
    assert one.exit_code == 0, one.output
    assert 'Maxime Labonne: "Graph neural networks" (example) https://example.com/maxime/graphs' in one.output

    bad = CliRunner().invoke(app, ["retrieve", "--queries-file", str(queries)])
    assert bad.exit_code == 1 and "--output" in bad.output


def test_eval_retrieval_cli_prints_each_method(indexed_corpus: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tools.run import app

    questions = tmp_path / "questions.json"
    questions.write_text(
        json.dumps(
            {
                "tuning": [
                    {"query": "How many directed edges in the karate club?", "answer_key": "156 directed"}
                ],
                "held_out": [
                    {
                        "query": "Which queue feeds the streaming pipeline?",
                        "relevant_links": ["https://example.com/zoe/streaming"],
                    }
                ],
            }
        )
    )
    result = CliRunner().invoke(app, ["eval-retrieval", "--queries-file", str(questions), "--no-rerank"])
    assert result.exit_code == 0, result.output
    for line in ("tuning (1 questions)", "held_out (1 questions)", "dense", "sparse", "hybrid"):
        assert line in result.output
    assert "another corpus" not in result.output
    assert "hybrid+rerank skipped: no reranker configured" in result.output
    hybrid_rows = [line.split() for line in result.output.splitlines() if line.strip().startswith("hybrid ")]
    assert all(row[-1] == "1.000" for row in hybrid_rows)  # the right passage first for both questions

    elsewhere = tmp_path / "other_corpus.json"
    elsewhere.write_text(json.dumps([{"query": "Which cheese ages longest?", "answer_key": "parmigiano"}]))
    result = CliRunner().invoke(app, ["eval-retrieval", "--queries-file", str(elsewhere), "--no-rerank"])
    assert result.exit_code == 0 and "all (1 questions)" in result.output
    assert "No method found a single answer: these questions are about another corpus" in result.output


def test_tuning_keeps_the_current_setting_without_a_reliable_win(retriever: ContextRetriever) -> None:
    from llm_engineering.application.rag.config import FusionConfig, QueryHandling
    from llm_engineering.application.rag.evaluation import EvalQuestion
    from llm_engineering.application.rag.tuning import fusion_grid, query_handling_grid, tune

    questions = [
        EvalQuestion(query="How many directed edges does the karate club edge index hold?", answer_key="156"),
        EvalQuestion(query="Which step runs in FP32 with mixed precision?", answer_key="FP32"),
    ]
    result = tune(questions, QueryHandling(), FusionConfig())
    assert len(result.handling.ranked) == len(query_handling_grid())
    assert len(result.fusion.ranked) == len(fusion_grid())  # the current fusion is one of the grid's
    for stage in (result.handling, result.fusion):
        keys = [(c.scores.hit_at[5], c.scores.mrr_at_10) for c in stage.ranked]
        assert keys == sorted(keys, reverse=True)
        assert stage.current.scores.hit_at[5] == 1.0  # both details are found as things are
        assert stage.chosen is stage.current and stage.win_share < 0.95  # two questions prove nothing
    assert result.fusion.current.handling == QueryHandling()
