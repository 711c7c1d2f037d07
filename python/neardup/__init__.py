"""neardup: find near-duplicate documents, site template blocks and repeated captions.

Two calls, both through the same Rust kernels as the ``neardup`` command line:

* ``neardup.scan(paths, **options)`` scans folders and files (text, Markdown, JSON Lines,
  HTML, WARC, Parquet, compressed or not) and returns a :class:`Report`.
* ``neardup.dedup(data, text="text", id=None, site=None, **options)`` takes a table (pyarrow,
  pandas, polars) or an iterable of strings or dicts and returns a ``pyarrow.Table`` with one
  row per input row: ``id``, ``cluster``, ``duplicate_of``, ``keep``, ``spans``.

``help(neardup.dedup)`` and ``help(neardup.scan)`` list every option with its default.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
import warnings
from typing import Any, Iterable, Iterator

from . import _native

__version__: str = _native.__version__
__all__ = ["scan", "dedup", "Deduplicator", "MinHash", "MinHashLSH", "Report", "options", "DEFAULT_BATCH_SIZE", "hf"]

#: Rows handed to the Rust scan at a time by :func:`dedup`: memory stays flat whatever the
#: size of the input; the result does not depend on it.
DEFAULT_BATCH_SIZE = 10_000

_OPTIONS: list[tuple[str, Any, str, bool]] = _native.options()


def options(call: str = "scan") -> dict[str, Any]:
    """The keyword options of ``scan`` (``call="scan"``) or ``dedup`` with their defaults."""
    if call not in ("scan", "dedup"):
        raise ValueError(f"call must be 'scan' or 'dedup', got {call!r}")
    return {name: default for name, default, _, for_dedup in _OPTIONS if call == "scan" or for_dedup}


def _options_help(call: str) -> str:
    """The options of ``call`` as the docstring lists them."""
    lines = []
    for name, default, help_text, for_dedup in _OPTIONS:
        if call == "dedup" and not for_dedup:
            continue
        lines.append(f"    {name} (default: {default!r})")
        lines.extend(textwrap.wrap(help_text, width=88, initial_indent=" " * 8, subsequent_indent=" " * 8))
    return "\n".join(lines)


_PROGRESS_HELP = """    progress (default: None)
        A callable progress(stage, done, total) called as the scan goes (stage: 'reading',
        'signing', 're-signing', 'verifying'; done and total: files or documents); True for
        tqdm bars; None for tqdm bars when tqdm is installed and standard error is a terminal;
        False for nothing."""


def _pyarrow() -> Any:
    """The pyarrow module, or None when it is not installed."""
    try:
        import pyarrow
    except ImportError:
        return None
    return pyarrow


_SPAN_FIELDS = ("kind", "start_line", "end_line", "start_byte", "end_byte")


def _annotation_table(result: Any, extra: dict[str, tuple[list, str]] | None = None) -> Any:
    """The annotations of a native result as a pyarrow.Table (a list of dicts without
    pyarrow): id, cluster, duplicate_of, keep, joined_by, similarity, spans, then ``extra``.
    With pyarrow the columns are built in Rust and taken through the Arrow C stream interface:
    no Python object per document."""
    pa = _pyarrow()
    if pa is not None:
        table = pa.RecordBatchReader.from_stream(result.result_stream()).read_all()
        for name, (values, type_name) in (extra or {}).items():
            table = table.append_column(name, pa.array(values, pa.type_for_alias(type_name)))
        return table
    ids, clusters, duplicate_of, spans = result.annotation_columns()
    joined_by, similarity = result.joins()
    columns: dict[str, list] = {
        "id": ids,
        "cluster": clusters,
        "duplicate_of": duplicate_of,
        "keep": [d is None for d in duplicate_of],
        "joined_by": joined_by,
        "similarity": similarity,
        "spans": [[dict(zip(_SPAN_FIELDS, s)) for s in doc] for doc in spans],
        **{name: values for name, (values, _) in (extra or {}).items()},
    }
    names = list(columns)
    return [dict(zip(names, row)) for row in zip(*columns.values())]


class _Bars:
    """Progress as tqdm bars, one per stage."""

    def __init__(self, tqdm: Any) -> None:
        self.tqdm, self.bar, self.stage = tqdm, None, None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage or self.bar is None:
            self.close()
            self.bar, self.stage = self.tqdm(total=total, desc=stage, unit="doc", leave=False), stage
        self.bar.n = done
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _progress(progress: Any) -> Any:
    """The callable that gets the scan's progress, or None: ``progress`` itself when callable;
    tqdm bars when True, or when None and standard error is a terminal with tqdm installed."""
    if callable(progress):
        return progress
    if progress is False:
        return None
    if progress is None and not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        if progress is True:
            raise ValueError("progress=True needs tqdm (pip install tqdm); or pass a callable") from None
        return None
    return _Bars(tqdm)


class Report:
    """The result of :func:`scan`: the JSON report and one annotation per document."""

    def __init__(self, result: Any) -> None:
        self._result = result
        self._dict: dict[str, Any] | None = None

    def to_dict(self, timing: bool = True) -> dict[str, Any]:
        """The report as ``neardup scan --report`` writes it (``timing=False``: as with
        ``--no-timing``, so that two runs compare equal)."""
        if timing:
            if self._dict is None:
                self._dict = json.loads(self._result.report_json(True))
            return json.loads(json.dumps(self._dict))
        return json.loads(self._result.report_json(False))

    @property
    def summary(self) -> dict[str, Any]:
        """Counts and the parameters used (the report's ``summary``)."""
        return self.to_dict()["summary"]

    @property
    def clusters(self) -> list[dict[str, Any]]:
        """The duplicate clusters, largest first (the report's ``duplicate_clusters``)."""
        return self.to_dict()["duplicate_clusters"]

    @property
    def template_blocks(self) -> list[dict[str, Any]]:
        """Lines and paragraphs that sites repeat on many pages."""
        return self.to_dict()["template_blocks"]

    @property
    def repeated_blocks(self) -> list[dict[str, Any]]:
        """Blocks repeated inside documents or reused by a few different documents."""
        return self.to_dict()["repeated_blocks"]

    @property
    def skipped(self) -> list[dict[str, Any]]:
        """Inputs not used, with the reason."""
        return self.to_dict()["skipped"]

    @property
    def annotations(self) -> Any:
        """One row per document: id, cluster, duplicate_of, keep, joined_by, similarity,
        spans, path, line, site (see :func:`dedup` for each); a ``pyarrow.Table`` when
        pyarrow is installed, else a list of dicts."""
        paths, lines, sites = self._result.annotation_places()
        extra = {"path": (paths, "string"), "line": (lines, "uint32"), "site": (sites, "string")}
        return _annotation_table(self._result, extra)

    def annotations_jsonl(self) -> str:
        """The annotations exactly as ``neardup scan --annotations`` writes them."""
        return self._result.annotations_jsonl()

    @property
    def warnings(self) -> list[str]:
        """What the user should know about the input (the command line's warnings)."""
        return self._result.warnings()

    @property
    def input_error(self) -> str | None:
        """Why the result must not be used as if the corpus had been read (the command line
        exits with code 3), or None."""
        return self._result.input_error()

    def clean(self, dir: str | os.PathLike[str]) -> dict[str, int]:
        """Writes the clean copy of the scanned files into ``dir``, as ``neardup scan --clean
        DIR`` does: each kept document without its template, repeated and boilerplate spans,
        duplicates left out, under the paths of its files (HTML and WARC as text, Parquet as
        JSON Lines). ``dir`` must be missing, empty, or a clean copy neardup wrote (then
        replaced whole). Returns the counts: kept, dropped, dropped_bytes, stripped_bytes (of
        which template_bytes, repeated_bytes, reused_bytes, boilerplate_bytes) and changed
        (documents whose file changed since the scan, not written).

        Raises OSError when ``dir`` cannot take it, RuntimeError for the result of
        :func:`dedup` (use ``cleaned_text=True`` there) or a scan that read nothing."""
        return self._result.clean(os.fspath(dir))

    def write_html(self, path: str | os.PathLike[str], limit: int = _native.HTML_LIMIT) -> None:
        """Writes the report as one self-contained HTML page (``neardup scan --html``), with
        at most ``limit`` rows per list."""
        self._result.write_html(os.fspath(path), limit)

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<neardup.Report: {s['documents']} documents, {s['duplicate_clusters']} duplicate "
            f"clusters, {s['duplicate_documents']} duplicates>"
        )


