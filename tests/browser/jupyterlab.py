"""Drive JupyterLab in headless Chromium: start it as the README says, run a notebook's cells.

Shared by the browser tests in this folder (import it relatively: ``from .jupyterlab import
...``). Small API:

    with running_lab(repo_root, readme_args) as lab:      # a JupyterLab server, cleaned up after
        with chromium_page() as page:                     # headless Debian chromium via Playwright
            page.goto(lab.open_url)                       # where the README command sends a browser
            errors = run_all_cells(page, "notebooks/00_start_here.ipynb")
            page.screenshot(path=lab.tmp / "shot.png")

``running_lab`` adds only what a test needs to the README's arguments: ``--no-browser``, a
port, a token, ``--allow-root`` when run as root, and fresh settings, workspace and runtime
folders (autosave off, so running cells never rewrites a committed notebook).
``run_all_cells`` clears the outputs, runs every cell in the live kernel and returns one line
per problem: an error output, or a code cell left without an execution count.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
# Fresh JupyterLab user settings: every cell in the DOM (no windowing), no autosave, no news.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}


@dataclass
class Lab:
    """A running JupyterLab: its address, token, the URL it opens, and a scratch folder."""

    process: subprocess.Popen
    base_url: str
    token: str
    open_url: str
    tmp: Path
    log: Path

    def url(self, path: str = "") -> str:
        """The lab page that opens ``path`` (relative to the served root)."""
        return f"{self.base_url}lab/tree/{path}?token={self.token}"

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


def find_chromium() -> str | None:
    """``$CHROMIUM_PATH``, else Debian's chromium, else None."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def missing_prerequisites() -> list[str]:
    """What this machine lacks for a browser check, each with how to get it (empty: none)."""
    missing = []
    if find_chromium() is None:
        missing.append("Chromium (apt-get install chromium, or set CHROMIUM_PATH=/path/to/chrome)")
    for module, how in (("playwright", "pip install playwright"),
                        ("jupyterlab", 'pip install -e ".[course]"')):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"the Python package {module} ({how})")
    return missing


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(folder: Path) -> None:
    for plugin, values in LAB_SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _wait_until_up(base_url: str, token: str, process: subprocess.Popen, log: Path,
                   timeout_s: float) -> None:
    """Poll the server's /api/status until it answers (then its open files are written)."""
    deadline = time.monotonic() + timeout_s
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n"
                               f"{log.read_text(errors='replace')[-3000:]}")
        try:
            urllib.request.urlopen(f"{base_url}api/status?token={token}", timeout=5).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise TimeoutError(f"JupyterLab did not start in {timeout_s:.0f} s:\n"
                                   f"{log.read_text(errors='replace')[-3000:]}") from None
            time.sleep(0.3)


def _open_url(runtime: Path) -> str:
    """The URL the server would open in a browser: its jpserver-file-to-run-*-open.html
    when it was given a file, else its jpserver-*-open.html."""
    opened = (sorted(runtime.glob("jpserver-file-to-run-*-open.html"))
              or sorted(runtime.glob("jpserver-*-open.html")))
    found = re.search(r'url=([^"]+)"', opened[0].read_text()) if opened else None
    if not found:
        raise RuntimeError(f"no browser-open file in {runtime}")
    return found[1].replace("&amp;", "&")


