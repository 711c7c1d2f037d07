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
``site_docs[s]`` is the number of documents of site ``s``.

After clustering (candidates from ``band_keys`` and ``bucket_pairs``, verdicts from ``judge``,
clusters named by their smallest member), round two decides templates by cluster as a
shuffle, and the rounds sign again what the decision changes::

    signed = k.sign_documents(context, prepared, site_index)             # bytes per document
    rows = k.template_evidence(context, signed, doc_index, site_index, cluster)  # (key, bytes)
    pairs = Kernels.merge_site_clusters([Kernels.site_clusters(site_index, cluster), ...])
    # group the rows by key (a shuffle), then for each key's rows:
    decision = k.decide_unit(context, [row for _, row in group], pairs)  # bytes or None
    templates = Kernels.template_set([d for d in decisions if d])        # in any order
    redo = k.changed(context, signed, doc_index, site_index, templates)  # per document
    again = k.resign(context, templates, prepared, doc_index, site_index)

``exact_shingles`` and ``judge_exact`` check a borderline pair on exact sets. Clustering
goes by connected groups (components of the accepted pairs and of the links between equal
``exact_hashes``): ``borderline_in_group`` picks a group's borderline pairs to check exactly
and ``cluster_group`` gives its clusters as the report does; ``plan`` says when the rounds
stop. ``neardup.ray`` drives all of these on Ray Data. A ``Kernels`` pickles as its options, so
it can be shipped to worker processes (``multiprocessing``, a Ray task's closure) and rebuilt
there. Reused blocks and the report run in ``neardup.dedup`` and ``neardup.scan`` (one
process).
"""

from __future__ import annotations

from typing import Any, Sequence

from . import _native

__all__ = ["Kernels"]


class Kernels:
    """The stage kernels under one set of options (the keywords of ``neardup.dedup``)."""

    def __init__(self, **options: Any) -> None:
        self._options = dict(options)
        self._native = _native.Kernels(**options)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as its options (a worker process or a Ray task builds its own).
        return (_rebuild, (self._options,))

    def input_files(self, paths: Sequence[str]) -> tuple[list[bytes], list[str]]:
        """The input files of ``paths`` (folders walked, files as they are) in the scan's
        order, each as ``bytes`` (its index is its ordinal), and a message for every entry
        that is not an input."""
        return self._native.input_files([str(p) for p in paths])

    def read_prepared(self, file: bytes) -> tuple[list[tuple[str, str | None, bytes]], list[str]]:
        """One input file (from ``input_files``) read and prepared as the scan reads it: its
        documents ``(id, site, prepared)`` in order, and a message for what could not be
        used."""
        return self._native.read_prepared(file)

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

    def plan(self, documents: int) -> tuple[str, int, int, int, float]:
        """What a driver of the rounds needs of these options for a corpus of ``documents``:
        ``(verify, max_rounds, settled, template_min_docs, threshold)``. The rounds stop after
        ``max_rounds``, or after one that signs at most ``settled`` documents again."""
        return self._native.plan(documents)

    def count_rows(
        self, prepared: Sequence[bytes], sites: Sequence[int]
    ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """A batch's exact unit counts as rows to sum by key across batches (a shuffle, where
        ``merge_counts`` holds every distinct unit in one process): ``(per_site, anywhere)``,
        each a list of ``(key, documents)``."""
        return self._native.count_rows(list(prepared), list(sites))

    def signing_context_from_rows(
        self,
        per_site: Sequence[tuple[int, int]],
        anywhere: Sequence[tuple[int, int]],
        site_docs: Sequence[int],
    ) -> bytes:
        """The signing context from the rows of ``count_rows`` summed by key over the corpus
        (rows under ``template_min_docs`` per site, or under 2 anywhere, may be left out)."""
        return self._native.signing_context_from_rows(list(per_site), list(anywhere), list(site_docs))

    @staticmethod
    def exact_hashes(prepared: Sequence[bytes]) -> list[bytes]:
        """The hash of each prepared document's normalised text (16 bytes): equal hashes are
        copies whatever their length."""
        return _native.Kernels.exact_hashes(list(prepared))

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

    def sign_documents(
        self, context: bytes, prepared: Sequence[bytes], sites: Sequence[int]
    ) -> list[bytes]:
        """Each prepared document signed under the context, as ``bytes``: its signature,
        figures and watched units (what ``judge``, ``template_evidence`` and ``changed``
        read)."""
        return self._native.sign_documents(context, list(prepared), list(sites))

    @staticmethod
    def signature(signed: bytes) -> list[int] | None:
        """The signature of a signed document; ``None`` when it has no content."""
        return _native.Kernels.signature(signed)

    @staticmethod
    def bucket_pairs(docs: Sequence[int]) -> list[tuple[int, int]]:
        """The candidate pairs of one LSH bucket (its documents' indices), smaller index
        first: every pair, or in a hot bucket each member with its neighbour and the first."""
        return _native.Kernels.bucket_pairs(list(docs))

    def judge(
        self, pair: tuple[int, int], a: bytes, b: bytes
    ) -> tuple[float, float, bool, bool] | None:
        """The verdict on a candidate pair from its two signed documents:
        ``(jaccard, containment, accepted, borderline)``; ``None`` when either has no
        signature."""
        return self._native.judge(pair, a, b)

    @staticmethod
    def facts(signed: Sequence[bytes]) -> list[tuple[int, int]]:
        """What clustering reads of each signed document: ``(shingles, content_words)``."""
        return _native.Kernels.facts(list(signed))

    @staticmethod
    def kept_apart(a: bytes, b: bytes) -> bool:
        """Whether a pair that passed the thresholds is kept apart all the same (two narrow
        documents whose bulks differ); the scan drops such pairs before clustering."""
        return _native.Kernels.kept_apart(a, b)

    @staticmethod
    def borderline_in_group(
        members: Sequence[tuple[int, bytes]],
        judged: Sequence[tuple[int, int, float, float, bool, bool]],
    ) -> list[tuple[int, int]]:
        """The borderline verdicts ``verify="auto"`` checks exactly, among those touching one
        connected group of the accepted pairs (kept apart or not) and copies: ``members`` are
        its ``(index, exact_hash)``, ``judged`` the verdicts ``(a, b, jaccard, containment,
        accepted, borderline)`` with a document in it."""
        return _native.Kernels.borderline_in_group(list(members), list(judged))

    def cluster_group(
        self,
        members: Sequence[tuple[int, str, int, int, bytes]],
        pairs: Sequence[tuple[int, int, float, float]],
    ) -> list[tuple[list[int], int, list[tuple[int, int]]]]:
        """The clusters of one connected group (a connected component of the accepted pairs
        and of the links between documents with equal ``exact_hashes``), as the scan's report
        clusters them. ``members``: ``(index, id, shingles, content_words, exact_hash)``;
        ``pairs``: the accepted pairs ``(a, b, jaccard, containment)``. Each cluster is
        ``(members, representative, [(member, direct match), ...])``."""
        return self._native.cluster_group(list(members), list(pairs))

    def template_evidence(
        self,
        context: bytes,
        signed: Sequence[bytes],
        docs: Sequence[int],
        sites: Sequence[int],
        clusters: Sequence[int],
    ) -> list[tuple[int, bytes]]:
        """Each signed document's template evidence (its index, site index and cluster, the
        smallest member's index) as ``(key, bytes)`` rows, to be grouped by key."""
        return self._native.template_evidence(
            context, list(signed), list(docs), list(sites), list(clusters)
        )

    @staticmethod
    def site_clusters(sites: Sequence[int], clusters: Sequence[int]) -> bytes:
        """The (site, cluster) pairs of a batch, from which each site's clusters are
        counted."""
        return _native.Kernels.site_clusters(list(sites), list(clusters))

    @staticmethod
    def merge_site_clusters(parts: Sequence[bytes]) -> bytes:
        """Site-cluster pairs of several batches merged, in any order."""
        return _native.Kernels.merge_site_clusters(list(parts))

    def decide_unit(
        self, context: bytes, evidence: Sequence[bytes], site_clusters: bytes
    ) -> bytes | None:
        """Round two's decision on one unit from all its evidence rows (one key, any order);
        ``None`` when it is template nowhere."""
        return self._native.decide_unit(context, list(evidence), site_clusters)

    def decide_unit_counted(
        self, context: bytes, evidence: Sequence[bytes], clusters_per_site: Sequence[int]
    ) -> bytes | None:
        """``decide_unit`` with each site's number of clusters as counts
        (``clusters_per_site[s]``: distinct clusters among its documents, a document alone
        counting as its own), as a pipeline counts them in a shuffle."""
        return self._native.decide_unit_counted(context, list(evidence), list(clusters_per_site))

    @staticmethod
    def template_set(decisions: Sequence[bytes], base: bytes | None = None) -> bytes:
        """A round's template set from its units' decisions (any order), added to ``base``
        when given."""
        return _native.Kernels.template_set(list(decisions), base)

    def changed(
        self,
        context: bytes,
        signed: Sequence[bytes],
        docs: Sequence[int],
        sites: Sequence[int],
        after: bytes,
        before: bytes | None = None,
    ) -> list[bool]:
        """Whether the template set ``after`` changes what is left out of each signed
        document, signed with ``before`` (its first signing's candidates when ``None``)."""
        return self._native.changed(context, list(signed), list(docs), list(sites), after, before)

    def resign(
        self,
        context: bytes,
        template_set: bytes,
        prepared: Sequence[bytes],
        docs: Sequence[int],
        sites: Sequence[int],
    ) -> list[bytes]:
        """Each prepared document (with its index and site) signed again with the template
        set left out, as ``bytes``."""
        return self._native.resign(context, template_set, list(prepared), list(docs), list(sites))

    def exact_shingles(
        self,
        context: bytes,
        template_set: bytes,
        prepared: Sequence[bytes],
        docs: Sequence[int],
        sites: Sequence[int],
    ) -> list[list[int]]:
        """Each prepared document's exact shingle set (sorted) with the template set left
        out; empty for one left without content."""
        return self._native.exact_shingles(
            context, template_set, list(prepared), list(docs), list(sites)
        )

    def judge_exact(
        self, pair: tuple[int, int], a: Sequence[int], b: Sequence[int]
    ) -> tuple[float, float, bool]:
        """The verdict on a pair from its exact shingle sets:
        ``(jaccard, containment, accepted)``."""
        return self._native.judge_exact(pair, list(a), list(b))


def _rebuild(options: dict[str, Any]) -> Kernels:
    return Kernels(**options)
