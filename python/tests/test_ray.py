"""neardup.ray on a local Ray cluster: the same clusters, kept documents and direct matches as
`neardup.dedup` (whose equality with the command line test_dedup.py holds), whatever the
number of partitions and workers. Skipped where Ray is not installed, unless
NEARDUP_REQUIRE_RAY is set (CI sets it)."""

from __future__ import annotations

import json
import os
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

HERE = Path(__file__).resolve().parent

# One run on a cluster of `workers` CPUs, in a process of its own (a process holds one Ray
# runtime): the result rows as JSON on stdout.
RUN = """
import json, sys
sys.path.insert(0, {here!r})
import pyarrow as pa, ray, ray.data
import neardup.ray
from conftest import generated_documents
ray.init(num_cpus={workers}, include_dashboard=False, _node_ip_address="127.0.0.1",
         log_to_driver=False, configure_logging=False)
ray.data.DataContext.get_current().enable_progress_bars = False
table = pa.Table.from_pylist(generated_documents())
rows = neardup.ray.dedup(ray.data.from_arrow(table), id="id", site="site",
                         partitions={partitions}).take_all()
print(json.dumps(rows))
"""


def on_ray(partitions: int, workers: int) -> list[dict]:
    code = RUN.format(here=str(HERE), workers=workers, partitions=partitions)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=1200, cwd=HERE.parent
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
    return neardup.dedup(pa.Table.from_pylist(documents), id="id", site="site").to_pylist()


@pytest.mark.parametrize(("partitions", "workers"), [(1, 1), (3, 2), (8, 2)])
def test_ray_gives_the_local_answers(local: list[dict], partitions: int, workers: int) -> None:
    rows = on_ray(partitions, workers)
    assert [r["row"] for r in rows] == list(range(len(local)))
    clusters, per_id = answers(rows)
    want_clusters, want_per_id = answers(local)
    assert len(want_clusters) > 50, "the corpus has clusters to find"
    assert any(r["joined_by"] == "containment" for r in local), "and containment to follow"
    assert clusters == want_clusters
    assert per_id == want_per_id
