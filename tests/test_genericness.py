import numpy as np

from qa.ingest.genericness import neighbour_density


def _unit(rows: np.ndarray) -> np.ndarray:
    unit: np.ndarray = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    return unit


def test_a_sentence_like_many_others_is_more_generic_than_a_lone_one() -> None:
    rng = np.random.default_rng(0)
    common = rng.normal(size=16)
    crowd = _unit(common + 0.1 * rng.normal(size=(6, 16)))
    lone = _unit(rng.normal(size=(1, 16)))
    density = neighbour_density(np.vstack([crowd, lone]), k=3)
    assert density[:6].min() > density[6] + 0.3


def test_a_sentence_is_not_its_own_neighbour() -> None:
    vectors = _unit(np.eye(4) + 0.01)
    assert np.all(neighbour_density(vectors, k=1) < 0.99)


def test_a_sampled_reference_excludes_the_sentence_itself() -> None:
    rng = np.random.default_rng(1)
    vectors = _unit(rng.normal(size=(50, 8)))
    assert np.allclose(
        neighbour_density(vectors, k=5, max_reference=50), neighbour_density(vectors, k=5)
    )
    sampled = neighbour_density(vectors, k=5, max_reference=20)
    reference = np.unique(np.linspace(0, 49, 20).astype(int))
    for i in range(50):
        others = [j for j in reference if j != i]
        expected = np.sort(vectors[others] @ vectors[i])[-5:].mean()
        assert abs(sampled[i] - expected) < 1e-5


def test_tiny_corpora() -> None:
    assert neighbour_density(np.zeros((0, 4), dtype=np.float32)).shape == (0,)
    assert neighbour_density(_unit(np.ones((1, 4))), k=10).tolist() == [0.0]
    two = neighbour_density(_unit(np.array([[1.0, 0.0], [1.0, 1.0]])), k=10)
    assert np.allclose(two, [np.sqrt(0.5)] * 2, atol=1e-6)
