"""Shared fixtures: the command line to compare with, and a generated corpus."""

from __future__ import annotations

import json
import os
import random
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli() -> Path:
    """The command line built by `cargo build --release` (or NEARDUP_BIN)."""
    path = Path(os.environ.get("NEARDUP_BIN", ROOT / "target" / "release" / "neardup"))
    if not path.is_file():
        pytest.fail(f"{path} not found: run `cargo build --release` first (or set NEARDUP_BIN)")
    return path


def run_cli(cli: Path, paths: list[str], tmp: Path, *flags: str, cwd: Path = ROOT) -> tuple[dict, list[dict]]:
    """`neardup scan PATHS --no-timing` run in `cwd`: its report and annotations."""
    report, annotations = tmp / "cli-report.json", tmp / "cli-annotations.jsonl"
    subprocess.run(
        [str(cli), "scan", *paths, "--quiet", "--no-timing", "--report", str(report), "--annotations", str(annotations), *flags],
        cwd=cwd,
        check=True,
    )
    rows = [json.loads(line) for line in annotations.read_text().splitlines()]
    return json.loads(report.read_text()), rows


WORDS = (
    "harbour bridge city council river market school station garden museum library "
    "festival weather storm rain summer winter road train ferry airport hospital doctor "
    "teacher student farmer price budget tax vote mayor minister court judge police fire "
    "team match goal season player coach music film book artist gallery theatre concert"
).split()


def generated_documents(n_stories: int = 250, seed: int = 7) -> list[dict]:
    """A labelled-by-construction corpus of a few hundred documents on three sites: stories,
    exact copies, edited copies (a few words changed), truncated copies, and each site's header
    and footer lines (template)."""
    rng = random.Random(seed)
    sites = {
        name: ([f"{name} home news sport weather contact"], [f"copyright {name} all rights reserved subscribe today"])
        for name in ("alpha.example", "beta.example", "gamma.example")
    }
    docs: list[dict] = []

    def page(site: str, body: list[str]) -> str:
        header, footer = sites[site]
        return "\n".join(header + body + footer) + "\n"

    for s in range(n_stories):
        body = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))) + "." for _ in range(rng.randint(3, 8))]
        site = rng.choice(list(sites))
        docs.append({"id": f"s{s:03d}", "site": site, "text": page(site, body)})
        kind = rng.random()
        if kind < 0.2:
            other = rng.choice(list(sites))
            docs.append({"id": f"s{s:03d}-copy", "site": other, "text": page(other, body)})
        elif kind < 0.4:
            edited = [" ".join(w if rng.random() > 0.03 else rng.choice(WORDS) for w in line.split()) for line in body]
            docs.append({"id": f"s{s:03d}-edit", "site": site, "text": page(site, edited)})
        elif kind < 0.5:
            docs.append({"id": f"s{s:03d}-short", "site": site, "text": page(site, body[: max(2, len(body) * 3 // 4)])})
    rng.shuffle(docs)
    return docs


@pytest.fixture(scope="session")
def documents() -> list[dict]:
    return generated_documents()


@pytest.fixture(scope="session")
def documents_jsonl(tmp_path_factory: pytest.TempPathFactory, documents: list[dict]) -> Path:
    """The generated documents as JSON Lines (id, site, text)."""
    path = tmp_path_factory.mktemp("corpus") / "docs.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in documents))
    return path
