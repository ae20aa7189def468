"""The notebooks as files: paired with their py:percent twins, complete, light, and their
committed outputs readable on any machine. (nbval runs them; this checks the files.)"""

import re
from pathlib import Path

import jupytext
import pytest

from gan_lab import course

NOTEBOOKS = course.notebooks()
ROOT = course.NOTEBOOK_DIR.parent
# A progress bar's text as tqdm writes it: "desc:  40%|####      | 96/240 [00:01<00:02, ...]".
BAR = re.compile(r"\|\s*(\d+)/(\d+) \[")
# Folders that exist only on the machine that rendered the outputs.
MACHINE_PATH = re.compile(r"/(?:work|root|home)/")


def _inputs(nb):
    return [(cell.cell_type, cell.source.strip()) for cell in nb.cells]


def _output_texts(cell):
    """The text a reader sees in a code cell's outputs (streams, text/*, tracebacks), no images."""
    for out in cell.get("outputs", []):
        if "text" in out:
            yield "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
        for mime, value in out.get("data", {}).items():
            if mime.startswith("text/"):
                yield "".join(value) if isinstance(value, list) else value
        yield "\n".join(out.get("traceback", []))


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks found in {course.NOTEBOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_paired_twin_has_the_same_inputs(path):
    notebook, twin = course.notebook_pair(path)
    assert twin.exists(), (f"{path.name} has no py:percent twin {twin}; run: "
                           f"jupytext --set-formats {course.FORMATS} {path}")
    formats = jupytext.read(path).metadata.get("jupytext", {}).get("formats")
    assert formats == course.FORMATS, (
        f"{path.name} is paired as {formats!r}, gan_lab/course.py says {course.FORMATS!r}")
    assert _inputs(jupytext.read(notebook)) == _inputs(jupytext.read(twin)), (
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
    # exercises checked by self_check, directly or through a gan_lab.exercises check
    assert "## Exercises" in text and ("self_check(" in text or "from gan_lab.exercises" in text)
    assert any("solution" in c.metadata.get("tags", []) for c in cells), "no solution cell"
    assert "## Summary" in text and "Further reading" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_badge_and_setup_cell_point_at_course_repo(path):
    """The one GitHub path is gan_lab.course.REPO/BRANCH; scripts/set_repo.py writes it here."""
    cells = jupytext.read(path).cells
    fix = f"run: python scripts/set_repo.py {course.REPO} --branch {course.BRANCH}"
    assert cells[1].source == course.badge_cell(path.name), f"badge cell differs; {fix}"
    assert cells[2].source == course.setup_cell(), f"setup cell differs; {fix}"


def test_course_urls():
    assert course.colab_url("00_x.ipynb", "me/fork", "dev") == (
        "https://colab.research.google.com/github/me/fork/blob/dev/notebooks/00_x.ipynb")
    assert course.pip_spec("me/fork", "dev") == "gan-lab @ git+https://github.com/me/fork@dev"
    assert '%pip install -q "gan-lab @ git+https://github.com/me/fork@dev"' in (
        course.setup_cell("me/fork", "dev"))


@pytest.mark.parametrize("formats,twin", [
    ("ipynb,py:percent", "notebooks/03_x.py"),
    ("ipynb,py//py:percent", "notebooks/py/03_x.py"),  # the twins in a subfolder
])
def test_one_function_finds_either_file_of_a_pair(formats, twin):
    pair = (Path("notebooks/03_x.ipynb"), Path(twin))
    assert course.notebook_pair(pair[0], formats) == pair
    assert course.notebook_pair(pair[1], formats) == pair


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_come_from_one_clean_run(path):
    code = [c for c in jupytext.read(path).cells if c.cell_type == "code"]
    counts = [c.get("execution_count") for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{path.name} is not rendered in order; run: bash scripts/render_notebooks.sh {path.relative_to(ROOT)}")
    for c in code:
        for out in c.get("outputs", []):
            assert out.get("output_type") != "error", f"{path.name} was committed with an error"
        assert "mode=short" not in str(c.get("outputs")), f"{path.name} was rendered in short mode"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_outputs_read_well_anywhere(path):
    """No progress bar frozen before its end (an untrusted notebook shows the text captured
    when the bar started) and no folder of the machine that rendered the outputs."""
    problems = []
    code = [c for c in jupytext.read(path).cells if c.cell_type == "code"]
    for number, cell in enumerate(code, 1):
        for text in _output_texts(cell):
            for bar in BAR.finditer(text):
                if bar[1] != bar[2]:
                    line = text[:bar.end()].rsplit("\n", 1)[-1]
                    problems.append(f"code cell {number}: progress bar stuck at {line!r}")
            for where in MACHINE_PATH.finditer(text):
                line = text[text.rfind("\n", 0, where.start()) + 1:][:120]
                problems.append(f"code cell {number}: machine path in {line!r}")
    assert not problems, (f"{path.name}:\n  " + "\n  ".join(problems) + "\nRe-render it: "
                          f"bash scripts/render_notebooks.sh {path.relative_to(ROOT)}")


def test_output_checks_catch_what_they_should():
    stuck = {"outputs": [{"output_type": "display_data", "data": {
        "text/plain": "GAN:   0%|          | 0/20000 [00:00<?, ?step/s]"}}]}
    done = {"outputs": [{"output_type": "stream", "name": "stdout",
                         "text": ["GAN: 100%|##########| 240/240 [00:02<00:00]\n"]}]}
    assert [b.groups() for t in _output_texts(stuck) for b in BAR.finditer(t)] == [("0", "20000")]
    assert [b.groups() for t in _output_texts(done) for b in BAR.finditer(t)] == [("240", "240")]
    assert MACHINE_PATH.search("seed=0 | data=mnist/test (root: /work/shared/data)")
    assert not MACHINE_PATH.search("data=mnist/train (from $GAN_LAB_DATA)")


def test_notebooks_stay_small():
    total = sum(p.stat().st_size for p in NOTEBOOKS)
    assert total < 20 * 2**20, f"notebooks total {total / 2**20:.1f} MB; keep figures compact"
