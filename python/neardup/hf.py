"""Hugging Face ``datasets``: deduplicate a ``Dataset`` as text-dedup does, with neardup.

``neardup.hf.deduplicate(dataset)`` returns the dataset without its near-duplicates, with the
``__cluster__`` column text-dedup's MinHash script writes: the row index of the document each
row was kept for (its own index for a row kept). It reads the dataset's Arrow table a slice at
a time, through the same Rust scan as :func:`neardup.dedup` and the command line.
"""

from __future__ import annotations

from typing import Any

from . import DEFAULT_BATCH_SIZE, dedup

__all__ = ["deduplicate", "CLUSTER_COLUMN"]

#: The column of the row index each row was kept for, as text-dedup names it.
CLUSTER_COLUMN = "__cluster__"


def deduplicate(
    dataset: Any,
    text: str = "text",
    id: str | None = None,
    site: str | None = None,
    *,
    cluster_column: str | None = CLUSTER_COLUMN,
    filter: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Any = None,
    **options: Any,
) -> Any:
    """Returns ``dataset`` (a ``datasets.Dataset``) without the rows that are near-duplicates
    of a row kept, in their order.

    ``text``, ``id`` and ``site`` name its columns of text, ids (None: rows are told apart by
    their index) and sites (template blocks are counted per site; None: one site). The kept
    rows get ``cluster_column`` (default ``__cluster__``; None for no column): the index, in
    ``dataset``, of the row each row was kept for (its own index for a row kept).
    ``filter=False`` returns every row with that column, the duplicates included, to look at
    what would go (text-dedup's debug output). ``batch_size``, ``progress`` and the options
    are those of :func:`neardup.dedup`.

    Raises TypeError when ``dataset`` is no ``datasets.Dataset`` (pass tables and DataFrames
    to :func:`neardup.dedup`), ValueError for a bad option or a missing column.
    """
    if not (type(dataset).__module__.startswith("datasets") and hasattr(dataset, "select")):
        raise TypeError(
            f"deduplicate() takes a datasets.Dataset, got {type(dataset).__name__}; "
            "use neardup.dedup() for tables, DataFrames and iterables"
        )
    if cluster_column is not None and cluster_column in dataset.column_names:
        raise ValueError(f"the dataset already has a column {cluster_column!r}; pass another cluster_column")
    result = dedup(dataset, text, id, site, batch_size=batch_size, progress=progress, **options)
    ids = result.column("id").to_pylist()
    representative = result.column("duplicate_of").to_pylist()
    row_of = {doc_id: row for row, doc_id in enumerate(ids)}
    cluster = [row if of is None else row_of[of] for row, of in enumerate(representative)]
    out = dataset if cluster_column is None else dataset.add_column(cluster_column, cluster)
    if not filter:
        return out
    return out.select([row for row, of in enumerate(representative) if of is None])
