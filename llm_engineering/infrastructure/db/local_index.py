"""An in-process search index over one collection of Qdrant's local mode, for the embedded default.

Local mode scores a sparse query with a Python loop over every stored point and evaluates payload filters
point by point, so a query's cost grows linearly with the corpus in pure Python. This index answers the same
`query_points` requests (dense, multivector MaxSim, sparse with IDF, and a hybrid fused by RRF or DBSF) with
the same formulas in numpy/scipy: a normalised float32 matrix of the dense vectors (cosine = dot product),
one of all the points' multivector rows with where each point's rows start (MaxSim = the best row's cosine,
summed over the query's vectors), and a compressed sparse column matrix of the BM25 term weights, so a sparse
query touches only the posting lists of its own terms. IDF is Qdrant's, ln((N - df + 0.5) / (df + 0.5) + 1) over the points that have a sparse
vector; fusion reuses qdrant-client's own RRF and DBSF functions.

The index is read from the store on the first query and rebuilt after any write to its collection (the
serialised local client counts writes per collection). Local mode lets one process open a store at a time,
so no other process can change the collection under it. Requests it does not understand (other filter
conditions, other query types) return None and the caller asks Qdrant itself.
"""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
from qdrant_client.http import models as qm
from qdrant_client.hybrid.fusion import distribution_based_score_fusion, reciprocal_rank_fusion
from scipy import sparse as sp

SCROLL_PAGE = 5000


