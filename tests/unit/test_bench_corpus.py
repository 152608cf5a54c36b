"""The scaling benchmarks' corpora: chunks derived from real ones, and exports of about N chunks."""

import json
import random
import uuid

import numpy as np
import pytest

from tools.bench_corpus import RealChunk, derive, recombine
from tools.bench_warehouse import article_text, scaled_export


def real_chunks() -> list[RealChunk]:
    rng = np.random.default_rng(0)
    chunks = []
    for i in range(6):
        vector = rng.normal(size=8).astype(np.float32)
        text = " ".join(f"Sentence {i}.{j} about topic {i}." for j in range(5))
        payload = {"content": text, "document_id": f"doc{i % 2}", "author_full_name": f"A{i % 2}"}
        chunks.append(RealChunk("articles", f"id{i}", payload, vector / np.linalg.norm(vector)))
    return chunks


def test_derived_chunks_are_stable_unit_vectors_that_keep_their_source_payload() -> None:
    real = real_chunks()
    derived = derive(real, 20, seed=1)
    assert [d.id for d in derived] == [d.id for d in derive(real, 20, seed=1)]
    assert all(uuid.UUID(d.id).version == 4 for d in derived)
    assert len({d.id for d in derived} | {r.id for r in real}) == 26
    margins = []
    for number, chunk in enumerate(derived):
        source = real[number % len(real)]
        assert chunk.payload["author_full_name"] == source.payload["author_full_name"]
        assert chunk.payload["content"] != source.payload["content"] or len(source.sentences) < 2
        assert abs(float(np.linalg.norm(chunk.dense)) - 1) < 1e-5
        similarities = [float(chunk.dense @ other.dense) for other in real]
        margins.append(float(chunk.dense @ source.dense) - np.mean(similarities))
    assert np.mean(margins) > 0.2  # nearer their sources than the rest of the corpus


def test_recombine_keeps_most_own_sentences() -> None:
    own = [f"Own sentence {i}." for i in range(50)]
    other = [f"Other sentence {i}." for i in range(50)]
    text, kept = recombine(own, other, random.Random(0))
    assert 0.55 < kept < 0.85
    assert text.count("Own sentence") == round(kept * 50)


@pytest.mark.shared
def test_scaled_export_grows_and_shrinks_the_shared_articles(shared_warehouse_dir, tmp_path) -> None:
    originals = json.loads((shared_warehouse_dir / "ArticleDocument.json").read_text())
    fewer, chunks = scaled_export(shared_warehouse_dir, 300, tmp_path / "small")
    assert fewer < len(originals) and 300 <= chunks < 300 + 60
    grown, chunks = scaled_export(shared_warehouse_dir, 3000, tmp_path / "large")
    articles = json.loads((tmp_path / "large" / "ArticleDocument.json").read_text())
    assert grown == len(articles) > 2 * len(originals)
    assert 3000 <= chunks < 3000 + 60  # counted with the pipeline's chunker: at most one article more
    assert len({a["link"] for a in articles}) == len({a["_id"] for a in articles}) == len(articles)
    assert all(uuid.UUID(a["_id"]).version == 4 for a in articles)  # the document model requires it
    copy = next(a for a in articles if a["link"].endswith("?copy=1"))
    source = next(a for a in originals if copy["link"].startswith(a["link"]))
    assert sorted(article_text(copy)["Content"].split("\n\n")) == sorted(
        article_text(source)["Content"].split("\n\n")
    )
