"""neardup on a Ray cluster: near-duplicate clusters of a ``ray.data.Dataset``, found by the
same stage kernels as the command line (:mod:`neardup.kernels`), with no step that gathers
the documents, signatures or pairs on one node.

    import ray, neardup.ray
    ds = ray.data.read_parquet("s3://bucket/crawl/")
    result = neardup.ray.dedup(ds, text="text", id="url", site="host", threshold=0.8)
    result.filter(lambda r: r["keep"]).write_parquet("kept-ids/")

The stages, each a batch kernel or a shuffle:

1. rows numbered by position (``range`` zipped with the input), never by arrival;
2. ``prepare`` per batch; the sites numbered by first row;
3. unit counts per batch as rows, summed by key (a shuffle), the template candidates kept;
4. signing per batch; band keys exploded and grouped by key; each bucket's pairs
   (``bucket_pairs``, a deterministic cap on hot buckets); pairs joined with both documents'
   signed payloads and judged;
5. connected components by min-label propagation with pointer jumping (each round a join
   and a group-by; the driver only counts the labels that changed), then each component's
   documents and pairs grouped and clustered by ``cluster_group`` (directional containment,
   representatives, direct matches) as the command line's report clusters them;
6. the template rounds: evidence emitted per batch, grouped by unit, decided, applied; the
   documents whose left-out units change signed again, until the clusters settle;
7. under ``verify="auto"`` the borderline pairs that can change a cluster judged on exact
   shingle sets (joined with both documents' sets).

The result has one row per input row, ordered by row: ``row``, ``id``, ``cluster`` (the
cluster's number, as the command line numbers them: largest first), ``duplicate_of`` (for a
duplicate, the member it matches directly: the kept one where it can, else the one it is
chained through), ``keep``, ``joined_by`` and ``similarity``. Template and repeated spans are not
computed on Ray yet.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any, Callable, Iterator

from .kernels import Kernels

__all__ = ["dedup", "scan"]

ROW = "_nd_row"
ID = "_nd_id"
SITE = "_nd_site"
SITE_INDEX = "_nd_site_index"
PREPARED = "_nd_prepared"
EXACT = "_nd_exact"
SIGNED = "_nd_signed"
VERSION = "_nd_version"


def _modules() -> tuple[Any, Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
        import ray.data
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            'neardup.ray needs Ray Data and pyarrow: pip install "neardup[ray]"'
        ) from e
    return pa, pc, ray.data


def dedup(
    dataset: Any,
    text: str = "text",
    id: str | None = None,  # noqa: A002 - the keyword of neardup.dedup
    site: str | None = None,
    *,
    partitions: int | None = None,
    **options: Any,
) -> Any:
    """The near-duplicate clusters of a ``ray.data.Dataset``, as :func:`neardup.dedup` finds
    them on one machine: the same clusters, kept documents and direct matches.

    ``text`` names the column of the text, ``id`` that of the ids (None: each document is
    ``table:N`` by its row N, from 1), ``site`` that of the sites (template blocks are counted
    per site; None: one site). ``partitions`` is the number of blocks the input is cut into
    and of every shuffle (default: the input as it is, and one shuffle partition per CPU of
    the cluster). The other options are those of
    :func:`neardup.dedup` (``threshold``, ``containment``, ``num_perm``, ``verify``, ``keep``,
    ...), with the same defaults.

    Returns a ``ray.data.Dataset`` ordered by row: ``row``, ``id``, ``cluster``,
    ``duplicate_of``, ``keep``, ``joined_by``, ``similarity``.
    """
    pa, pc, rd = _modules()
    kernels = Kernels(**options)
    n = dataset.count()
    if n == 0:
        return rd.from_arrow(_result_table(pa, {}))
    parts = _partitions(partitions)
    if partitions:
        dataset = dataset.repartition(partitions)
    with _in_order(rd):
        stages = _Stages(kernels, pa, pc, parts, n)
        return stages.run(_numbered(rd, dataset, n, ROW), text, id, site)


def _partitions(partitions: int | None) -> int:
    """The partitions of every shuffle: the caller's, or one per CPU of the cluster."""
    if partitions is not None and partitions < 1:
        raise ValueError(f"partitions must be 1 or more, not {partitions}")
    if partitions:
        return partitions
    import ray

    return max(int(ray.cluster_resources().get("CPU", 1)), 1)


def _numbered(rd: Any, dataset: Any, n: int, column: str) -> Any:
    """`dataset` (of `n` rows) with each row's position in `column`, from 0 (under
    `_in_order`)."""
    return rd.range(n).rename_columns({"id": column}).zip(dataset)


@contextlib.contextmanager
def _in_order(rd: Any) -> Iterator[None]:
    """Ray Data keeps the order of rows while the pipeline is built and run: rows are numbered
    by their position (a `range` zipped with the input), which other orders would change."""
    options = rd.DataContext.get_current().execution_options
    before = options.preserve_order
    options.preserve_order = True
    try:
        yield
    finally:
        options.preserve_order = before