def scan(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]], *, progress: Any = None, **options: Any
) -> Report:
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    bars = _progress(progress)
    try:
        result = _native.scan([os.fspath(p) for p in paths], options, bars)
    finally:
        if isinstance(bars, _Bars):
            bars.close()
    report = Report(result)
    for warning in report.warnings:
        warnings.warn(warning, stacklevel=2)
    if report.input_error is not None:
        warnings.warn(report.input_error, stacklevel=2)
    return report


scan.__doc__ = f"""Scans folders and files and returns a :class:`Report`.

``paths`` is a folder, a file, or a list of them; folders are walked for .txt, .md, .jsonl,
.ndjson, .html, .htm, .warc (optionally .gz or .zst) and .parquet files. The options are the
command line's flags in snake_case, with the same defaults:

{_PROGRESS_HELP}
{_options_help("scan")}

Raises TypeError for an unknown option, ValueError for a bad value and OSError for a path that
cannot be read.
"""


class _Rows:
    """The rows of an iterable of strings or dicts as batches of (texts, ids, sites) lists."""

    def __init__(self, text: str, id: str | None, site: str | None, batch_size: int) -> None:
        self.text, self.id, self.site, self.batch_size = text, id, site, batch_size

    def of(self, data: Iterable[Any]) -> Iterator[tuple[list[str], list | None, list | None]]:
        if isinstance(data, (str, bytes)):
            raise TypeError("data must be a table or an iterable of strings or dicts, not one string")
        texts: list[str] = []
        ids: list | None = [] if self.id else None
        sites: list | None = [] if self.site else None
        for n, row in enumerate(data, start=1):
            if isinstance(row, str):
                texts.append(row)
                if ids is not None:
                    ids.append(None)
                if sites is not None:
                    sites.append(None)
            elif isinstance(row, dict):
                if self.text not in row:
                    raise ValueError(f"row {n} has no {self.text!r} key (its keys: {list(row)})")
                value = row[self.text]
                if value is not None and not isinstance(value, str):
                    raise TypeError(f"row {n}: {self.text!r} must be a string, got {type(value).__name__}")
                texts.append(value or "")
                if ids is not None:
                    ids.append(_string(row.get(self.id)))
                if sites is not None:
                    sites.append(_string(row.get(self.site)))
            else:
                raise TypeError(f"row {n} must be a string or a dict, got {type(row).__name__}")
            if len(texts) == self.batch_size:
                yield texts, ids, sites
                texts = []
                ids = [] if self.id else None
                sites = [] if self.site else None
        if texts:
            yield texts, ids, sites