class LocalSearchIndex:
    """The dense matrix, the sparse term matrix and the payloads of one collection, row by row."""

    def __init__(
        self, ids: list[Any], payloads: list[dict], dense: dict[str, np.ndarray], terms: dict, multi: dict
    ) -> None:
        self.ids = ids
        self.payloads = payloads
        self.dense = dense  # vector name -> (rows, dim) unit vectors; rows without the vector are zeros
        self.dense_present = {name: np.any(matrix != 0, axis=1) for name, matrix in dense.items()}
        self.multi = multi  # vector name -> MultiVectors
        self.terms = terms  # vector name -> (csc matrix rows x terms, {term id: column}, idf per column)
        self._masks: dict[str, np.ndarray] = {}

    @classmethod
    def load(cls, client: Any, collection_name: str) -> LocalSearchIndex:
        """Every point of the collection with its payload and vectors, paged through `scroll`."""
        ids: list[Any] = []
        payloads: list[dict] = []
        dense_rows: dict[str, list[tuple[int, np.ndarray]]] = {}
        sparse_rows: dict[str, tuple[list[int], list[int], list[float]]] = {}
        multi_rows: dict[str, list[tuple[int, np.ndarray]]] = {}
        offset = None
        while True:
            records, offset = client.scroll(
                collection_name=collection_name,
                limit=SCROLL_PAGE,
                offset=offset,
                with_payload=True,
                with_vectors=True,
            )
            for record in records:
                row = len(ids)
                ids.append(record.id)
                payloads.append(record.payload or {})
                for name, vector in (record.vector or {}).items():
                    if vector and isinstance(vector, list) and isinstance(vector[0], list):
                        # float32 at once: a page's Python floats are freed before the next page is read
                        multi_rows.setdefault(name, []).append((row, np.asarray(vector, dtype=np.float32)))
                    elif isinstance(vector, qm.SparseVector):
                        rows, cols, values = sparse_rows.setdefault(name, ([], [], []))
                        rows.extend([row] * len(vector.indices))
                        cols.extend(vector.indices)
                        values.extend(vector.values)
                    else:
                        dense_rows.setdefault(name, []).append((row, np.asarray(vector, dtype=np.float32)))
            if offset is None:
                break
        dense = {name: _unit_matrix(rows, len(ids)) for name, rows in dense_rows.items()}
        terms = {name: _term_matrix(*triplets, len(ids)) for name, triplets in sparse_rows.items()}
        multi = {name: MultiVectors.of_rows(rows, len(ids)) for name, rows in multi_rows.items()}
        return cls(ids, payloads, dense, terms, multi)

    def __len__(self) -> int:
        return len(self.ids)

    # --- requests ------------------------------------------------------------------------------------------

    def query(self, request: dict[str, Any], query_filter: qm.Filter | None, limit: int) -> list | None:
        """The scored points (ids and payloads) of a `query_points` request, best first; None when the
        request is not one this index answers."""
        mask = self._filter_mask(query_filter)
        if mask is None:
            return None
        if "prefetch" not in request:
            return self._nearest(request["query"], request.get("using"), mask, limit)
        sources = []
        for prefetch in request["prefetch"]:
            if prefetch.prefetch or prefetch.filter is not None:
                return None
            found = self._nearest(prefetch.query, prefetch.using, mask, prefetch.limit or 10)
            if found is None:
                return None
            sources.append(found)
        fusion = request["query"]
        if isinstance(fusion, qm.RrfQuery):
            rrf = fusion.rrf
            return reciprocal_rank_fusion(sources, limit, ranking_constant_k=rrf.k, weights=rrf.weights)
        if isinstance(fusion, qm.FusionQuery) and fusion.fusion == qm.Fusion.RRF:
            return reciprocal_rank_fusion(sources, limit)
        if isinstance(fusion, qm.FusionQuery) and fusion.fusion == qm.Fusion.DBSF:
            return distribution_based_score_fusion(sources, limit)
        return None

    def _nearest(self, query: Any, using: str | None, mask: np.ndarray, limit: int) -> list | None:
        if isinstance(query, qm.SparseVector):
            if using not in self.terms:
                return None
            scores, matched = self._sparse_scores(using, query)
            return self._top(scores, mask & matched, limit)
        if (
            using in self.multi
            and isinstance(query, list)
            and query
            and isinstance(query[0], list | np.ndarray)
        ):
            scores, present = self.multi[using].max_sim(np.asarray(query, dtype=np.float32))
            return self._top(scores, mask & present, limit)
        if isinstance(query, list | np.ndarray) and using in self.dense:
            vector = np.asarray(query, dtype=np.float32)
            norm = float(np.linalg.norm(vector))
            scores = self.dense[using] @ (vector / norm if norm else vector)
            return self._top(scores, mask & self.dense_present[using], limit)
        return None

    def _sparse_scores(self, name: str, query: qm.SparseVector) -> tuple[np.ndarray, np.ndarray]:
        """Sum over the query's known terms of query weight x IDF x document weight, and which points share
        at least one term with the query (Qdrant leaves the others out of a sparse search)."""
        matrix, columns, idf = self.terms[name]
        scores = np.zeros(len(self.ids), dtype=np.float64)
        matched = np.zeros(len(self.ids), dtype=bool)
        for term, weight in zip(query.indices, query.values, strict=True):
            column = columns.get(term)
            if column is None:
                continue
            start, end = matrix.indptr[column], matrix.indptr[column + 1]
            rows = matrix.indices[start:end]
            scores[rows] += weight * idf[column] * matrix.data[start:end]
            matched[rows] = True
        return scores.astype(np.float32), matched

    def _top(self, scores: np.ndarray, mask: np.ndarray, limit: int) -> list[qm.ScoredPoint]:
        rows = np.flatnonzero(mask)
        if len(rows) > limit:
            rows = rows[np.argpartition(-scores[rows], limit - 1)[:limit]]
        rows = rows[np.argsort(-scores[rows], kind="stable")]
        return [
            qm.ScoredPoint(id=self.ids[row], version=0, score=float(scores[row]), payload=self.payloads[row])
            for row in rows
        ]

    # --- payload filters -----------------------------------------------------------------------------------

    def _filter_mask(self, query_filter: qm.Filter | None) -> np.ndarray | None:
        """Rows matching every `must` condition (equality or any-of on a payload key); None for filters this
        index does not evaluate."""
        mask = np.ones(len(self.ids), dtype=bool)
        if query_filter is None:
            return mask
        if query_filter.should or query_filter.must_not or query_filter.min_should:
            return None
        conditions = query_filter.must or []
        for condition in conditions if isinstance(conditions, list) else [conditions]:
            condition_mask = self._condition_mask(condition)
            if condition_mask is None:
                return None
            mask &= condition_mask
        return mask

    def _condition_mask(self, condition: Any) -> np.ndarray | None:
        if not isinstance(condition, qm.FieldCondition) or "." in condition.key or "[" in condition.key:
            return None
        match = condition.match
        if isinstance(match, qm.MatchValue):
            wanted = {_plain(match.value)}
        elif isinstance(match, qm.MatchAny):
            wanted = {_plain(value) for value in match.any}
        else:
            return None
        cache_key = f"{condition.key}\x00{sorted(map(repr, wanted))}"
        if cache_key not in self._masks:
            self._masks[cache_key] = np.fromiter(
                (_matches(payload.get(condition.key), wanted) for payload in self.payloads),
                dtype=bool,
                count=len(self.payloads),
            )
        return self._masks[cache_key]


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value


