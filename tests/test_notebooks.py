"""The notebooks as files: paired with their py:percent twins, complete, and light."""

from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _inputs(nb):
    return [(cell.cell_type, cell.source.strip()) for cell in nb.cells]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_twin_has_the_same_inputs(path):
    twin = path.with_suffix(".py")
    assert twin.exists(), f"{path.name} has no py:percent twin; run: jupytext --set-formats ipynb,py:percent {path}"
    assert _inputs(jupytext.read(path)) == _inputs(jupytext.read(twin)), (
        f"{path.name} and {twin.name} differ; run: jupytext --sync {path}")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_follows_the_course_template(path):
    cells = jupytext.read(path).cells
    text = "\n".join(c.source for c in cells)
    assert cells[0].source.startswith("# "), "first cell must be the title"
    for part in ("What you will learn", "Prerequisites", "Time (full mode"):
        assert part in cells[0].source, f"title cell lacks '{part}'"
    assert "colab-badge.svg" in cells[1].source, "second cell must be the Colab badge"
    assert "import gan_lab" in cells[2].source and "%pip install" in cells[2].source
    assert "gan_lab.setup(" in cells[3].source, "fourth cell must be the settings cell"
    assert "## Exercises" in text and "self_check(" in text
    assert any("solution" in c.metadata.get("tags", []) for c in cells), "no solution cell"
    assert "## Summary" in text and "Further reading" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_come_from_one_clean_run(path):
    code = [c for c in jupytext.read(path).cells if c.cell_type == "code"]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{path.name} is not rendered in order; run: bash scripts/render_notebooks.sh "
        f"notebooks/{path.stem}.py")
    for c in code:
        for out in c.get("outputs", []):
            assert out.get("output_type") != "error", f"{path.name} was committed with an error"
        assert "mode=short" not in str(c.get("outputs")), f"{path.name} was rendered in short mode"


def test_notebooks_stay_small():
    total = sum(p.stat().st_size for p in NOTEBOOKS)
    assert total < 20 * 2**20, f"notebooks total {total / 2**20:.1f} MB; keep figures compact"
