"""neardup.MinHash and MinHashLSH: datasketch's interface on neardup's sketch kernels."""

from __future__ import annotations

import random

import pytest

from neardup import MinHash, MinHashLSH


def words(n: int, rng: random.Random) -> list[str]:
    return [f"w{rng.randrange(1_000_000)}" for _ in range(n)]


def sketch(values: list[str], num_perm: int = 128, seed: int = 1) -> MinHash:
    m = MinHash(num_perm=num_perm, seed=seed)
    m.update_batch(v.encode() for v in values)
    return m


def test_datasketch_readme_code_runs_as_it_is() -> None:
    data1 = ["minhash", "is", "a", "probabilistic", "data", "structure", "for", "estimating", "the",
             "similarity", "between", "datasets"]
    data2 = ["minhash", "is", "a", "probability", "data", "structure", "for", "estimating", "the",
             "similarity", "between", "documents"]
    m1, m2 = MinHash(), MinHash()
    for d in data1:
        m1.update(d.encode("utf8"))
    for d in data2:
        m2.update(d.encode("utf8"))
    actual = len(set(data1) & set(data2)) / len(set(data1) | set(data2))
    assert abs(m1.jaccard(m2) - actual) < 0.15
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    lsh.insert("m2", m2)
    assert lsh.query(m1) == ["m2"]


def test_estimates_follow_the_true_jaccard() -> None:
    rng = random.Random(5)
    errors = []
    for shared in (0, 100, 300, 500, 700, 900, 1000):
        common = words(shared, rng)
        a = sketch(common + words(1000 - shared, rng), num_perm=256)
        b = sketch(common + words(1000 - shared, rng), num_perm=256)
        truth = shared / (2000 - shared)
        errors.append(abs(a.jaccard(b) - truth))
    assert max(errors) < 0.08, errors
    assert sketch(["x"]).jaccard(sketch(["x"])) == 1.0


def test_order_batches_and_merges_do_not_change_the_signature() -> None:
    rng = random.Random(1)
    values = words(500, rng)
    whole = sketch(values)
    one_by_one = MinHash()
    for v in reversed(values):
        one_by_one.update(v)  # a str is its UTF-8 bytes
    left, right = sketch(values[:123]), sketch(values[123:])
    left.merge(right)
    assert whole == one_by_one == left
    assert list(whole.digest()) == list(left.digest()) and len(whole.digest()) == 128
    copy = whole.copy()
    copy.update_batch(words(500, rng))  # doubles the set: most bins change
    assert copy != whole and whole == left and 0.2 < copy.jaccard(whole) < 0.8
    assert sketch(values, seed=2) != whole
    assert MinHash().is_empty() and not whole.is_empty()
    with pytest.raises(ValueError, match="differ"):
        whole.jaccard(sketch(values, num_perm=64))
    with pytest.raises(TypeError, match="bytes"):
        MinHash().update(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="num_perm must be between"):
        MinHash(num_perm=0)


def test_lsh_finds_the_near_copies_and_few_others() -> None:
    rng = random.Random(9)
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    originals = {f"doc{i}": words(200, rng) for i in range(300)}
    for key, values in originals.items():
        lsh.insert(key, sketch(values))
    assert len(lsh) == 300 and "doc7" in lsh and "nope" not in lsh
    found = strangers = 0
    for key, values in originals.items():
        edited = values[:190] + words(10, rng)  # Jaccard 190/210 = 0.90
        hits = lsh.query(sketch(edited))
        found += key in hits
        strangers += len([h for h in hits if h != key])
    assert found >= 297, found
    assert strangers <= 3, strangers
    with pytest.raises(ValueError, match="already"):
        lsh.insert("doc1", sketch(originals["doc1"]))
    lsh.remove("doc1")
    assert "doc1" not in lsh and "doc1" not in lsh.query(sketch(originals["doc1"]))
    with pytest.raises(ValueError, match="not in the index"):
        lsh.remove("doc1")
    assert MinHashLSH().is_empty()
    custom = MinHashLSH(num_perm=128, params=(16, 8))
    assert (custom.b, custom.r) == (16, 8)
    with pytest.raises(ValueError, match="need"):
        MinHashLSH(num_perm=64, params=(16, 8))
