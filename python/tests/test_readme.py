"""README's Python examples run as they are written (from the repository's root)."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT


def python_examples() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Python\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.S)


def test_readme_has_python_examples() -> None:
    assert len(python_examples()) >= 2


@pytest.mark.parametrize("number", range(len(python_examples())))
def test_readme_python_example_runs(number: int, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("pyarrow")
    if "import datasets" in python_examples()[number]:
        pytest.importorskip("datasets")
    if "neardup.ray" in python_examples()[number]:
        pytest.importorskip("ray")
    monkeypatch.chdir(ROOT)
    exec(compile(python_examples()[number], f"README.md python example {number + 1}", "exec"), {})