def _with_string_columns(data: Any, pa: Any, text: str, others: list[str]) -> Any:
    """A Table or RecordBatchReader of the columns the scan reads, its id and site columns
    cast to strings (ids may be numbers); the text column is left as it is."""
    _check_columns(data.schema.names, [text, *others])
    wanted = [text, *others]
    fields = [
        data.schema.field(name).with_type(pa.large_string())
        if name != text and not pa.types.is_string(data.schema.field(name).type)
        and not pa.types.is_large_string(data.schema.field(name).type)
        else data.schema.field(name)
        for name in wanted
    ]
    schema = pa.schema(fields)
    if isinstance(data, pa.Table):
        return data.select(wanted).cast(schema)
    batches = (
        part
        for batch in data
        for part in pa.Table.from_batches([batch]).select(wanted).cast(schema).to_batches()
    )
    return pa.RecordBatchReader.from_batches(schema, batches)


def _check_columns(names: list[str], wanted: list[str]) -> None:
    """A ValueError naming the first of ``wanted`` that is not among the columns ``names``."""
    for column in wanted:
        if column not in names:
            raise ValueError(f"no column {column!r} in the table; its columns are {names}")


def _string(value: Any) -> str | None:
    return None if value is None else str(value)


def _strings(values: list) -> list[str | None]:
    return [_string(v) for v in values]


def _as_arrow(data: Any, pa: Any) -> Any:
    """``data`` as a pyarrow Table or RecordBatchReader, or None when it is rows."""
    if pa is None:
        return None
    if isinstance(data, (pa.Table, pa.RecordBatchReader)):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__
    if module.startswith("datasets") and hasattr(data, "with_format") and hasattr(data, "features"):
        return _dataset_stream(data, pa)
    if module.startswith("polars") and hasattr(data, "to_arrow"):
        return data.to_arrow()
    if module.startswith("pandas") and hasattr(data, "columns"):
        return pa.Table.from_pandas(data, preserve_index=False)
    return None


