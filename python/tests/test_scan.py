"""neardup.scan gives what `neardup scan` gives."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import neardup

from conftest import ROOT, run_cli


def test_scan_of_samples_equals_the_command_line(cli: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli_report, cli_annotations = run_cli(cli, ["samples"], tmp_path)
    monkeypatch.chdir(ROOT)
    report = neardup.scan("samples")
    assert report.to_dict(timing=False) == cli_report
    assert [json.loads(line) for line in report.annotations_jsonl().splitlines()] == cli_annotations
    assert report.summary == cli_report["summary"]
    assert report.clusters == cli_report["duplicate_clusters"]
    assert report.summary["duplicate_clusters"] > 0
    assert "timing" in report.to_dict()


def test_annotations_table_matches_the_annotations_file(cli: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pa = pytest.importorskip("pyarrow")
    _, cli_annotations = run_cli(cli, ["samples"], tmp_path)
    monkeypatch.chdir(ROOT)
    table = neardup.scan("samples").annotations
    assert isinstance(table, pa.Table)
    assert table.column("id").to_pylist() == [a["id"] for a in cli_annotations]
    assert table.column("cluster").to_pylist() == [a["cluster"] for a in cli_annotations]
    assert table.column("duplicate_of").to_pylist() == [a["duplicate_of"] for a in cli_annotations]
    assert table.column("keep").to_pylist() == [a["duplicate_of"] is None for a in cli_annotations]
    spans = [[{k: s[k] for k in ("kind", "start_line", "end_line", "start_byte", "end_byte")} for s in a["spans"]] for a in cli_annotations]
    assert table.column("spans").to_pylist() == spans
    assert any(spans), "samples has template spans"


def test_scan_options_reach_the_scan(cli: Path, tmp_path: Path, documents_jsonl: Path) -> None:
    flags = ["--threshold", "0.5", "--no-containment", "--keep", "longest", "--site-field", "site"]
    cli_report, _ = run_cli(cli, [str(documents_jsonl)], tmp_path, *flags)
    report = neardup.scan(documents_jsonl, threshold=0.5, no_containment=True, keep="longest", site_field="site")
    assert report.to_dict(timing=False) == cli_report
    default = neardup.scan(documents_jsonl, site_field="site")
    assert default.summary != report.summary


def test_write_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    page = tmp_path / "report.html"
    neardup.scan("samples").write_html(page)
    assert page.read_text().startswith("<!DOCTYPE html>")


def test_bad_paths_and_options_raise(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="cannot read corpus"):
        neardup.scan(tmp_path / "missing")
    with pytest.raises(TypeError, match="unexpected keyword argument 'treshold'.*threshold"):
        neardup.scan(tmp_path, treshold=0.5)
    with pytest.raises(ValueError, match="threshold must be in"):
        neardup.scan(tmp_path, threshold=0)
    with pytest.raises(ValueError, match="site must be one of 'dir', 'domain', 'none', got 'host'"):
        neardup.scan(tmp_path, site="host")
    with pytest.raises(ValueError, match="max_bytes"):
        neardup.scan(tmp_path, max_bytes="lots")


def test_an_empty_folder_warns_and_says_why(tmp_path: Path) -> None:
    with pytest.warns(UserWarning):
        report = neardup.scan(tmp_path)
    assert report.input_error
    assert report.summary["documents"] == 0


def test_progress_goes_to_a_callable_and_its_errors_do_not_stop_the_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    calls: list[tuple[str, int, int]] = []
    expected = neardup.scan("samples").to_dict(timing=False)
    assert neardup.scan("samples", progress=lambda *a: calls.append(a)).to_dict(timing=False) == expected
    stages = [stage for stage, _, _ in calls]
    assert stages[0] == "reading" and "signing" in stages
    assert all(0 <= done <= total for _, done, total in calls)

    def broken(stage: str, done: int, total: int) -> None:
        raise RuntimeError("a broken progress callback")

    unraisable: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: unraisable.append(u.exc_value))
    assert neardup.scan("samples", progress=broken).to_dict(timing=False) == expected
    assert unraisable and all(isinstance(e, RuntimeError) for e in unraisable)
