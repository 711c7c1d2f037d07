"""``MinHash`` and ``MinHashLSH`` with datasketch's interface, on neardup's own kernels.

Code written for datasketch runs as it is with ``from neardup import MinHash, MinHashLSH``:
``MinHash(num_perm=128, seed=1)``, ``update(b)``, ``update_batch(bs)``, ``merge``,
``jaccard``, ``digest``, ``copy``, ``is_empty``; ``MinHashLSH(threshold=0.9, num_perm=128,
params=None)``, ``insert(key, minhash)``, ``query(minhash)``, ``remove(key)``, ``key in lsh``,
``is_empty``. The values differ from datasketch's (one-permutation hashing with optimal
densification over XXH3, where datasketch applies ``num_perm`` permutations to SHA-1), so
signatures of the two libraries are not to be compared with each other; estimates of the same
sets agree within the estimator's error. The bands and rows are chosen as a neardup scan chooses
them: a pair at the threshold becomes a candidate at least 98% of the time.
"""

from __future__ import annotations

from typing import Any, Hashable, Iterable

from . import _native

__all__ = ["MinHash", "MinHashLSH"]


def _as_bytes(value: bytes | str) -> bytes:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"MinHash.update takes bytes (or str), got {type(value).__name__}")


class MinHash:
    """A MinHash sketch of a set of byte strings: ``num_perm`` values (default 128) drawn with
    ``seed`` (default 1). Two sketches compare only with the same ``num_perm`` and ``seed``."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        if not isinstance(num_perm, int) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"num_perm and seed must be ints (seed ≥ 0), got {num_perm!r} and {seed!r}")
        self._sketch = _native.Sketch(num_perm, seed)

    @property
    def num_perm(self) -> int:
        """Values in the signature."""
        return self._sketch.params()[0]

    @property
    def seed(self) -> int:
        """Seed of the hashing."""
        return self._sketch.params()[1]

    def update(self, b: bytes | str) -> None:
        """Adds one value to the set (a str is taken as its UTF-8 bytes)."""
        self._sketch.update([_as_bytes(b)])

    def update_batch(self, b: Iterable[bytes | str]) -> None:
        """Adds many values at once (faster than ``update`` one by one)."""
        self._sketch.update([_as_bytes(v) for v in b])

    def merge(self, other: MinHash) -> None:
        """Makes this the sketch of the union of both sets."""
        self._sketch.merge(other._sketch)

    def jaccard(self, other: MinHash) -> float:
        """The Jaccard similarity of the two sets, estimated from the signatures."""
        return self._sketch.jaccard(other._sketch)

    def digest(self) -> Any:
        """The signature: ``num_perm`` unsigned 32-bit values (a numpy array when numpy is
        installed, as datasketch returns, else a list)."""
        values = self._sketch.digest()
        try:
            import numpy
        except ImportError:
            return values
        return numpy.array(values, dtype=numpy.uint64)

    def is_empty(self) -> bool:
        """Whether nothing was added."""
        return self._sketch.is_empty()

    def copy(self) -> MinHash:
        """An independent copy."""
        twin = MinHash.__new__(MinHash)
        twin._sketch = self._sketch.copy()
        return twin

    def __len__(self) -> int:
        return self.num_perm

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MinHash) and self._sketch.same(other._sketch)

    def __repr__(self) -> str:
        return f"<neardup.MinHash: num_perm={self.num_perm}, seed={self.seed}>"


class MinHashLSH:
    """An index of MinHash sketches by LSH bands: ``query`` returns the keys of the sketches
    that share a band with the one asked about, the candidates of Jaccard ``threshold``
    (default 0.9) or more. ``params=(bands, rows)`` sets the banding yourself."""

    def __init__(self, threshold: float = 0.9, num_perm: int = 128, params: tuple[int, int] | None = None) -> None:
        if params is None:
            params = _native.lsh_bands(threshold, num_perm)
        bands, rows = params
        if bands * rows > num_perm:
            raise ValueError(f"{bands} bands of {rows} rows need {bands * rows} values; num_perm is {num_perm}")
        self.threshold, self.num_perm, self.b, self.r = threshold, num_perm, bands, rows
        self._tables: list[dict[int, list[Hashable]]] = [{} for _ in range(bands)]
        self._keys: dict[Hashable, list[int]] = {}

    def _band_keys(self, minhash: MinHash) -> list[int]:
        if minhash.num_perm != self.num_perm:
            raise ValueError(f"the MinHash has num_perm {minhash.num_perm}; this index takes {self.num_perm}")
        return _native.signature_band_keys(minhash._sketch.digest(), self.b, self.r)

    def insert(self, key: Hashable, minhash: MinHash, check_duplication: bool = True) -> None:
        """Indexes ``minhash`` under ``key`` (a key already in the index is a ValueError)."""
        if check_duplication and key in self._keys:
            raise ValueError(f"the key {key!r} is already in the index")
        keys = self._band_keys(minhash)
        self._keys[key] = keys
        for table, band_key in zip(self._tables, keys):
            table.setdefault(band_key, []).append(key)

    def query(self, minhash: MinHash) -> list[Hashable]:
        """The keys of the indexed sketches that share a band with ``minhash`` (candidates,
        not checked: compare with ``MinHash.jaccard``), in the order they were inserted."""
        found: dict[Hashable, None] = {}
        for table, band_key in zip(self._tables, self._band_keys(minhash)):
            for key in table.get(band_key, ()):
                found[key] = None
        return list(found)

    def remove(self, key: Hashable) -> None:
        """Takes ``key`` out of the index (a key not in it is a ValueError)."""
        if key not in self._keys:
            raise ValueError(f"the key {key!r} is not in the index")
        for table, band_key in zip(self._tables, self._keys.pop(key)):
            bucket = table[band_key]
            bucket.remove(key)
            if not bucket:
                del table[band_key]

    def is_empty(self) -> bool:
        """Whether nothing is indexed."""
        return not self._keys

    def __contains__(self, key: Hashable) -> bool:
        return key in self._keys

    def __len__(self) -> int:
        return len(self._keys)

    def __repr__(self) -> str:
        return f"<neardup.MinHashLSH: threshold={self.threshold}, {self.b} bands of {self.r} rows, {len(self)} keys>"
