"""neardup.ray on a local Ray cluster: the same clusters, kept documents and direct matches as
`neardup.dedup` (whose equality with the command line test_dedup.py holds), whatever the
number of partitions and workers. Skipped where Ray is not installed, unless
NEARDUP_REQUIRE_RAY is set (CI sets it)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

if os.environ.get("NEARDUP_REQUIRE_RAY"):
    import ray.data  # noqa: F401 - CI makes a missing Ray a failure, not a skip
else:
    pytest.importorskip("ray.data")
pa = pytest.importorskip("pyarrow")

import neardup  # noqa: E402
from conftest import WORDS  # noqa: E402

HERE = Path(__file__).resolve().parent

# One run on a cluster of `workers` CPUs, in a process of its own (a process holds one Ray
# runtime): the result rows as JSON on stdout.
RUN = """
import json, sys
sys.path.insert(0, {here!r})
import pyarrow as pa, ray, ray.data
import neardup.ray
from conftest import generated_documents
from test_ray import chain
ray.init(num_cpus={workers}, include_dashboard=False, _node_ip_address="127.0.0.1",
         log_to_driver=False, configure_logging=False)
ray.data.DataContext.get_current().enable_progress_bars = False
table = pa.Table.from_pylist(generated_documents() + chain())
rows = neardup.ray.dedup(ray.data.from_arrow(table), id="id", site="site",
                         partitions={partitions}).take_all()
print(json.dumps(rows))
"""


def chain(links: int = 5, seed: int = 3) -> list[dict]:
    """A story edited again and again, each version a few words from the one before: a
    cluster whose members match the kept one only through each other."""
    rng = random.Random(seed)
    words = [rng.choice(WORDS) for _ in range(400)]
    docs = []
    for i in range(links):
        docs.append({"id": f"chain-{i}", "site": "delta.example", "text": " ".join(words) + "."})
        for _ in range(12):
            words[rng.randrange(len(words))] = rng.choice(WORDS) + "x"
    return docs


def on_ray(partitions: int, workers: int, cwd: Path) -> list[dict]:
    """The rows of `neardup.ray.dedup` run in `cwd` (outside the checkout, so that the
    installed package is imported)."""
    code = RUN.format(here=str(HERE), workers=workers, partitions=partitions)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=1200, cwd=cwd
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def answers(rows: list[dict]) -> tuple[list[list[str]], list[tuple]]:
    """The clusters as sets of ids, and per id: cluster number, kept, kept for it, rule,
    similarity."""
    clusters: dict[int, list[str]] = {}
    for r in rows:
        if r["cluster"] is not None:
            clusters.setdefault(r["cluster"], []).append(r["id"])
    per_id = sorted(
        (r["id"], r["cluster"], r["keep"], r["duplicate_of"], r["joined_by"], r["similarity"])
        for r in rows
    )
    return sorted(sorted(m) for m in clusters.values()), per_id


@pytest.fixture(scope="module")
def local(documents: list[dict]) -> list[dict]:
    table = pa.Table.from_pylist(documents + chain())
    return neardup.dedup(table, id="id", site="site").to_pylist()


@pytest.mark.parametrize(("partitions", "workers"), [(1, 1), (3, 2), (8, 2)])
def test_ray_gives_the_local_answers(
    local: list[dict], partitions: int, workers: int, tmp_path: Path
) -> None:
    rows = on_ray(partitions, workers, tmp_path)
    assert [r["row"] for r in rows] == list(range(len(local)))
    clusters, per_id = answers(rows)
    want_clusters, want_per_id = answers(local)
    assert len(want_clusters) > 50, "the corpus has clusters to find"
    assert any(r["joined_by"] == "containment" for r in local), "and containment to follow"
    assert ("chain-2", "chain-1") in {(r["id"], r["duplicate_of"]) for r in local}, "a chain"
    assert clusters == want_clusters
    assert per_id == want_per_id


def test_scan_of_files_gives_the_command_lines_clusters(cli: Path, tmp_path: Path) -> None:
    """`python -m neardup.ray scan samples` reads the files on the workers (text, JSON Lines,
    gzip, a bad record, a file that is no text) and finds the command line's clusters."""
    from conftest import ROOT, run_cli

    _, want = run_cli(cli, ["samples"], tmp_path)
    annotations = tmp_path / "ray.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "neardup.ray", "scan", "samples", "--annotations", str(annotations),
         "--partitions", "3", "--num-cpus", "2"],
        capture_output=True, text=True, timeout=1200, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert "skipped" in done.stderr, "the bad record and the image are named"
    got = [json.loads(line) for line in annotations.read_text().splitlines()]
    assert [r["id"] for r in got] == [r["id"] for r in want]
    assert [(r["cluster"], r["duplicate_of"]) for r in got] == [
        (r.get("cluster"), r.get("duplicate_of")) for r in want
    ]
    assert sum(r["cluster"] is not None for r in got) >= 5