def scan(
    paths: str | list[str], *, partitions: int | None = None, **options: Any
) -> tuple[Any, list[str]]:
    """The files of ``paths`` (folders walked, text, JSON Lines, Parquet, HTML and WARC, as
    ``neardup scan`` reads them) deduplicated on the cluster: each file read and prepared by a
    worker, the documents numbered by (file, record) as the command line numbers them.

    Returns the result ``ray.data.Dataset`` (the columns of :func:`dedup`, ids as the command
    line gives them) and a message for every file or record that could not be used. The
    options are those of :func:`neardup.dedup` (what decides the clusters); files are read
    with the command line's default reading options (sites by top folder, every format by
    its extension).
    """
    pa, pc, rd = _modules()
    with _in_order(rd):
        return _scan(pa, pc, rd, paths, partitions, options)


def _scan(
    pa: Any, pc: Any, rd: Any, paths: str | list[str], partitions: int | None,
    options: dict[str, Any],
) -> tuple[Any, list[str]]:
    kernels = Kernels(**options)
    files, skipped = kernels.input_files([paths] if isinstance(paths, str) else list(paths))
    partitions = _partitions(partitions)
    inputs = rd.from_items(
        [{"_nd_file": i, "_nd_input": f} for i, f in enumerate(files)]
    ).repartition(min(partitions, max(len(files), 1)))

    def read(t: Any) -> Any:
        out: dict[str, list[Any]] = {c: [] for c in ("file", "record", "kind", ID, SITE, PREPARED)}
        for ordinal, f in zip(t.column("_nd_file").to_pylist(), t.column("_nd_input").to_pylist()):
            documents, problems = kernels.read_prepared(f)
            rows = [(0, i, s or "", p) for i, s, p in documents]
            rows += [(1, message, "", b"") for message in problems]
            for record, (kind, name, site, prepared) in enumerate(rows):
                for column, value in zip(
                    ("file", "record", "kind", ID, SITE, PREPARED),
                    (ordinal, record, kind, name, site, prepared),
                ):
                    out[column].append(value)
        return _typed(pa, out, {"file": pa.int64(), "record": pa.int64(), "kind": pa.int8(),
                                ID: pa.string(), SITE: pa.string(), PREPARED: pa.binary()})

    read_rows = inputs.map_batches(read, batch_format="pyarrow", batch_size=1).materialize()
    skipped += [
        r[ID] for r in read_rows.filter(lambda r: r["kind"] == 1).sort(["file", "record"]).take_all()
    ]
    documents = read_rows.filter(lambda r: r["kind"] == 0).sort(["file", "record"]).materialize()
    n = documents.count()
    if n == 0:
        return rd.from_arrow(_result_table(pa, {})), skipped
    numbered = _numbered(rd, documents, n, ROW)

    def with_hashes(t: Any) -> Any:
        prepared = t.column(PREPARED).to_pylist()
        return pa.table(
            {
                ROW: t.column(ROW),
                ID: t.column(ID),
                SITE: t.column(SITE),
                PREPARED: t.column(PREPARED),
                EXACT: pa.array(Kernels.exact_hashes(prepared), pa.binary()),
            }
        )

    prepared = numbered.map_batches(with_hashes, batch_format="pyarrow")
    return _Stages(kernels, pa, pc, partitions, n).run_prepared(prepared), skipped


