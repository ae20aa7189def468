"""Point the course at another GitHub copy (a fork): the Colab badges and ``%pip install`` lines.

    python scripts/set_repo.py OWNER/NAME [--branch BRANCH]
    python scripts/set_repo.py --check        # exit 1 if a notebook disagrees with gan_lab/course.py

Rewrites ``REPO``/``BRANCH`` in ``gan_lab/course.py`` (the one place they are kept), then the
badge cell and the setup cell of every notebook and of its py:percent twin from
:func:`gan_lab.course.badge_cell` and :func:`gan_lab.course.setup_cell`; outputs are kept.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gan_lab import course  # noqa: E402

COURSE_PY = ROOT / "gan_lab" / "course.py"
BADGE, SETUP = 1, 2  # cell indices fixed by the course template


def expected_cells(notebook: Path, repo: str, branch: str) -> dict[int, str]:
    """What the badge and setup cells of ``notebook`` must hold for ``repo``@``branch``."""
    return {BADGE: course.badge_cell(notebook.name, repo, branch),
            SETUP: course.setup_cell(repo, branch)}


def rewrite(path: Path, cells: dict[int, str], fmt: str) -> bool:
    """Put ``cells`` into the notebook file ``path`` (ipynb or twin); True when it changed."""
    nb = jupytext.read(path)
    if all(nb.cells[i].source == text for i, text in cells.items()):
        return False
    for i, text in cells.items():
        nb.cells[i].source = text
    jupytext.write(nb, path, fmt=fmt)
    return True


def set_constants(repo: str, branch: str) -> None:
    """Rewrite the ``REPO = ...`` and ``BRANCH = ...`` lines of gan_lab/course.py."""
    text = COURSE_PY.read_text()
    text = re.sub(r'^REPO = ".*"$', f'REPO = "{repo}"', text, count=1, flags=re.M)
    text = re.sub(r'^BRANCH = ".*"$', f'BRANCH = "{branch}"', text, count=1, flags=re.M)
    COURSE_PY.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", nargs="?", help="OWNER/NAME on GitHub (default: keep)")
    parser.add_argument("--branch", help=f"branch (default: keep, now {course.BRANCH})")
    parser.add_argument("--check", action="store_true", help="only report disagreements")
    args = parser.parse_args()
    repo, branch = args.repo or course.REPO, args.branch or course.BRANCH
    if not re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", repo):
        parser.error(f"{repo!r} is not OWNER/NAME")
    if args.check:
        wrong = [str(p.relative_to(ROOT)) for pair in course.notebook_pairs() for p in pair
                 if [c.source for c in jupytext.read(p).cells[BADGE:SETUP + 1]]
                 != list(expected_cells(pair[0], repo, branch).values())]
        print("\n".join(f"differs from gan_lab/course.py: {w}" for w in wrong) or "all agree")
        return 1 if wrong else 0
    set_constants(repo, branch)
    for notebook, twin in course.notebook_pairs():
        cells = expected_cells(notebook, repo, branch)
        for path, fmt in ((twin, "py:percent"), (notebook, "ipynb")):
            if rewrite(path, cells, fmt):
                print(f"rewrote {path.relative_to(ROOT)}")
    print(f"notebooks point at github.com/{repo}@{branch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
