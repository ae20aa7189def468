"""Where the course lives: its GitHub repository, and how each notebook is paired with its twin.

``REPO`` and ``BRANCH`` are the one place that names the GitHub copy the notebooks' Colab
badges open and their setup cells install from. The notebooks must hold that text literally
(their setup cell runs before ``gan_lab`` can be imported), so a fork runs

    python scripts/set_repo.py OWNER/NAME [--branch BRANCH]

which rewrites the two constants below and every notebook's badge and setup cell from them;
``tests/test_notebooks.py`` fails when a notebook disagrees with them.

``FORMATS`` is the jupytext pairing of every notebook with its ``py:percent`` twin, and
:func:`notebook_pair` the one function that tests and scripts use to find a twin.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

REPO = "gan-lab/gan-lab"
BRANCH = "main"
NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
FORMATS = "ipynb,py:percent"  # jupytext's "formats": where each notebook's twin lies
BADGE_SVG = "https://colab.research.google.com/assets/colab-badge.svg"


def colab_url(notebook: str, repo: str = REPO, branch: str = BRANCH) -> str:
    """The page that opens ``notebooks/<notebook>`` from GitHub in Colab."""
    return f"https://colab.research.google.com/github/{repo}/blob/{branch}/notebooks/{notebook}"


def pip_spec(repo: str = REPO, branch: str = BRANCH) -> str:
    """What ``pip install`` is given to install ``gan_lab`` straight from GitHub."""
    return f"gan-lab @ git+https://github.com/{repo}@{branch}"


def badge_cell(notebook: str, repo: str = REPO, branch: str = BRANCH) -> str:
    """The source of a notebook's second cell (markdown): the *Open in Colab* badge."""
    return f"[![Open In Colab]({BADGE_SVG})]({colab_url(notebook, repo, branch)})"


def setup_cell(repo: str = REPO, branch: str = BRANCH) -> str:
    """The source of a notebook's third cell: use gan_lab if it is there, else install it."""
    return "\n".join([
        "# Setup: use the installed gan_lab, or install it from GitHub (Colab, or a kernel without it).",
        "try:",
        "    import gan_lab",
        '    print(f"gan_lab found: {gan_lab.__version__}")',
        "except ImportError:",
        f'    print("installing gan_lab from github.com/{repo}@{branch} (Colab) ...")',
        f'    %pip install -q "{pip_spec(repo, branch)}"',
        "    import gan_lab",
        '    print(f"gan_lab installed: {gan_lab.__version__}")',
    ])


def notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """Every course notebook ``NN_name.ipynb``, in order."""
    return sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))


def notebook_pair(path: str | Path, formats: str = FORMATS) -> tuple[Path, Path]:
    """``(notebook.ipynb, twin.py)`` for either file of a pair, as jupytext pairs them.

    With ``FORMATS = "ipynb,py:percent"`` the twin lies beside the notebook
    (``notebooks/03_mlp_gan.py``); with ``"ipynb,py//py:percent"`` in ``notebooks/py/``.
    """
    from jupytext.formats import long_form_multiple_formats  # a course/test dependency
    from jupytext.paired_paths import paired_paths

    path = Path(path)
    fmt = next(f for f in long_form_multiple_formats(formats) if f["extension"] == path.suffix)
    pair = {f["extension"]: Path(p) for p, f in paired_paths(str(path), fmt, formats)}
    return pair[".ipynb"], pair[".py"]


def notebook_pairs(paths: Iterable[str | Path] = ()) -> list[tuple[Path, Path]]:
    """:func:`notebook_pair` of each path given (either form), or of every notebook."""
    return [notebook_pair(p) for p in (list(paths) or notebooks())]
