"""The README's course command, checked in a real browser.

Starts JupyterLab with the arguments the README gives (read from README.md itself), opens
the page that command sends a browser to in headless Chromium, and checks that it serves the
repository root, opens notebook 00, and that every cell of notebook 00 runs without an error.
Runs in the default pytest run; skipped (with what is missing and how to get it) where there
is no Chromium, Playwright or JupyterLab, but failed in CI (CI=true), where .ci/run installs them.
"""

import hashlib
import re
import shlex
import time
from pathlib import Path

import pytest

from .jupyterlab import (chromium_page, cleanup, missing_prerequisites, run_all_cells,
                         running_lab)

ROOT = Path(__file__).resolve().parents[2]
FIRST_NOTEBOOK = "notebooks/00_start_here.ipynb"


def readme_course_args() -> list[str]:
    """The arguments of ``jupyter lab`` in the README's course command."""
    readme = (ROOT / "README.md").read_text()
    found = re.search(r'^pip install -e "\.\[course\]" && jupyter lab (.+)$', readme, re.M)
    assert found, "README.md has no line 'pip install -e \".[course]\" && jupyter lab ...'"
    return shlex.split(found[1])


def test_readme_course_command_serves_the_root_and_opens_notebook_00():
    args = readme_course_args()
    assert FIRST_NOTEBOOK in args, f"the README's course command should open {FIRST_NOTEBOOK}"


def test_notebook_00_runs_in_jupyterlab_from_the_readme_command(unavailable):
    missing = missing_prerequisites()
    if missing:
        unavailable("the browser check needs " + "; ".join(missing))
    notebook = ROOT / FIRST_NOTEBOOK
    before = hashlib.sha256(notebook.read_bytes()).hexdigest()
    start = time.monotonic()
    with running_lab(ROOT, readme_course_args()) as lab:
        up = time.monotonic()
        assert lab.open_url.split("?")[0].endswith(f"/lab/tree/{FIRST_NOTEBOOK}"), (
            f"the README command would open {lab.open_url}, not {FIRST_NOTEBOOK}")
        with chromium_page() as page:
            page.goto(lab.open_url)
            problems = run_all_cells(page, FIRST_NOTEBOOK)
            ran = time.monotonic()
            # The file browser opens in notebooks/; its home icon must lead to the repository.
            page.locator(".jp-BreadCrumbs-home").click()
            page.wait_for_timeout(1000)
            listing = page.locator(".jp-DirListing-itemText").all_inner_texts()
            page.locator(".jp-NotebookPanel .jp-CodeCell").first.scroll_into_view_if_needed()
            shot = lab.tmp / "notebook-00.png"
            page.screenshot(path=shot)
            figure = page.locator(".jp-OutputArea-output img").first
            figure.scroll_into_view_if_needed()
            shot_figure = lab.tmp / "notebook-00-figure.png"
            page.screenshot(path=shot_figure)
    cleanup(lab, keep=[shot, shot_figure, lab.log])
    print(f"\nbrowser check: {time.monotonic() - start:.0f} s in all (server up {up - start:.0f} s, "
          f"page + all cells run {ran - up:.0f} s); screenshots: {shot} {shot_figure}")
    assert hashlib.sha256(notebook.read_bytes()).hexdigest() == before, (
        f"running the notebook in JupyterLab changed {FIRST_NOTEBOOK} (autosave?)")
    assert not problems, "notebook 00 in JupyterLab:\n  " + "\n  ".join(problems)
    # The file browser shows the served root: the repository, not only notebooks/.
    assert {"gan_lab", "notebooks", "README.md"} <= set(listing), (
        f"JupyterLab's file browser root shows {listing}: the repository root is not served")


if __name__ == "__main__":  # python -m tests.browser.test_course_command
    pytest.main([__file__, "-q", "-s", "-p", "no:cacheprovider"])