def _matches(value: Any, wanted: set) -> bool:
    """Qdrant's keyword/integer/bool match: the value itself, or any element of an array value."""
    values = value if isinstance(value, list) else [value]
    return any(v in wanted for v in values if isinstance(v, str | int | bool))


class MultiVectors:
    """Every point's vectors of one multivector, stacked: point p's are rows starts[i]:starts[i + 1] of
    `matrix`, where owners[i] = p (points without the vector own no rows)."""

    def __init__(self, matrix: np.ndarray, starts: np.ndarray, owners: np.ndarray, count: int) -> None:
        self.matrix, self.starts, self.owners = matrix, starts, owners
        self.present = np.zeros(count, dtype=bool)
        self.present[owners] = True

    @classmethod
    def of_rows(cls, rows: list[tuple[int, np.ndarray]], count: int) -> MultiVectors:
        matrix = _unit_rows(np.concatenate([point_vectors for _, point_vectors in rows]))
        sizes = np.fromiter(
            (len(point_vectors) for _, point_vectors in rows), dtype=np.int64, count=len(rows)
        )
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        owners = np.fromiter((row for row, _ in rows), dtype=np.int64, count=len(rows))
        return cls(matrix, starts, owners, count)

    def max_sim(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per point, the sum over the query's vectors of the best cosine among the point's vectors (Qdrant's
        MaxSim), and which points have the vector."""
        query = _unit_rows(query.copy())
        best = np.maximum.reduceat(self.matrix @ query.T, self.starts, axis=0).sum(axis=1)
        scores = np.zeros(len(self.present), dtype=np.float32)
        scores[self.owners] = best
        return scores, self.present


def _unit_matrix(rows: list[tuple[int, np.ndarray]], count: int) -> np.ndarray:
    dimension = len(rows[0][1])
    matrix = np.zeros((count, dimension), dtype=np.float32)
    for row, vector in rows:
        matrix[row] = vector
    return _unit_rows(matrix)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """`matrix` with each non-zero row scaled to length 1, in place."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=matrix, where=norms > 0)


def _term_matrix(rows: list[int], term_ids: list[int], values: list[float], count: int) -> tuple:
    """The points x terms weights (CSC: one posting list per term), the column of each term id, and each
    column's IDF over the points that have a sparse vector."""
    unique_terms, columns = np.unique(np.asarray(term_ids, dtype=np.int64), return_inverse=True)
    matrix = sp.csc_matrix(
        (np.asarray(values, dtype=np.float64), (np.asarray(rows), columns)),
        shape=(count, len(unique_terms)),
    )
    matrix.sum_duplicates()
    documents = len(set(rows))
    frequencies = np.diff(matrix.indptr)
    idf = np.log((documents - frequencies + 0.5) / (frequencies + 0.5) + 1)
    column_of = {int(term): column for column, term in enumerate(unique_terms)}
    return matrix, column_of, idf
