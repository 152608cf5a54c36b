"""The BM25 tokenizer and sparse vectors shared by the feature pipeline and the query path."""

import pytest

from llm_engineering.application.networks.sparse import (
    SparseEncoder,
    SparseEncoderConfig,
    get_sparse_encoder,
    term_id,
)
from llm_engineering.domain.sparse import SparseVector


@pytest.fixture(scope="module")
def encoder() -> SparseEncoder:
    return SparseEncoder()


def test_lowercases_drops_stop_words_and_stems(encoder: SparseEncoder) -> None:
    assert encoder.tokenize("The Embeddings are RUNNING in the pipelines") == ["embed", "run", "pipelin"]
    assert encoder.tokenize("it is what it was, and they're not") == []


def test_keeps_identifiers_whole_and_indexes_their_parts(encoder: SparseEncoder) -> None:
    assert encoder.tokenize("GPT-4 on Qdrant") == ["gpt-4", "gpt", "4", "qdrant"]
    assert encoder.tokenize("node.js, C++ and C#.") == ["node.js", "node", "js", "c++", "c#"]
    assert encoder.tokenize("set chunk_size") == ["set", "chunk_size", "chunk", "size"]
    assert encoder.tokenize("Fine-tuning") == ["fine-tune", "fine", "tune"]  # words stemmed inside too
    assert encoder.tokenize("version 3.5, released 2024-05-02.") == ["version", "3.5", "releas", "2024-05-02"]


def test_unicode_apostrophes_and_possessives(encoder: SparseEncoder) -> None:
    # NFKC reads mathematical bold letters as plain ones; curly apostrophes are straight ones.
    assert encoder.tokenize("𝗟𝗟𝗠 Twin’s author’s café don’t") == ["llm", "twin", "author", "café"]
    # letters of any script make words; case folding makes "STRASSE" and "Straße" one term
    assert encoder.tokenize("Übergröße STRASSE Straße Москва") == ["übergröss", "strass", "strass", "москва"]


def test_term_ids_are_stable_32_bit_hashes() -> None:
    assert term_id("qdrant") == term_id("qdrant") == 585620190  # pinned: a change re-indexes everything
    assert all(0 <= term_id(word) < 2**32 for word in ("a", "gpt-4", "ünïcode", "x" * 500))
    assert term_id("qdrant") != term_id("qdrant ")


def test_document_weights_saturate_with_term_frequency_and_length(encoder: SparseEncoder) -> None:
    once = encoder.encode_document("qdrant stores vectors").as_dict()
    twice = encoder.encode_document("qdrant qdrant stores vectors").as_dict()
    ten = encoder.encode_document(" ".join(["qdrant"] * 10) + " stores vectors").as_dict()
    qdrant = term_id("qdrant")
    assert once[qdrant] < twice[qdrant] < ten[qdrant] < encoder.config.k1 + 1  # saturates below k1 + 1
    assert ten[qdrant] - twice[qdrant] < 2 * (twice[qdrant] - once[qdrant])
    long = encoder.encode_document("qdrant " + " ".join(f"word{i}" for i in range(300))).as_dict()
    assert long[qdrant] < once[qdrant]  # the same single mention weighs less in a long document
    flat = SparseEncoder(SparseEncoderConfig(b=0)).encode_document("qdrant " + "other " * 300).as_dict()
    assert flat[qdrant] == pytest.approx(1.0)  # no length normalisation: tf 1 weighs 1


def test_query_vectors_weigh_each_distinct_term_once(encoder: SparseEncoder) -> None:
    query = encoder.encode_query("Qdrant qdrant QDRANT sparse vectors?")
    assert sorted(query.indices) == query.indices and len(query) == 3
    assert set(query.values) == {1.0}
    assert set(query.indices) == {term_id("qdrant"), term_id("spars"), term_id("vector")}
    assert encoder.encode_query("the of and") == SparseVector()
    assert encoder.encode_document("") == SparseVector()


def test_documents_and_queries_share_the_vocabulary(encoder: SparseEncoder) -> None:
    document = encoder.encode_document("Fine-tuning Llama models with LoRA adapters")
    query = encoder.encode_query("how do I fine-tune a llama model with a lora adapter")
    assert set(query.indices) <= set(document.indices)


def test_the_fingerprint_follows_the_settings() -> None:
    assert SparseEncoder().fingerprint == get_sparse_encoder().fingerprint
    assert SparseEncoder(SparseEncoderConfig(k1=2.0)).fingerprint != SparseEncoder().fingerprint
    assert get_sparse_encoder() is get_sparse_encoder()


def test_a_sparse_vector_rejects_mismatched_or_repeated_indices() -> None:
    with pytest.raises(ValueError, match="as many values as indices"):
        SparseVector(indices=[1, 2], values=[1.0])
    with pytest.raises(ValueError, match="unique"):
        SparseVector(indices=[1, 1], values=[1.0, 2.0])


def test_query_handling_drops_question_framing_and_weighs_exact_terms() -> None:
    encoder = SparseEncoder()
    question = "How many layers does the author say GPT-4 uses?"
    as_typed = encoder.encode_query(question).as_dict()
    handled = encoder.encode_query(question, drop_question_words=True, exact_term_weight=2.0).as_dict()
    framing = {term_id(term) for term in encoder.tokenize("many author say")}
    assert len(framing) == 3 and framing <= as_typed.keys() and not framing & handled.keys()
    assert handled[term_id("gpt-4")] == handled[term_id("4")] == 2.0
    assert handled[term_id("gpt")] == handled[term_id(encoder.tokenize("layers")[0])] == 1.0
    assert set(as_typed.values()) == {1.0}
