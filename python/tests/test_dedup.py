"""neardup.dedup gives what a scan of the same records gives, whatever the batch size."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import neardup

from conftest import ROOT, run_cli

pa = pytest.importorskip("pyarrow")


def clusters_of(ids: list[str], duplicate_of: list[str | None], clusters: list[int | None]) -> set[frozenset[str]]:
    """The clusters as sets of ids (cluster numbers aside)."""
    groups: dict[int, set[str]] = {}
    for i, c in zip(ids, clusters):
        if c is not None:
            groups.setdefault(c, set()).add(i)
    return {frozenset(g) for g in groups.values()}


def test_dedup_of_a_table_equals_the_command_line(cli: Path, tmp_path: Path, documents: list[dict], documents_jsonl: Path) -> None:
    _, cli_rows = run_cli(cli, [str(documents_jsonl)], tmp_path, "--site-field", "site")
    table = neardup.dedup(pa.Table.from_pylist(documents), id="id", site="site")
    assert table.num_rows == len(documents)
    assert table.column("id").to_pylist() == [d["id"] for d in documents]
    assert table.column("id").to_pylist() == [r["id"] for r in cli_rows]
    assert table.column("cluster").to_pylist() == [r["cluster"] for r in cli_rows]
    assert table.column("duplicate_of").to_pylist() == [r["duplicate_of"] for r in cli_rows]
    spans = [[(s["kind"], s["start_byte"], s["end_byte"]) for s in r["spans"]] for r in cli_rows]
    got = [[(s["kind"], s["start_byte"], s["end_byte"]) for s in row] for row in table.column("spans").to_pylist()]
    assert got == spans
    # The generated corpus has copies, edits and truncations, and site headers and footers.
    assert len(clusters_of(*(table.column(c).to_pylist() for c in ("id", "duplicate_of", "cluster")))) >= 20
    assert sum(1 for s in spans if any(k == "template" for k, _, _ in s)) > 100
    assert table.column("keep").to_pylist() == [r["duplicate_of"] is None for r in cli_rows]


@pytest.mark.parametrize("batch_size", [1, 7, 100])
def test_batch_size_does_not_change_the_result(documents: list[dict], batch_size: int) -> None:
    whole = neardup.dedup(documents, id="id", site="site")
    assert neardup.dedup(documents, id="id", site="site", batch_size=batch_size).equals(whole)
    table = pa.Table.from_pylist(documents)
    assert neardup.dedup(table, id="id", site="site", batch_size=batch_size).equals(whole)


def test_inputs_of_every_kind_give_one_answer(documents: list[dict]) -> None:
    table = pa.Table.from_pylist(documents)
    expected = neardup.dedup(table, id="id", site="site")
    reader = pa.RecordBatchReader.from_batches(table.schema, table.to_batches(max_chunksize=50))
    assert neardup.dedup(reader, id="id", site="site").equals(expected)
    assert neardup.dedup(iter(documents), id="id", site="site").equals(expected)


class ArrowStream:
    """An Arrow producer that is not pyarrow: only the PyCapsule interface."""

    def __init__(self, table: object) -> None:
        self.table = table

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self.table.__arrow_c_stream__(requested_schema)


def test_arrow_streams_of_every_string_type_give_one_answer(documents: list[dict]) -> None:
    table = pa.Table.from_pylist(documents)
    expected = neardup.dedup(documents, id="id", site="site")
    assert neardup.dedup(ArrowStream(table), id="id", site="site", batch_size=33).equals(expected)
    for kind in (pa.large_string(), pa.string_view()):
        cast = table.cast(pa.schema([(name, kind) for name in table.schema.names]))
        assert neardup.dedup(cast, id="id", site="site").equals(expected)


def test_numeric_ids_and_null_texts() -> None:
    story = "The harbour bridge reopens on Monday after two years of repairs, the city council said on Friday evening."
    table = pa.table({"id": [10, 20, 30], "text": [story, None, story]})
    out = neardup.dedup(table, id="id")
    assert out.column("id").to_pylist() == ["10", "20", "30"]
    assert out.column("duplicate_of").to_pylist() == [None, None, "10"]
    with pytest.raises(TypeError, match="column 'text' holds Int64, not strings"):
        neardup.dedup(ArrowStream(pa.table({"text": [1, 2]})))


def test_a_pandas_frame_gives_the_table_answer(documents: list[dict]) -> None:
    pandas = pytest.importorskip("pandas")
    expected = neardup.dedup(pa.Table.from_pylist(documents), id="id", site="site")
    assert neardup.dedup(pandas.DataFrame(documents), id="id", site="site").equals(expected)


def test_strings_are_named_by_their_row() -> None:
    story = "The harbour bridge reopens on Monday after two years of repairs, the city said on Friday."
    table = neardup.dedup([story, "A different note about the weather.", story])
    assert table.to_pylist() == [
        {"id": "table:1", "cluster": 1, "duplicate_of": None, "keep": True, "joined_by": None, "similarity": None, "spans": []},
        {"id": "table:2", "cluster": None, "duplicate_of": None, "keep": True, "joined_by": None, "similarity": None, "spans": []},
        {"id": "table:3", "cluster": 1, "duplicate_of": "table:1", "keep": False, "joined_by": "jaccard", "similarity": 1.0, "spans": []},
    ]


def test_without_pyarrow_rows_are_dicts(documents: list[dict], monkeypatch: pytest.MonkeyPatch) -> None:
    expected = neardup.dedup(documents, id="id", site="site").to_pylist()
    monkeypatch.setattr(neardup, "_pyarrow", lambda: None)
    assert neardup.dedup(documents, id="id", site="site") == expected


def test_options_change_the_result(documents: list[dict]) -> None:
    strict = neardup.dedup(documents, id="id", site="site", threshold=0.95, no_containment=True)
    loose = neardup.dedup(documents, id="id", site="site")
    assert strict.column("keep").to_pylist().count(False) < loose.column("keep").to_pylist().count(False)


def test_bad_input_and_options_raise() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'format'"):
        neardup.dedup(["a"], format="jsonl")
    with pytest.raises(TypeError, match="its options are: threshold"):
        neardup.dedup(["a"], thresold=0.5)
    with pytest.raises(ValueError, match="num_perm must be between 1 and 4096, got 0"):
        neardup.dedup(["a"], num_perm=0)
    with pytest.raises(ValueError, match="verify must be one of"):
        neardup.dedup(["a"], verify="maybe")
    with pytest.raises(ValueError, match="threads must be at least 1"):
        neardup.dedup(["a"], threads=0)
    with pytest.raises(ValueError, match="no column 'body'"):
        neardup.dedup(pa.table({"text": ["a"]}), text="body")
    with pytest.raises(ValueError, match="row 2 has no 'text' key"):
        neardup.dedup([{"text": "a"}, {"body": "b"}])
    with pytest.raises(TypeError, match="row 1 must be a string or a dict"):
        neardup.dedup([3])
    with pytest.raises(ValueError, match="batch_size"):
        neardup.dedup(["a"], batch_size=0)


def test_help_explains_every_option_with_its_default() -> None:
    doc = neardup.dedup.__doc__
    for name, default in neardup.options("dedup").items():
        assert f"{name} (default: {default!r})" in doc
    assert "format" not in neardup.options("dedup")
    scan_doc = neardup.scan.__doc__
    for name, default in neardup.options("scan").items():
        assert f"{name} (default: {default!r})" in scan_doc
    assert neardup.options()["threshold"] == 0.7
    assert neardup.options()["num_perm"] == 128


def test_type_stubs_carry_the_docstrings() -> None:
    """python/neardup/__init__.pyi is what python/make_stub.py writes from the docstrings of the
    installed package."""
    spec = importlib.util.spec_from_file_location("make_stub", ROOT / "python" / "make_stub.py")
    assert spec is not None and spec.loader is not None
    make_stub = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_stub)
    assert make_stub.STUB.read_text() == make_stub.render(), "the stub is out of date: run python python/make_stub.py"


def test_the_result_table_comes_through_the_arrow_stream_with_its_schema() -> None:
    table = neardup.dedup(["one text here for the table", "one text here for the table"])
    span = pa.struct(
        [
            ("kind", pa.string()),
            ("start_line", pa.uint32()),
            ("end_line", pa.uint32()),
            ("start_byte", pa.uint32()),
            ("end_byte", pa.uint32()),
        ]
    )
    assert table.schema == pa.schema(
        [
            ("id", pa.string()),
            ("cluster", pa.uint64()),
            ("duplicate_of", pa.string()),
            ("keep", pa.bool_()),
            ("joined_by", pa.string()),
            ("similarity", pa.float64()),
            ("spans", pa.list_(span)),
        ]
    )
    assert table.column("duplicate_of").to_pylist() == [None, "table:1"]


def test_a_result_table_does_not_import_pandas() -> None:
    # Building the columns from Python lists made pyarrow import pandas: 0.25-0.45 s and about
    # 55 MB on a first call.
    import subprocess
    import sys

    code = (
        "import sys, neardup\n"
        "t = neardup.dedup(['a text of some words here', 'a text of some words here'])\n"
        "assert t.num_rows == 2\n"
        "print('pandas' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", out.stderr