@contextmanager
def running_lab(repo_root: str | Path, lab_args: Sequence[str], port: int | None = None,
                timeout_s: float = 60) -> Iterator[Lab]:
    """Run ``jupyter lab <lab_args>`` in ``repo_root`` (the README's command), headless.

    Added: ``--no-browser``, ``--port``, a token, ``--allow-root`` when root, fresh
    settings/workspace/runtime folders. The server and its kernels stop on exit.
    """
    port = port or _free_port()
    token = secrets.token_hex(16)
    tmp = Path(tempfile.mkdtemp(prefix="gan-lab-browser-"))
    settings, workspaces, runtime = tmp / "settings", tmp / "workspaces", tmp / "runtime"
    _write_settings(settings)
    workspaces.mkdir()
    command = ["jupyter", "lab", *lab_args, "--no-browser", f"--port={port}",
               "--ServerApp.port_retries=0", "--ServerApp.ip=127.0.0.1",
               f"--IdentityProvider.token={token}",
               f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={workspaces}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime)}
    log = tmp / "jupyterlab.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=repo_root, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base_url = f"http://127.0.0.1:{port}/"
        _wait_until_up(base_url, token, process, log, timeout_s)
        yield Lab(process, base_url, token, _open_url(runtime), tmp, log)
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's own process group (it stops its kernels), then SIGKILL."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def chromium_page(width: int = 1400, height: int = 1000):
    """A Playwright page in headless Chromium (the system's, Playwright downloads none)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True,
                                     args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()


_PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
_STATE_JS = """() => {
  const panel = document.querySelector('%s');
  if (!panel) return null;
  const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell.jp-CodeCell')];
  return {
    title: document.querySelector('.lm-DockPanel-tabBar .lm-mod-current .lm-TabBar-tabLabel')?.textContent,
    status: panel.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status,
    cells: cells.map(c => ({
      prompt: c.querySelector('.jp-InputArea-prompt')?.textContent.trim(),
      source: c.querySelector('.jp-InputArea-editor .cm-line')?.textContent.slice(0, 80),
      // JupyterLab renders an error output like stderr; its traceback tells them apart.
      errors: [...c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
              .map(e => e.textContent.trim())
              .filter(t => /Traceback \\(most recent call last\\)|^\\w*(Error|Exception)\\b/m.test(t))
              .map(t => t.split('\\n').filter(l => l.trim()).slice(-1)[0]),
    })),
  };
}""" % _PANEL


def notebook_state(page) -> dict | None:
    """The visible notebook: tab title, kernel status, and each code cell's prompt and errors."""
    return page.evaluate(_STATE_JS)


def run_command(page, label: str) -> None:
    """Run a JupyterLab command by its label through the command palette (Ctrl+Shift+C)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    search = page.locator(".lm-CommandPalette-input")
    for attempt in range(5):
        # Keyboard shortcuts reach JupyterLab only once something in it has the focus.
        target = page.locator(f"{_PANEL} .jp-Notebook")
        target = target if target.count() else page.locator("#main")
        target.click(position={"x": 5, "y": 5})
        page.keyboard.press("Escape")
        page.keyboard.press("Control+Shift+C")
        try:
            search.wait_for(state="visible", timeout=3000)
            break
        except PlaywrightTimeout:
            if attempt == 4:
                raise
    search.fill(label)
    # Walk the filtered list with the arrow keys to the exact label, then press Enter
    # (clicking races with the list being re-rendered as it filters).
    active = page.locator(".lm-CommandPalette-item.lm-mod-active .lm-CommandPalette-itemLabel")
    for _ in range(30):
        page.wait_for_timeout(200)
        if active.count() and active.first.inner_text().strip() == label:
            page.keyboard.press("Enter")
            search.wait_for(state="hidden", timeout=5000)
            return
        page.keyboard.press("ArrowDown")
    raise LookupError(f"no JupyterLab command labelled {label!r} in the command palette")


def open_notebook(page, notebook_path: str, timeout_s: float = 60) -> int:
    """Make ``notebook_path`` the visible document, all its cells shown and its kernel idle.

    Returns its number of code cells (read from the server, so that a half-loaded notebook
    is never taken for the whole).
    """
    origin = re.match(r"https?://[^/]+/", page.url)[0]
    state = notebook_state(page)
    if not state or state["title"] != Path(notebook_path).name:
        page.goto(f"{origin}lab/tree/{notebook_path}")
    reply = page.request.get(f"{origin}api/contents/{notebook_path}?content=1&type=notebook")
    cells = reply.json()["content"]["cells"]
    n_code = sum(c["cell_type"] == "code" for c in cells)
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel + ' .jp-Notebook .jp-Cell').length === n",
        arg=[_PANEL, len(cells)], timeout=timeout_s * 1000)
    idle = page.locator(f"{_PANEL} .jp-Notebook-ExecutionIndicator[data-status='idle']")
    kernel = page.locator(f"{_PANEL} .jp-Toolbar-kernelName")
    accept = page.locator(".jp-Dialog .jp-mod-accept")
    deadline = time.monotonic() + timeout_s
    while not (idle.count() and kernel.count()
               and kernel.first.inner_text().strip() not in ("", "Kernel", "No Kernel")):
        if accept.count():  # a notebook without kernelspec asks for one: take the default
            accept.first.click()
        if time.monotonic() > deadline:
            raise TimeoutError(f"the kernel of {notebook_path} was not idle after {timeout_s} s")
        page.wait_for_timeout(300)
    return n_code


def run_all_cells(page, notebook_path: str, timeout_s: float = 120) -> list[str]:
    """Clear outputs, run every cell of ``notebook_path``; one line per problem found.

    Problems: an error output, or a code cell without an execution count when the kernel is
    idle again (e.g. after an error stopped the run). An empty list means all ran cleanly.
    """
    n_code = open_notebook(page, notebook_path)
    run_command(page, "Expand All Code")  # a hidden input (a solution) shows no prompt
    run_command(page, "Clear Outputs of All Cells")
    page.wait_for_function("""() => [...document.querySelectorAll('%s .jp-CodeCell .jp-InputArea-prompt')]
        .every(p => !/\\d/.test(p.textContent))""" % _PANEL, timeout=10_000)
    run_command(page, "Run All Cells")
    deadline = time.monotonic() + timeout_s
    while True:
        state = notebook_state(page)
        prompts = [c["prompt"] or "" for c in state["cells"]]
        finished = state["status"] == "idle" and not any("*" in p for p in prompts)
        if finished and (all(re.search(r"\d", p) for p in prompts)
                         or any(c["errors"] for c in state["cells"])):
            break
        if time.monotonic() > deadline:
            return [f"cells still running after {timeout_s:.0f} s: prompts {prompts}"]
        time.sleep(0.5)
    problems = []
    if len(state["cells"]) != n_code:
        problems.append(f"{len(state['cells'])} code cells shown, the file has {n_code}")
    for number, cell in enumerate(state["cells"], 1):
        problems += [f"code cell {number} ({cell['source']!r}): error {e}" for e in cell["errors"]]
        if not re.search(r"\d", cell["prompt"] or ""):
            problems.append(f"code cell {number} ({cell['source']!r}) did not run")
    return problems


def cleanup(lab: Lab, keep: Sequence[Path] = ()) -> None:
    """Empty the lab's scratch folder except ``keep`` (e.g. screenshots to look at)."""
    for path in lab.tmp.iterdir():
        if path not in keep:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink()
