"""The latent-space explorer in a real browser: JupyterLab, headless Chromium, notebook 09.

Runs every cell of notebook 09, then moves the interpolation's frame slider with the
keyboard (as a student would) and checks that the displayed image changed, and that its new
bytes decode to exactly the generator's output for the frame the slider now shows. Leaves
screenshots in the lab's scratch folder (printed). Skipped where Chromium, Playwright or
JupyterLab is missing, failed in CI (CI=true), where .ci/run installs them.
"""

import base64
import io
import re
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from .jupyterlab import chromium_page, cleanup, missing_prerequisites, run_all_cells, running_lab

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "notebooks/09_latent_explorer.ipynb"
# the notebook's Interpolation(...), read from its source so the two cannot drift apart
_CALL = re.search(r'Interpolation\("dcgan-mnist", seed_a=(\d+), seed_b=(\d+), steps=(\d+)\)',
                  (ROOT / "notebooks" / "09_latent_explorer.py").read_text())
SEEDS, STEPS = (int(_CALL[1]), int(_CALL[2])), int(_CALL[3])

# The interpolation explorer is the first output holding a slider described "frame"; its
# main image is the first 224-pixel-wide <img> there (the grid tiles and strip are not).
_FIND_JS = """() => {
  const outputs = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output')];
  for (const out of outputs) {
    const frame = [...out.querySelectorAll('.widget-slider')].find(
      s => s.querySelector('.widget-label')?.textContent.trim() === 'frame');
    if (!frame) continue;
    const img = [...out.querySelectorAll('img')].find(i => i.naturalWidth === 224);
    out.setAttribute('data-test-explorer', '1');
    frame.setAttribute('data-test-frame', '1');
    if (img) img.setAttribute('data-test-image', '1');
    return {found: !!img, src: img ? img.src : null,
            value: frame.querySelector('.widget-readout')?.textContent.trim()};
  }
  return null;
}"""
_BYTES_JS = """async (src) => {
  const buffer = await (await fetch(src)).arrayBuffer();
  let text = ''; for (const b of new Uint8Array(buffer)) text += String.fromCharCode(b);
  return btoa(text);
}"""


def expected_frame(k: int) -> np.ndarray:
    """What the widget must show for frame k: G(z(t)), pixels, nearest-neighbour ×8."""
    from gan_lab.latent import lerp
    from gan_lab.pretrained import load_pretrained

    G = load_pretrained("dcgan-mnist")
    za, zb = (torch.randn(1, G.latent_dim, generator=torch.Generator().manual_seed(s))[0] for s in SEEDS)
    with torch.no_grad():
        x = G(lerp(za, zb, STEPS)[k][None])
    p = ((x.clamp(-1, 1) + 1) * 127.5).round()
    return F.interpolate(p, scale_factor=8, mode="nearest")[0, 0].to(torch.uint8).numpy()


def test_moving_the_frame_slider_changes_the_image_to_g_of_that_frame(monkeypatch, unavailable):
    monkeypatch.setenv("GAN_LAB_QUICK", "1")       # the kernel inherits it: short mode
    missing = missing_prerequisites()
    if missing:
        unavailable("the browser check needs " + "; ".join(missing))
    from PIL import Image

    start = time.monotonic()
    with running_lab(ROOT, []) as lab:                  # serves the repository root
        with chromium_page() as page:
            page.goto(lab.url(NOTEBOOK))
            problems = run_all_cells(page, NOTEBOOK, timeout_s=300)
            assert not problems, "notebook 09 in JupyterLab:\n  " + "\n  ".join(problems)
            page.wait_for_function(_FIND_JS, timeout=30_000)
            before = page.evaluate(_FIND_JS)
            assert before["found"], "the explorer's 224-pixel image is not displayed"
            explorer = page.locator("[data-test-explorer]")
            explorer.scroll_into_view_if_needed()
            shot_before = lab.tmp / "explorer-before.png"
            page.screenshot(path=shot_before)
            handle = page.locator("[data-test-frame] .noUi-handle")
            handle.focus()
            for _ in range(2):
                page.keyboard.press("ArrowRight")
            page.wait_for_function("(old) => document.querySelector('[data-test-image]').src !== old",
                                   arg=before["src"], timeout=20_000)
            page.wait_for_timeout(500)
            after = page.evaluate(_FIND_JS)
            png = base64.b64decode(page.evaluate(_BYTES_JS, after["src"]))
            shot_after = lab.tmp / "explorer-after.png"
            page.screenshot(path=shot_after)
    cleanup(lab, keep=[shot_before, shot_after, lab.log])
    print(f"\nbrowser check of the explorer: {time.monotonic() - start:.0f} s; frame "
          f"{before['value']} -> {after['value']}; screenshots: {shot_before} {shot_after}")
    assert after["src"] != before["src"]
    k = int(after["value"])
    assert k == int(before["value"]) + 2, (before, after)
    shown = np.array(Image.open(io.BytesIO(png)))
    assert np.array_equal(shown, expected_frame(k)), "the browser shows something other than G(z(t))"