class _Stages:
    """The pipeline's stages over one dataset (see the module docs)."""

    def __init__(self, kernels: Kernels, pa: Any, pc: Any, parts: int, documents: int) -> None:
        self.k = kernels
        self.pa = pa
        self.pc = pc
        self.parts = parts
        self.documents = documents
        verify, max_rounds, settled, min_docs, threshold = kernels.plan(documents)
        self.threshold = threshold
        self.verify = verify
        self.max_rounds = max_rounds
        self.settled = settled
        self.min_docs = min_docs

    # -- helpers --------------------------------------------------------------------------

    def _map(self, ds: Any, fn: Callable[[Any], Any]) -> Any:
        return ds.map_batches(fn, batch_format="pyarrow", zero_copy_batch=True)

    def _join(self, left: Any, right: Any, on: str, how: str = "inner") -> Any:
        return left.join(right, how, self.parts, on=(on,))

    # -- the pipeline ---------------------------------------------------------------------

    def run(self, numbered: Any, text: str, id_column: str | None, site: str | None) -> Any:
        return self.run_prepared(self._prepared(numbered, text, id_column, site))

    def run_prepared(self, prepared: Any) -> Any:
        """The pipeline from prepared documents (ROW, ID, SITE, PREPARED, EXACT)."""
        pa = self.pa
        docs = self._with_site_index(prepared.materialize()).materialize()
        self._docs_ids = docs.select_columns([ROW, ID, EXACT]).materialize()
        context = self._context(docs)
        signed = self._signed(docs, context).materialize()
        exact_links = self._exact_links(docs).materialize()
        facts = self._facts(signed).materialize()

        pairs = self._candidates(signed).materialize()
        judged = self._judged(pairs, signed).materialize()
        cluster_of = self._round_clusters(judged, exact_links, facts)
        templates = self._decide(context, signed, cluster_of)
        versions: list[bytes] = []
        for _ in range(self.max_rounds):
            signed, changed = self._resigned(context, docs, signed, templates, versions)
            if changed == 0:
                break
            versions.append(templates)
            facts = self._facts(signed).materialize()
            if changed <= self.settled:
                # the last round's pairs, judged again on the new signatures
                judged = self._judged(pairs, signed).materialize()
                break
            pairs = self._candidates(signed).materialize()
            judged = self._judged(pairs, signed).materialize()
            cluster_of = self._round_clusters(judged, exact_links, facts)
            templates = self._decide(context, signed, cluster_of)
        if self.verify != "signature":
            judged = self._verified_exactly(judged, exact_links, docs, context, templates)
        verified = self._accepted(judged).materialize()
        members = self._group_clusters(verified, exact_links, facts).materialize()
        numbers = self._numbered_clusters(members)
        rows = self._join(
            docs.select_columns([ROW, ID]), members, ROW, "left_outer"
        )
        rows = self._join(rows, numbers, "_nd_cluster", "left_outer")

        def result(t: Any) -> Any:
            return _result_table(pa, t.to_pydict())

        return self._map(rows, result).sort("row")

    def _prepared(self, numbered: Any, text: str, id_column: str | None, site: str | None) -> Any:
        pa, k = self.pa, self.k

        def prepare(t: Any) -> Any:
            rows = t.column(ROW).to_pylist()
            texts = [s or "" for s in t.column(text).to_pylist()]
            if id_column is None:
                ids = [f"table:{r + 1}" for r in rows]
            else:
                ids = [str(v) if v is not None else f"table:{r + 1}" for v, r in
                       zip(t.column(id_column).to_pylist(), rows)]
            sites = t.column(site).to_pylist() if site is not None else [None] * len(rows)
            prepared = k.prepare(texts, ids, sites)
            return pa.table(
                {
                    ROW: pa.array(rows, pa.int64()),
                    ID: pa.array(ids, pa.string()),
                    SITE: pa.array(["" if s is None else str(s) for s in sites], pa.string()),
                    PREPARED: pa.array(prepared, pa.binary()),
                    EXACT: pa.array(Kernels.exact_hashes(prepared), pa.binary()),
                }
            )

        return self._map(numbered, prepare)

    def _with_site_index(self, docs: Any) -> Any:
        """The sites numbered by their first row (the order the command line meets them)."""
        from ray.data.aggregate import Count, Min

        pa = self.pa
        sites = docs.groupby(SITE, num_partitions=self.parts).aggregate(Min(ROW), Count()).take_all()
        sites.sort(key=lambda r: r[f"min({ROW})"])
        index = {r[SITE]: i for i, r in enumerate(sites)}
        self.site_docs = [int(r["count()"]) for r in sites]

        def number(t: Any) -> Any:
            return t.append_column(
                SITE_INDEX, pa.array([index[s] for s in t.column(SITE).to_pylist()], pa.int64())
            )

        return self._map(docs, number)

    def _context(self, docs: Any) -> bytes:
        """Unit counts summed by key in a shuffle; the candidates and shared units only reach
        the driver, which builds the signing context every batch then signs with."""
        pa, pc, k = self.pa, self.pc, self.k

        def rows(t: Any) -> Any:
            per_site, anywhere = k.count_rows(
                t.column(PREPARED).to_pylist(), t.column(SITE_INDEX).to_pylist()
            )
            keys = [key for key, _ in per_site] + [key for key, _ in anywhere]
            counts = [c for _, c in per_site] + [c for _, c in anywhere]
            scope = [0] * len(per_site) + [1] * len(anywhere)
            return pa.table(
                {
                    "scope": pa.array(scope, pa.int8()),
                    "key": pa.array(keys, pa.uint64()),
                    "n": pa.array(counts, pa.int64()),
                }
            )

        summed = self._map(docs, rows).groupby(["scope", "key"], num_partitions=self.parts).sum("n")
        floor = {0: self.min_docs, 1: 2}

        def kept(t: Any) -> Any:
            scope = t.column("scope")
            n = t.column("sum(n)")
            wanted = pc.or_(
                pc.and_(pc.equal(scope, 0), pc.greater_equal(n, floor[0])),
                pc.and_(pc.equal(scope, 1), pc.greater_equal(n, floor[1])),
            )
            return t.filter(wanted)

        wanted = self._map(summed, kept).take_all()
        per_site = [(int(r["key"]), int(r["sum(n)"])) for r in wanted if r["scope"] == 0]
        anywhere = [(int(r["key"]), int(r["sum(n)"])) for r in wanted if r["scope"] == 1]
        return k.signing_context_from_rows(per_site, anywhere, self.site_docs)

    def _signed(self, docs: Any, context: bytes) -> Any:
        pa, k = self.pa, self.k

        def sign(t: Any) -> Any:
            signed = k.sign_documents(
                context, t.column(PREPARED).to_pylist(), t.column(SITE_INDEX).to_pylist()
            )
            return pa.table(
                {
                    ROW: t.column(ROW),
                    SITE_INDEX: t.column(SITE_INDEX),
                    SIGNED: pa.array(signed, pa.binary()),
                    VERSION: pa.array([-1] * len(signed), pa.int64()),
                }
            )

        return self._map(docs, sign)

    def _facts(self, signed: Any) -> Any:
        pa = self.pa

        def facts(t: Any) -> Any:
            f = Kernels.facts(t.column(SIGNED).to_pylist())
            return pa.table(
                {
                    ROW: t.column(ROW),
                    "shingles": pa.array([s for s, _ in f], pa.int64()),
                    "words": pa.array([w for _, w in f], pa.int64()),
                }
            )

        return self._map(signed, facts)

    def _exact_links(self, docs: Any) -> Any:
        """Every document with a copy elsewhere linked to the first of its copies."""
        pa = self.pa

        def links(t: Any) -> Any:
            rows = sorted(t.column(ROW).to_pylist())
            first = rows[0]
            rest = rows[1:]
            return pa.table(
                {"a": pa.array([first] * len(rest), pa.int64()), "b": pa.array(rest, pa.int64())}
            )

        return (
            docs.select_columns([EXACT, ROW])
            .groupby(EXACT, num_partitions=self.parts)
            .map_groups(links, batch_format="pyarrow")
        )

    def _candidates(self, signed: Any) -> Any:
        pa, k = self.pa, self.k

        def band_rows(t: Any) -> Any:
            keys: list[int] = []
            rows: list[int] = []
            for row, s in zip(t.column(ROW).to_pylist(), t.column(SIGNED).to_pylist()):
                signature = Kernels.signature(s)
                if signature is None:
                    continue
                these = k.band_keys(signature)
                keys.extend(these)
                rows.extend([row] * len(these))
            return pa.table({"band": pa.array(keys, pa.uint64()), ROW: pa.array(rows, pa.int64())})

        def bucket(t: Any) -> Any:
            pairs = Kernels.bucket_pairs(t.column(ROW).to_pylist())
            return pa.table(
                {
                    "a": pa.array([a for a, _ in pairs], pa.int64()),
                    "b": pa.array([b for _, b in pairs], pa.int64()),
                }
            )

        buckets = self._map(signed, band_rows).groupby("band", num_partitions=self.parts).map_groups(
            bucket, batch_format="pyarrow"
        )
        return buckets.groupby(["a", "b"], num_partitions=self.parts).count().select_columns(["a", "b"])

    def _with_payloads(self, pairs: Any, payload: Any, column: str) -> Any:
        """Each pair with `column` of both its documents (as `column`_a and `column`_b)."""
        left = payload.select_columns([ROW, column]).rename_columns(
            {ROW: "a", column: f"{column}_a"}
        )
        right = payload.select_columns([ROW, column]).rename_columns(
            {ROW: "b", column: f"{column}_b"}
        )
        return self._join(self._join(pairs, left, "a"), right, "b")

    def _judged(self, pairs: Any, signed: Any) -> Any:
        pa, k = self.pa, self.k

        def judge(t: Any) -> Any:
            out: dict[str, list[Any]] = {c: [] for c in
                                         ("a", "b", "jaccard", "containment", "accepted",
                                          "borderline", "apart")}
            for a, b, sa, sb in zip(
                t.column("a").to_pylist(),
                t.column("b").to_pylist(),
                t.column(f"{SIGNED}_a").to_pylist(),
                t.column(f"{SIGNED}_b").to_pylist(),
            ):
                verdict = k.judge((a, b), sa, sb)
                if verdict is None:
                    continue
                jaccard, containment, accepted, borderline = verdict
                out["a"].append(a)
                out["b"].append(b)
                out["jaccard"].append(jaccard)
                out["containment"].append(containment)
                out["accepted"].append(accepted)
                out["borderline"].append(borderline)
                out["apart"].append(bool(accepted and Kernels.kept_apart(sa, sb)))
            return _verdicts(pa, out)

        return self._map(self._with_payloads(pairs, signed, SIGNED), judge)

    def _accepted(self, judged: Any) -> Any:
        pc = self.pc

        def accepted(t: Any) -> Any:
            return t.filter(pc.and_(t.column("accepted"), pc.invert(t.column("apart"))))

        return self._map(judged, accepted)

    def _labels(self, edges: Any) -> Any:
        """Connected components of `edges` (a, b) as (ROW, label): the smallest row of each
        component, by min-label propagation with pointer jumping."""
        from ray.data.aggregate import Min

        pa, pc = self.pa, self.pc

        def both_ways(t: Any) -> Any:
            a, b = t.column("a"), t.column("b")
            return pa.table(
                {
                    "a": pa.concat_arrays([a.combine_chunks(), b.combine_chunks()]),
                    "b": pa.concat_arrays([b.combine_chunks(), a.combine_chunks()]),
                }
            )

        arcs = self._map(edges, both_ways).materialize()

        def first_label(t: Any) -> Any:
            return pa.table(
                {ROW: t.column("a"), "label": pc.min_element_wise(t.column("a"), t.column("min(b)"))}
            )

        labels = self._map(arcs.groupby("a", num_partitions=self.parts).aggregate(Min("b")), first_label).materialize()
        while True:
            # each node takes the smallest label among its neighbours' and its own
            heard = self._join(
                arcs, labels.rename_columns({ROW: "b", "label": "heard"}), "b"
            )
            best = heard.groupby("a", num_partitions=self.parts).aggregate(Min("heard")).rename_columns({"a": ROW})
            merged = self._join(labels, best, ROW)

            def lower(t: Any) -> Any:
                new = pc.min_element_wise(t.column("label"), t.column("min(heard)"))
                return pa.table({ROW: t.column(ROW), "label": new, "old": t.column("label")})

            merged = self._map(merged, lower).materialize()
            # pointer jumping: a node takes its label's label
            jumped = self._join(
                merged,
                merged.select_columns([ROW, "label"]).rename_columns(
                    {ROW: "label", "label": "jump"}
                ),
                "label",
            )

            def jump(t: Any) -> Any:
                new = pc.min_element_wise(t.column("label"), t.column("jump"))
                changed = pc.less(new, t.column("old"))
                return pa.table({ROW: t.column(ROW), "label": new, "changed": changed})

            step = self._map(jumped, jump).materialize()
            changed = step.sum("changed") or 0
            labels = step.select_columns([ROW, "label"]).materialize()
            if not changed:
                return labels

    def _groups(self, pairs: Any, exact_links: Any) -> tuple[Any, Any]:
        """The connected groups of `pairs` (any with columns a, b) and the copies: each
        document of a group with its label, and each pair with its group's label."""
        edges = pairs.select_columns(["a", "b"]).union(exact_links.select_columns(["a", "b"]))
        labels = self._labels(edges)
        return labels, self._join(pairs, labels.rename_columns({ROW: "a"}), "a")

    def _group_clusters(self, verified: Any, exact_links: Any, facts: Any) -> Any:
        """Each document of a cluster: its cluster (smallest row), representative and direct
        match, from `cluster_group` on every connected group."""
        pa, k = self.pa, self.k
        labels, labelled_pairs = self._groups(verified, exact_links)
        members = self._join(self._join(labels, facts, ROW), self._docs_ids, ROW)

        def member_rows(t: Any) -> Any:
            n = t.num_rows
            return pa.table(
                {
                    "label": t.column("label"),
                    "kind": pa.array([0] * n, pa.int8()),
                    "a": t.column(ROW),
                    "b": pa.array([-1] * n, pa.int64()),
                    "jaccard": pa.array([0.0] * n, pa.float64()),
                    "containment": pa.array([0.0] * n, pa.float64()),
                    "id": t.column(ID),
                    "shingles": t.column("shingles"),
                    "words": t.column("words"),
                    "exact": t.column(EXACT),
                }
            )

        def pair_rows(t: Any) -> Any:
            n = t.num_rows
            return pa.table(
                {
                    "label": t.column("label"),
                    "kind": pa.array([1] * n, pa.int8()),
                    "a": t.column("a"),
                    "b": t.column("b"),
                    "jaccard": t.column("jaccard"),
                    "containment": t.column("containment"),
                    "id": pa.array([""] * n, pa.string()),
                    "shingles": pa.array([0] * n, pa.int64()),
                    "words": pa.array([0] * n, pa.int64()),
                    "exact": pa.array([b""] * n, pa.binary()),
                }
            )

        rows = self._map(members, member_rows).union(self._map(labelled_pairs, pair_rows))

        def cluster(t: Any) -> Any:
            d = t.to_pydict()
            group = []
            pairs = []
            likeness = {}
            for kind, a, b, j, c, i, s, w, e in zip(
                d["kind"], d["a"], d["b"], d["jaccard"], d["containment"], d["id"],
                d["shingles"], d["words"], d["exact"],
            ):
                if kind == 0:
                    group.append((a, i, s, w, e))
                else:
                    pairs.append((a, b, j, c))
                    likeness[(min(a, b), max(a, b))] = (j, c)
            id_of = {m[0]: m[1] for m in group}
            exact_of = {m[0]: m[4] for m in group}
            out: dict[str, list[Any]] = {
                c: [] for c in (ROW, "_nd_cluster", "_nd_rep_row", "_nd_match_id",
                                "_nd_joined_by", "_nd_similarity")
            }
            for found, rep, matches in k.cluster_group(group, pairs):
                matched = dict(matches)
                for m in found:
                    out[ROW].append(m)
                    out["_nd_cluster"].append(found[0])
                    out["_nd_rep_row"].append(rep)
                    if m == rep:
                        out["_nd_match_id"].append(None)
                        out["_nd_joined_by"].append(None)
                        out["_nd_similarity"].append(None)
                        continue
                    # the member it matches directly (the representative where it can)
                    other = matched[m]
                    out["_nd_match_id"].append(id_of[other])
                    if exact_of[m] == exact_of[other]:
                        jaccard, containment = 1.0, 1.0
                    else:
                        jaccard, containment = likeness.get((min(m, other), max(m, other)),
                                                            (0.0, 0.0))
                    out["_nd_joined_by"].append(
                        "jaccard" if jaccard >= self.threshold else "containment"
                    )
                    out["_nd_similarity"].append(_round4(jaccard))
            return pa.table(
                {
                    ROW: pa.array(out[ROW], pa.int64()),
                    "_nd_cluster": pa.array(out["_nd_cluster"], pa.int64()),
                    "_nd_rep_row": pa.array(out["_nd_rep_row"], pa.int64()),
                    "_nd_match_id": pa.array(out["_nd_match_id"], pa.string()),
                    "_nd_joined_by": pa.array(out["_nd_joined_by"], pa.string()),
                    "_nd_similarity": pa.array(out["_nd_similarity"], pa.float64()),
                }
            )

        return rows.groupby("label", num_partitions=self.parts).map_groups(cluster, batch_format="pyarrow")

    def _round_clusters(self, judged: Any, exact_links: Any, facts: Any) -> Any:
        """Each clustered document's cluster (its smallest row), as a round clusters."""
        verified = self._accepted(judged)
        clustered = self._group_clusters(verified, exact_links, facts)
        return clustered.select_columns([ROW, "_nd_cluster"]).materialize()

    def _decide(self, context: bytes, signed: Any, cluster_of: Any) -> bytes:
        """Round two: every document's evidence with its cluster, grouped by unit and decided;
        each site's clusters counted in a shuffle."""
        pa, pc, k = self.pa, self.pc, self.k
        with_cluster = self._join(
            signed.select_columns([ROW, SITE_INDEX, SIGNED]), cluster_of, ROW, "left_outer"
        )

        def own_cluster(t: Any) -> Any:
            cluster = pc.coalesce(t.column("_nd_cluster"), t.column(ROW))
            return pa.table(
                {
                    ROW: t.column(ROW),
                    SITE_INDEX: t.column(SITE_INDEX),
                    SIGNED: t.column(SIGNED),
                    "_nd_cluster": cluster,
                }
            )

        with_cluster = self._map(with_cluster, own_cluster).materialize()
        site_rows = (
            with_cluster.groupby([SITE_INDEX, "_nd_cluster"], num_partitions=self.parts).count()
            .groupby(SITE_INDEX, num_partitions=self.parts).count().take_all()
        )
        per_site = [0] * len(self.site_docs)
        for r in site_rows:
            per_site[int(r[SITE_INDEX])] = int(r["count()"])

        def evidence(t: Any) -> Any:
            rows = k.template_evidence(
                context,
                t.column(SIGNED).to_pylist(),
                t.column(ROW).to_pylist(),
                t.column(SITE_INDEX).to_pylist(),
                t.column("_nd_cluster").to_pylist(),
            )
            return pa.table(
                {
                    "key": pa.array([key for key, _ in rows], pa.uint64()),
                    "evidence": pa.array([e for _, e in rows], pa.binary()),
                }
            )

        def decide(t: Any) -> Any:
            decision = k.decide_unit_counted(context, t.column("evidence").to_pylist(), per_site)
            return pa.table({"decision": pa.array([] if decision is None else [decision],
                                                  pa.binary())})

        decisions = (
            self._map(with_cluster, evidence)
            .groupby("key", num_partitions=self.parts)
            .map_groups(decide, batch_format="pyarrow")
            .take_all()
        )
        return Kernels.template_set([r["decision"] for r in decisions])

    def _resigned(
        self, context: bytes, docs: Any, signed: Any, templates: bytes, versions: list[bytes]
    ) -> tuple[Any, int]:
        """Every document whose left-out units the decision changes, signed again; the rest
        as they were. Returns the documents and how many changed."""
        pa, k = self.pa, self.k
        version = len(versions)
        both = self._join(signed, docs.select_columns([ROW, PREPARED]), ROW)

        def again(t: Any) -> Any:
            rows = t.column(ROW).to_pylist()
            sites = t.column(SITE_INDEX).to_pylist()
            signed_docs = t.column(SIGNED).to_pylist()
            was = t.column(VERSION).to_pylist()
            prepared = t.column(PREPARED).to_pylist()
            # one call per version the documents were signed with
            by_version: dict[int, list[int]] = {}
            for i, v in enumerate(was):
                by_version.setdefault(v, []).append(i)
            changed = []
            for v, these in by_version.items():
                before = None if v < 0 else versions[v]
                verdicts = k.changed(context, [signed_docs[i] for i in these],
                                     [rows[i] for i in these], [sites[i] for i in these],
                                     templates, before)
                changed += [i for i, c in zip(these, verdicts) if c]
            changed.sort()
            if changed:
                fresh = k.resign(
                    context,
                    templates,
                    [prepared[i] for i in changed],
                    [rows[i] for i in changed],
                    [sites[i] for i in changed],
                )
                for i, s in zip(changed, fresh):
                    signed_docs[i] = s
                    was[i] = version
            mark = [False] * len(rows)
            for i in changed:
                mark[i] = True
            return pa.table(
                {
                    ROW: t.column(ROW),
                    SITE_INDEX: t.column(SITE_INDEX),
                    SIGNED: pa.array(signed_docs, pa.binary()),
                    VERSION: pa.array(was, pa.int64()),
                    "changed": pa.array(mark, pa.bool_()),
                }
            )

        step = self._map(both, again).materialize()
        changed = int(step.sum("changed") or 0)
        if changed == 0:
            return signed, 0
        return step.drop_columns(["changed"]).materialize(), changed

    def _verified_exactly(
        self, judged: Any, exact_links: Any, docs: Any, context: bytes, templates: bytes
    ) -> Any:
        """The borderline pairs that matter (``verify="auto"``; every pair for "exact")
        judged again on exact shingle sets under the final templates."""
        pa, pc, k = self.pa, self.pc, self.k
        if self.verify == "exact":
            checked = judged.select_columns(["a", "b"])
        else:
            checked = self._borderline_that_matter(judged, exact_links)
        checked = checked.materialize()
        rows = checked.select_columns(["a"]).rename_columns({"a": ROW}).union(
            checked.select_columns(["b"]).rename_columns({"b": ROW})
        ).groupby(ROW, num_partitions=self.parts).count().select_columns([ROW])
        these = self._join(rows, docs.select_columns([ROW, SITE_INDEX, PREPARED]), ROW)

        def shingles(t: Any) -> Any:
            sets = k.exact_shingles(
                context,
                templates,
                t.column(PREPARED).to_pylist(),
                t.column(ROW).to_pylist(),
                t.column(SITE_INDEX).to_pylist(),
            )
            return pa.table({ROW: t.column(ROW), "set": pa.array(sets, pa.list_(pa.uint64()))})

        sets = self._map(these, shingles)

        def judge(t: Any) -> Any:
            out: dict[str, list[Any]] = {c: [] for c in ("a", "b", "ej", "ec", "ea")}
            for a, b, sa, sb in zip(
                t.column("a").to_pylist(),
                t.column("b").to_pylist(),
                t.column("set_a").to_pylist(),
                t.column("set_b").to_pylist(),
            ):
                jaccard, containment, accepted = k.judge_exact((a, b), sa, sb)
                out["a"].append(a)
                out["b"].append(b)
                out["ej"].append(jaccard)
                out["ec"].append(containment)
                out["ea"].append(accepted)
            return _typed(pa, out, {"a": pa.int64(), "b": pa.int64(), "ej": pa.float64(),
                                    "ec": pa.float64(), "ea": pa.bool_()})

        exactly = self._map(self._with_payloads(checked, sets, "set"), judge)
        merged = judged.join(exactly, "left_outer", self.parts, on=("a", "b"))

        def replaced(t: Any) -> Any:
            checked_here = pc.is_valid(t.column("ej"))
            return pa.table(
                {
                    "a": t.column("a"),
                    "b": t.column("b"),
                    "jaccard": pc.if_else(checked_here, t.column("ej"), t.column("jaccard")),
                    "containment": pc.if_else(
                        checked_here, t.column("ec"), t.column("containment")
                    ),
                    "accepted": pc.if_else(checked_here, t.column("ea"), t.column("accepted")),
                    "borderline": t.column("borderline"),
                    "apart": t.column("apart"),
                }
            )

        return self._map(merged, replaced)

    def _borderline_that_matter(self, judged: Any, exact_links: Any) -> Any:
        """The scan's choice of borderline pairs, group by group: the groups of the accepted
        pairs and copies; a borderline pair between two groups (or outside any) always
        matters, and inside one `borderline_in_group` decides."""
        pa, pc = self.pa, self.pc
        accepted = self._map(judged, lambda t: t.filter(t.column("accepted")))
        labels = self._labels(
            accepted.select_columns(["a", "b"]).union(exact_links.select_columns(["a", "b"]))
        ).materialize()
        with_a = self._join(judged, labels.rename_columns({ROW: "a", "label": "la"}), "a",
                            "left_outer")
        labelled = self._join(
            with_a, labels.rename_columns({ROW: "b", "label": "lb"}), "b", "left_outer"
        ).materialize()

        def inside(t: Any) -> Any:
            same = pc.fill_null(pc.equal(t.column("la"), t.column("lb")), False)
            return t.filter(same)

        def outside(t: Any) -> Any:
            same = pc.fill_null(pc.equal(t.column("la"), t.column("lb")), False)
            return t.filter(pc.and_(pc.invert(same), t.column("borderline"))).select(["a", "b"])

        crossing = self._map(labelled, outside)
        members = self._join(labels, self._docs_ids.select_columns([ROW, EXACT]), ROW)

        def member_rows(t: Any) -> Any:
            n = t.num_rows
            return _group_rows(pa, t.column("label"), 0, t.column(ROW), None, t.column(EXACT), n)

        def verdict_rows(t: Any) -> Any:
            return _group_rows(pa, t.column("la"), 1, t.column("a"), t, None, t.num_rows)

        rows = self._map(members, member_rows).union(self._map(self._map(labelled, inside),
                                                               verdict_rows))

        def matter(t: Any) -> Any:
            d = t.to_pydict()
            group = [(a, e) for kind, a, e in zip(d["kind"], d["a"], d["exact"]) if kind == 0]
            verdicts = [
                (a, b, j, c, acc, bl)
                for kind, a, b, j, c, acc, bl in zip(
                    d["kind"], d["a"], d["b"], d["jaccard"], d["containment"], d["accepted"],
                    d["borderline"],
                )
                if kind == 1
            ]
            found = Kernels.borderline_in_group(group, verdicts)
            return pa.table(
                {
                    "a": pa.array([a for a, _ in found], pa.int64()),
                    "b": pa.array([b for _, b in found], pa.int64()),
                }
            )

        grouped = rows.groupby("label", num_partitions=self.parts).map_groups(matter, batch_format="pyarrow")
        return grouped.union(crossing)

    def _numbered_clusters(self, members: Any) -> Any:
        """The clusters numbered as the command line numbers them: largest first, then by
        smallest member."""
        rd = _modules()[2]
        clusters = (
            members.select_columns(["_nd_cluster"])
            .groupby("_nd_cluster", num_partitions=self.parts)
            .count()
        )
        ordered = clusters.rename_columns({"count()": "size"}).sort(
            ["size", "_nd_cluster"], descending=[True, False]
        ).materialize()
        count = ordered.count()
        if count == 0:
            empty = self.pa.array([], self.pa.int64())
            return rd.from_arrow(self.pa.table({"_nd_cluster": empty, "number": empty}))
        return (
            _numbered(rd, ordered, count, "_nd_index")
            .map_batches(
                lambda t: self.pa.table(
                    {
                        "_nd_cluster": t.column("_nd_cluster"),
                        "number": self.pc.add(t.column("_nd_index"), 1),
                    }
                ),
                batch_format="pyarrow",
            )
        )


