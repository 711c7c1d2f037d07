"""The pipeline's stage kernels on batches, for running neardup's stages in several processes
or machines (Ray, Spark, ``multiprocessing``) with the same code as the command line.

Each call depends only on its arguments, and every value that crosses a batch is ``bytes``
(the same bytes in every process)::

    from neardup.kernels import Kernels

    k = Kernels(threshold=0.8)                          # the options of neardup.dedup
    prepared = k.prepare(texts, ids, sites)             # one bytes per document, per batch
    counts = k.count(prepared, site_index)              # a batch's exact unit counts
    merged = Kernels.merge_counts([counts, ...])        # in any order
    context = k.signing_context(merged, site_docs)      # once, shipped to every batch
    signatures = k.sign(context, prepared, site_index)  # per batch
    keys = k.band_keys(signatures[0])                   # LSH buckets

A site's index is any fixed numbering of the sites, the same in ``count`` and ``sign``;
``site_docs[s]`` is the number of documents of site ``s``. The template decision by cluster,
the re-signing rounds and the report need the whole corpus: ``neardup.dedup`` runs them.
"""

from __future__ import annotations

from typing import Any, Sequence

from . import _native

__all__ = ["Kernels"]


class Kernels:
    """The stage kernels under one set of options (the keywords of ``neardup.dedup``)."""

    def __init__(self, **options: Any) -> None:
        self._native = _native.Kernels(**options)

    def prepare(
        self,
        texts: Sequence[str],
        ids: Sequence[str],
        sites: Sequence[str | None] | None = None,
    ) -> list[bytes]:
        """Each text, with its id and site, segmented: its units' keys, repeats, hashes and
        text, as one ``bytes`` per document."""
        texts = list(texts)
        sites = list(sites) if sites is not None else [None] * len(texts)
        return self._native.prepare(texts, list(ids), sites)

    def count(self, prepared: Sequence[bytes], sites: Sequence[int]) -> bytes:
        """The exact unit counts of a batch of prepared documents, each with its site's
        index."""
        return self._native.count(list(prepared), list(sites))

    @staticmethod
    def merge_counts(counts: Sequence[bytes]) -> bytes:
        """The counts of several batches merged, in any order."""
        return _native.Kernels.merge_counts(list(counts))

    def signing_context(self, counts: bytes, site_docs: Sequence[int]) -> bytes:
        """What signing needs of the whole corpus: the merged counts' template candidates and
        the documents of each site."""
        return self._native.signing_context(counts, list(site_docs))

    def sign(
        self, context: bytes, prepared: Sequence[bytes], sites: Sequence[int]
    ) -> list[list[int] | None]:
        """The MinHash signature of each prepared document as the scan first signs it (its
        content less the template candidates); ``None`` for one without content."""
        return self._native.sign(context, list(prepared), list(sites))

    def band_keys(self, signature: Sequence[int]) -> list[int]:
        """The LSH band keys of a signature: documents that share a key are candidates."""
        return self._native.band_keys(list(signature))