def _dataset_stream(dataset: Any, pa: Any) -> Any:
    """A Hugging Face ``datasets.Dataset`` as a RecordBatchReader of its rows in order (a
    selection or shuffle of it included), read from its Arrow table a slice at a time."""
    schema = dataset.features.arrow_schema
    rows = dataset.with_format("arrow")
    batches = (
        batch
        for part in rows.iter(batch_size=DEFAULT_BATCH_SIZE)
        for batch in part.cast(schema).to_batches()
    )
    return pa.RecordBatchReader.from_batches(schema, batches)


def dedup(
    data: Any,
    text: str = "text",
    id: str | None = None,
    site: str | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Any = None,
    cleaned_text: bool = False,
    with_report: bool = False,
    **options: Any,
) -> Any:
    if not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    bars = _progress(progress)
    try:
        scanner = _native.BatchScan(options, bars, bool(cleaned_text))
        result = _scan_rows(scanner, data, text, id, site, batch_size)
    finally:
        if isinstance(bars, _Bars):
            bars.close()
    extra = {"cleaned_text": (result.cleaned_texts(), "string")} if cleaned_text else None
    table = _annotation_table(result, extra)
    return (table, Report(result)) if with_report else table


def _scan_rows(scanner: Any, data: Any, text: str, id: str | None, site: str | None, batch_size: int) -> Any:
    """Hands every row of ``data`` to ``scanner`` and returns its finished result."""
    pa = _pyarrow()
    table = _as_arrow(data, pa)
    if table is not None:
        others = [c for c in (id, site) if c is not None]
        scanner.add_arrow(_with_string_columns(table, pa, text, others), text, id, site, batch_size)
    elif hasattr(data, "__arrow_c_stream__"):
        # Any other Arrow producer (DuckDB, polars without pyarrow…): read as it is.
        scanner.add_arrow(data, text, id, site, batch_size)
    else:
        for texts, ids, sites in _Rows(text, id, site, batch_size).of(data):
            scanner.add(texts, ids, sites)
    return scanner.finish()


dedup.__doc__ = f"""Finds the near-duplicates, template and repeated blocks of a table of documents.

``data`` is a ``pyarrow.Table``, ``RecordBatch`` or ``RecordBatchReader``, a pandas or polars
DataFrame, a Hugging Face ``datasets.Dataset``, or an iterable of strings or dicts. ``text`` names the column (or key) of the text,
``id`` that of the ids (None: each document is named ``table:N`` by its row N, from 1), ``site``
that of the sites (template blocks are counted per site; None: one site). A null text is an
empty document.

Returns a ``pyarrow.Table`` (a list of dicts when pyarrow is not installed) with one row per
input row, in order: ``id``, ``cluster`` (the duplicate cluster, or null), ``duplicate_of``
(the id of the document kept for it, or null), ``keep`` (False for a duplicate of a kept
document), ``joined_by`` (for a duplicate: ``"jaccard"`` when its Jaccard similarity with the
member it matches reaches ``threshold``, ``"containment"`` when it lies inside that member;
null for a document kept), ``similarity`` (that Jaccard similarity, or null) and ``spans``
(template, repeated, reused and boilerplate spans to strip: kind, first and last line, start
and end byte). ``cleaned_text=True`` adds ``cleaned_text``: the text as the clean copy
writes it (the spans removed), null for a duplicate; the texts are then held until the end.
``with_report=True`` returns ``(table, report)``, the :class:`Report` of the scan (summary,
clusters, template and repeated blocks).

The rows go to the Rust scan ``batch_size`` at a time (default {DEFAULT_BATCH_SIZE:,}), so that
memory stays flat; the result does not depend on it. An Arrow table (or any object with
``__arrow_c_stream__``) is read through the Arrow C stream interface: its text goes from the
Arrow buffers to Rust without a Python string per document. The options are those of the command line
that decide what is found, in snake_case, with the same defaults:

    batch_size (default: {DEFAULT_BATCH_SIZE})
        Rows handed to the Rust scan at a time.
    cleaned_text (default: False)
        Add the cleaned_text column.
    with_report (default: False)
        Return (table, Report) instead of the table alone.
{_PROGRESS_HELP}
{_options_help("dedup")}

Raises TypeError for an unknown option and ValueError for a bad value.
"""



