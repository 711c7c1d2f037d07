"""What dedup and scan give besides the clusters: the rule that joined each duplicate, the
cleaned text, the report of a dedup, the clean copy of a scan, and Hugging Face datasets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import neardup

from conftest import ROOT, run_cli

pa = pytest.importorskip("pyarrow")


def test_joined_by_and_similarity_follow_the_clusters(cli: Path, tmp_path: Path, documents: list[dict], documents_jsonl: Path) -> None:
    report, _ = run_cli(cli, [str(documents_jsonl)], tmp_path, "--site-field", "site")
    table = neardup.dedup(pa.Table.from_pylist(documents), id="id", site="site")
    rows = table.to_pylist()
    threshold = report["summary"]["parameters"]["threshold"]
    members = {m["id"]: m for c in report["duplicate_clusters"] for m in c["documents"] if m["id"] != c["representative"]}
    rules = set()
    for row in rows:
        if row["keep"]:
            assert row["joined_by"] is None and row["similarity"] is None, row
            continue
        member = members[row["id"]]
        assert row["similarity"] == member["similarity"]
        expected = "jaccard" if member["similarity"] >= threshold else "containment"
        assert row["joined_by"] == expected
        rules.add(expected)
    # the generated corpus has copies and truncations: both rules join something
    assert rules == {"jaccard", "containment"}


def test_cleaned_text_is_what_the_clean_copy_writes(cli: Path, tmp_path: Path, documents: list[dict], documents_jsonl: Path) -> None:
    clean = tmp_path / "clean"
    run_cli(cli, [str(documents_jsonl)], tmp_path, "--site-field", "site", "--clean", str(clean))
    written = {}
    for path in clean.rglob("*.jsonl"):
        for line in path.read_text().splitlines():
            record = json.loads(line)
            written[record["id"]] = record["text"]
    table = neardup.dedup(pa.Table.from_pylist(documents), id="id", site="site", cleaned_text=True, batch_size=50)
    cleaned = dict(zip(table.column("id").to_pylist(), table.column("cleaned_text").to_pylist()))
    kept = {i for i, k in zip(table.column("id").to_pylist(), table.column("keep").to_pylist()) if k}
    assert {i for i, t in cleaned.items() if t is not None} == kept == set(written)
    assert all(cleaned[i] == written[i] for i in kept)
    # the template spans went: cleaned texts are shorter than the texts in all
    texts = {d["id"]: d["text"] for d in documents}
    assert sum(len(cleaned[i]) for i in kept) < sum(len(texts[i]) for i in kept)
    # without the option the column is not there, and the rest is the same
    plain = neardup.dedup(pa.Table.from_pylist(documents), id="id", site="site")
    assert "cleaned_text" not in plain.column_names
    assert table.drop_columns(["cleaned_text"]).equals(plain)


def test_dedup_returns_its_report_on_request(cli: Path, tmp_path: Path, documents: list[dict], documents_jsonl: Path) -> None:
    cli_report, _ = run_cli(cli, [str(documents_jsonl)], tmp_path, "--site-field", "site")
    table, report = neardup.dedup(documents, id="id", site="site", with_report=True)
    assert table.equals(neardup.dedup(documents, id="id", site="site"))
    assert isinstance(report, neardup.Report)
    ours = report.to_dict(timing=False)
    assert ours["duplicate_clusters"] == cli_report["duplicate_clusters"]
    assert ours["summary"]["duplicate_documents"] == cli_report["summary"]["duplicate_documents"]
    assert [b["text"] for b in ours["template_blocks"]] == [b["text"] for b in cli_report["template_blocks"]]
    with pytest.raises(RuntimeError, match="cleaned_text=True"):
        report.clean(tmp_path / "nowhere")


def test_report_clean_writes_what_the_command_line_writes(cli: Path, tmp_path: Path) -> None:
    run_cli(cli, ["samples"], tmp_path, "--clean", str(tmp_path / "cli-clean"))
    report = neardup.scan(ROOT / "samples")
    done = report.clean(tmp_path / "py-clean")
    files = sorted(p.relative_to(tmp_path / "cli-clean") for p in (tmp_path / "cli-clean").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "py-clean") for p in (tmp_path / "py-clean").rglob("*") if p.is_file())
    for f in files:
        assert (tmp_path / "py-clean" / f).read_bytes() == (tmp_path / "cli-clean" / f).read_bytes(), f
    summary = report.summary
    assert done["kept"] == summary["documents"] - summary["duplicate_documents"]
    assert done["dropped"] == summary["duplicate_documents"] > 0
    assert done["template_bytes"] > 0 and done["stripped_bytes"] >= done["template_bytes"]
    # a folder that holds other files is refused, as --clean refuses it
    other = tmp_path / "other"
    other.mkdir()
    (other / "mine.txt").write_text("keep me")
    with pytest.raises(OSError, match="other"):
        report.clean(other)
    assert (other / "mine.txt").read_text() == "keep me"


datasets = pytest.importorskip("datasets")


def test_a_hugging_face_dataset_deduplicates_as_a_table(documents: list[dict]) -> None:
    dataset = datasets.Dataset.from_list(documents)
    expected = neardup.dedup(pa.Table.from_pylist(documents), id="id", site="site")
    assert neardup.dedup(dataset, id="id", site="site", batch_size=64).equals(expected)
    # a selection of the rows is read as the rows it selects, in its order
    picked = list(range(len(documents) - 1, -1, -3))
    subset = dataset.select(picked)
    rows = [documents[i] for i in picked]
    assert neardup.dedup(subset, id="id", site="site").equals(neardup.dedup(rows, id="id", site="site"))


def test_hf_deduplicate_keeps_one_row_per_cluster_with_the_cluster_column(documents: list[dict]) -> None:
    dataset = datasets.Dataset.from_list(documents)
    table = neardup.dedup(dataset, id="id", site="site")
    kept_ids = [i for i, k in zip(table.column("id").to_pylist(), table.column("keep").to_pylist()) if k]
    out = neardup.hf.deduplicate(dataset, id="id", site="site")
    assert isinstance(out, datasets.Dataset)
    assert out["id"] == kept_ids
    assert out.column_names == [*dataset.column_names, "__cluster__"]
    index = {d["id"]: n for n, d in enumerate(documents)}
    assert out["__cluster__"] == [index[i] for i in kept_ids]
    every = neardup.hf.deduplicate(dataset, id="id", site="site", filter=False)
    assert len(every) == len(dataset)
    by_id = dict(zip(table.column("id").to_pylist(), table.column("duplicate_of").to_pylist()))
    assert every["__cluster__"] == [index[by_id[d["id"]] or d["id"]] for d in documents]
    assert len(out) < len(dataset)
    plain = neardup.hf.deduplicate(dataset, id="id", site="site", cluster_column=None)
    assert plain.column_names == dataset.column_names and plain["id"] == kept_ids
    with pytest.raises(TypeError, match="datasets.Dataset"):
        neardup.hf.deduplicate(pa.Table.from_pylist(documents))
    with pytest.raises(ValueError, match="already has"):
        neardup.hf.deduplicate(out)