def _group_rows(pa: Any, label: Any, kind: int, a: Any, verdicts: Any, exact: Any, n: int) -> Any:
    """Rows of one schema for a group's documents (kind 0, with their exact hash) and its
    verdicts (kind 1), so that both reach the group's reducer."""
    def column(name: str, kind_of: Any, default: Any) -> Any:
        if verdicts is not None and name in verdicts.column_names:
            return verdicts.column(name)
        return pa.array([default] * n, kind_of)

    return pa.table(
        {
            "label": label,
            "kind": pa.array([kind] * n, pa.int8()),
            "a": a,
            "b": column("b", pa.int64(), -1),
            "jaccard": column("jaccard", pa.float64(), 0.0),
            "containment": column("containment", pa.float64(), 0.0),
            "accepted": column("accepted", pa.bool_(), False),
            "borderline": column("borderline", pa.bool_(), False),
            "exact": exact if exact is not None else pa.array([b""] * n, pa.binary()),
        }
    )


def _result_table(pa: Any, d: dict[str, list[Any]]) -> Any:
    """The result columns of joined rows (`d` empty: no rows)."""
    rows, ids = d.get(ROW, []), d.get(ID, [])
    kept_for = d.get("_nd_match_id", [])
    keep = [m is None or m == r for m, r in zip(d.get("_nd_rep_row", []), rows)]

    def unless_kept(values: list[Any]) -> list[Any]:
        return [None if k else v for k, v in zip(keep, values)]

    return pa.table(
        {
            "row": pa.array(rows, pa.int64()),
            "id": pa.array(ids, pa.string()),
            "cluster": pa.array(d.get("number", []), pa.int64()),
            "duplicate_of": pa.array(unless_kept(kept_for), pa.string()),
            "keep": pa.array(keep, pa.bool_()),
            "joined_by": pa.array(unless_kept(d.get("_nd_joined_by", [])), pa.string()),
            "similarity": pa.array(unless_kept(d.get("_nd_similarity", [])), pa.float64()),
        }
    )