class Deduplicator:
    """A streaming near-duplicate index: batches go in as they arrive, and each document is
    answered at once, kept or a near-duplicate of a document kept before it (in this batch or
    an earlier one), as rensa's and datasketch's streaming indexes do.

    It runs the scan's own kernels (normalisation, script-aware shingles, MinHash, LSH bands)
    with the scan's defaults, so a pair :func:`dedup` joins by Jaccard is a duplicate here too.
    What needs the whole corpus first is left out: site templates, repeated and reused blocks,
    containment, and the exact check of borderline pairs (a pair is judged on its signatures'
    estimate). The answers do not depend on how the stream is cut into batches. Memory: one
    signature (``num_perm`` × 4 bytes), its band keys and its id per document kept.

    The options, in snake_case with the command line's defaults:

{options}
    """

    def __init__(self, **options: Any) -> None:
        self._index = _native.StreamIndex(options)

    def add(self, data: Any, text: str = "text", id: str | None = None) -> Any:
        """Answers the next documents, in order. ``data`` is a batch as :func:`dedup` takes it
        (a pyarrow Table or RecordBatch, a pandas or polars DataFrame, a list of strings or
        dicts); ``text`` and ``id`` name its columns (``id=None``: each document is named
        ``stream:N`` by its place N in the stream, from 1).

        Returns a ``pyarrow.Table`` (a list of dicts without pyarrow) with one row per
        document: ``id``, ``keep`` (False for a near-duplicate), ``duplicate_of`` (the id of
        the kept document it repeats, or null) and ``similarity`` (their estimated Jaccard
        similarity, or null)."""
        texts, ids = self._batch(data, text, id)
        ids, duplicate_of, similarity = self._index.add(texts, ids)
        columns = {
            "id": (ids, "string"),
            "keep": ([d is None for d in duplicate_of], "bool"),
            "duplicate_of": (duplicate_of, "string"),
            "similarity": (similarity, "double"),
        }
        pa = _pyarrow()
        if pa is None:
            return [dict(zip(columns, row)) for row in zip(*(v for v, _ in columns.values()))]
        return pa.table({name: pa.array(v, pa.type_for_alias(t)) for name, (v, t) in columns.items()})

    @staticmethod
    def _batch(data: Any, text: str, id: str | None) -> tuple[list[str], list | None]:
        """The texts and ids of one batch."""
        pa = _pyarrow()
        table = _as_arrow(data, pa)
        if table is not None:
            if isinstance(table, pa.RecordBatchReader):
                table = table.read_all()
            _check_columns(table.schema.names, [text] + ([id] if id else []))
            texts = [t or "" for t in table.column(text).to_pylist()]
            return texts, _strings(table.column(id).to_pylist()) if id else None
        texts: list[str] = []
        ids: list | None = [] if id else None
        for batch_texts, batch_ids, _ in _Rows(text, id, None, DEFAULT_BATCH_SIZE).of(data):
            texts.extend(batch_texts)
            if ids is not None and batch_ids is not None:
                ids.extend(batch_ids)
        return texts, ids

    @property
    def seen(self) -> int:
        """Documents answered so far."""
        return self._index.seen()

    @property
    def kept(self) -> int:
        """Documents kept so far (the index holds their signatures)."""
        return self._index.kept()

    def __repr__(self) -> str:
        bands, rows = self._index.lsh_params()
        return f"<neardup.Deduplicator: {self.seen} seen, {self.kept} kept, {bands} bands of {rows} rows>"


def _stream_options_help() -> str:
    lines = []
    for name, default, help_text, _ in _OPTIONS:
        if name in _native.STREAM_OPTIONS:
            lines.append(f"        {name} (default: {default!r})")
            lines.extend(textwrap.wrap(help_text, width=88, initial_indent=" " * 12, subsequent_indent=" " * 12))
    return "\n".join(lines)


Deduplicator.__doc__ = (Deduplicator.__doc__ or "").replace("{options}", _stream_options_help())


from . import hf  # noqa: E402  (neardup.hf needs the names above)
from .sketch import MinHash, MinHashLSH  # noqa: E402
