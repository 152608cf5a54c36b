"""A tiny corpus of cleaned documents by two authors, and a loopback teacher that answers from the extract
in its prompt, as a real one would: instructions about its sentences, answers and excerpts from them."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any

from llm_engineering.domain.cleaned_documents import CleanedDocument
from tests.support.openai_server import Reply

AUTHORS = ("Ada Writer", "Ben Blogger")
TEXTS = [
    (
        "Ada Writer",
        "articles",
        "Quantization stores every weight in fewer bits, so a seven billion parameter model fits on a laptop. "
        "The trick costs a little accuracy, which most chat applications never notice.\n\n"
        "Gradient checkpointing trades compute for memory by recomputing activations during the backward pass. "
        "Long sequences become trainable on a single consumer graphics card that way.\n\n"
        "Learning rate warmup protects fresh adapters from exploding updates in the first hundred steps. "
        "Cosine decay afterwards lets the loss settle smoothly toward the end of training.",
    ),
    (
        "Ada Writer",
        "posts",
        "Evaluation sets must never leak into training data, or every benchmark number becomes a lie. "
        "Deduplicate with MinHash before splitting, and split by source document rather than by sample. "
        "Judges built from large models are useful, yet they prefer verbose answers over correct short ones. "
        "Calibrate a judge against twenty human ratings before trusting its scores on thousands of outputs. "
        "Nothing replaces reading one hundred raw generations with your own eyes every week.",
    ),
    (
        "Ben Blogger",
        "articles",
        "Retrieval pipelines fail quietly when chunk boundaries cut tables and code blocks in half. "
        "Hybrid search mixes sparse keyword scores with dense vectors, rescuing rare product names. "
        "Reciprocal rank fusion needs no score calibration, which explains its popularity in production. "
        "Rerankers read the query and passage together, so they catch negations that embeddings miss. "
        "Caching frequent queries cut our median latency from nine hundred milliseconds to sixty.",
    ),
    (
        "Ben Blogger",
        "posts",
        "Streaming feature pipelines keep the vector store fresh within seconds of a new blog post. "
        "Batch jobs remain simpler to operate, and most teams should start with a nightly run. "
        "Change data capture from MongoDB feeds a queue that a small worker drains continuously. "
        "Idempotent upserts mean a crashed worker can restart without duplicating a single point. "
        "Monitoring queue lag tells you about trouble long before users complain in the support channel.",
    ),
]


def insert_corpus() -> list[str]:
    """Write the documents into the feature store's cleaned collections; returns their ids."""
    ids = []
    for n, (author, category, text) in enumerate(TEXTS):
        document_id = uuid.UUID(int=n + 1, version=4)
        document = CleanedDocument(
            id=document_id,
            category=category,
            content=text,
            platform="blog",
            author_id=uuid.UUID(int=AUTHORS.index(author) + 100, version=4),
            author_full_name=author,
            link=f"https://example.com/{n}",
            content_hash=hashlib.sha256(text.encode()).hexdigest(),
            feature_fingerprint="test",
        )
        CleanedDocument.bulk_insert([document])
        ids.append(str(document_id))
    return ids


def extract_of(body: dict[str, Any]) -> str:
    user = [m for m in body["messages"] if m["role"] == "user"][0]["content"]
    return user.split('"""')[1].strip()


def sentences_of(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]


def teacher_answer(body: dict[str, Any]) -> str:
    """Five samples from the extract's sentences, in the shape the prompt's schema asks for."""
    extract = extract_of(body)
    sentences = sentences_of(extract)[:5]
    schema_name = body["response_format"]["json_schema"]["name"]
    items = []
    for sentence in sentences:
        topic = " ".join(sentence.split()[:7]).rstrip(",.")
        instruction = f"Write a paragraph about how {topic[0].lower()}{topic[1:]}."
        if schema_name == "PreferenceTriples":
            items.append(
                {
                    "instruction": instruction,
                    "generated_answer": f"In short, {sentence[0].lower()}{sentence[1:]} That is all.",
                    "extracted_answer": sentence,
                }
            )
        else:
            items.append({"instruction": instruction, "answer": f"{sentence} It matters in practice."})
    key = "preference_triples" if schema_name == "PreferenceTriples" else "instruction_answer_pairs"
    return json.dumps({key: items})


def good_teacher(body: dict[str, Any]) -> Reply:
    return Reply(content=teacher_answer(body), prompt_tokens=300, completion_tokens=200)