def _round4(x: float) -> float:
    """`x` to four decimals, halves away from zero, as the report rounds."""
    return math.copysign(math.floor(abs(x) * 10000.0 + 0.5), x) / 10000.0


def _typed(pa: Any, out: dict[str, list[Any]], types: dict[str, Any]) -> Any:
    """A table of the lists in `out`, each column of its type in `types` (in that order)."""
    return pa.table({name: pa.array(out[name], kind) for name, kind in types.items()})


def _verdicts(pa: Any, out: dict[str, list[Any]]) -> Any:
    return _typed(pa, out, {"a": pa.int64(), "b": pa.int64(), "jaccard": pa.float64(),
                            "containment": pa.float64(), "accepted": pa.bool_(),
                            "borderline": pa.bool_(), "apart": pa.bool_()})



def _literal(text: str) -> Any:
    """An option's value from the command line: an int, a float, or the text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def main(argv: list[str] | None = None) -> int:
    """``python -m neardup.ray scan PATH... --annotations FILE [options]``."""
    import argparse
    import json
    import sys

    from . import _OPTIONS

    parser = argparse.ArgumentParser(
        prog="python -m neardup.ray",
        description="neardup's near-duplicate clusters of a corpus, computed on a Ray cluster.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    scan_command = commands.add_parser(
        "scan", help="read files (text, JSON Lines, Parquet, HTML, WARC) and find the clusters"
    )
    scan_command.add_argument("paths", nargs="+", help="folders and files, as neardup scan takes")
    scan_command.add_argument(
        "--annotations",
        required=True,
        help="write one JSON line per document: id, cluster, duplicate_of, keep, joined_by, "
        "similarity",
    )
    scan_command.add_argument("--partitions", type=int, help="blocks of every shuffle")
    scan_command.add_argument(
        "--address", help="the Ray cluster (default: the one ray.init() finds, or a local one)"
    )
    scan_command.add_argument(
        "--num-cpus", type=int, help="CPUs of a local cluster started here (default: all)"
    )
    for name, default, help_text, for_dedup in _OPTIONS:
        if not for_dedup:
            continue
        flag = "--" + name.replace("_", "-")
        if isinstance(default, bool):
            scan_command.add_argument(flag, dest=name, action="store_true",
                                      default=argparse.SUPPRESS, help=help_text)
        elif isinstance(default, list):
            scan_command.add_argument(flag, dest=name, action="append",
                                      default=argparse.SUPPRESS, help=help_text)
        else:
            scan_command.add_argument(flag, dest=name, type=_literal,
                                      default=argparse.SUPPRESS, help=help_text)
    args = vars(parser.parse_args(argv))
    import ray

    address, num_cpus = args.pop("address"), args.pop("num_cpus")
    if address is None and not ray.is_initialized():
        # a local cluster, bound to this machine alone
        ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                 configure_logging=False, _node_ip_address="127.0.0.1")
    else:
        ray.init(address=address, include_dashboard=False, log_to_driver=False,
                 configure_logging=False)
    args.pop("command")
    paths, annotations, partitions = args.pop("paths"), args.pop("annotations"), args.pop(
        "partitions"
    )
    try:
        result, skipped = scan(paths, partitions=partitions, **args)
    except (TypeError, ValueError) as e:
        print(f"neardup.ray: {e}", file=sys.stderr)
        return 2
    for message in skipped:
        print(f"neardup.ray: skipped {message}", file=sys.stderr)
    documents = 0
    with open(annotations, "w", encoding="utf-8") as out:
        for row in result.iter_rows():
            row.pop("row", None)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            documents += 1
    print(
        f"neardup.ray: {documents} documents, {len(skipped)} skipped; annotations in {annotations}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
