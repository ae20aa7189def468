"""Time from a slider change to new image bytes in the latent-space explorer.

    python benchmarks/explorer_frame_time.py [--frames 200] [--scale 8]

For every shipped 28x28 generator, builds the explorer widgets (no browser needed: setting
a slider's ``.value`` in code runs the same observer as dragging it) and times
``slider.value = v`` until the observer has replaced the ``ipywidgets.Image`` bytes: the
generator's forward pass for one latent point, pixels, nearest-neighbour upscaling and
PNG encoding. Prints the median and 95th percentile per widget, and the parts of one frame.
Target: at most 30 ms per frame.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from gan_lab import explorer
from gan_lab.pretrained import available


def frame_times(slider, values, image) -> np.ndarray:
    """Seconds for each ``slider.value = v`` (checking the image bytes did change)."""
    times = []
    for v in values:
        before = image.value
        start = time.perf_counter()
        slider.value = v
        times.append(time.perf_counter() - start)
        assert image.value is not before, "the image was not replaced"
    return np.array(times)


def cycle(slider, frames: int) -> list:
    """``frames`` values that each differ from the one before (back and forth over the range)."""
    if isinstance(slider.value, int):
        span = list(range(slider.min, slider.max + 1))
    else:
        span = [round(v, 1) for v in np.linspace(slider.min, slider.max, 41)]
    ring = span[1:] + span[-2:0:-1] + [span[0]]
    return [ring[i % len(ring)] for i in range(frames)]


def parts(generator, scale: int, repeats: int = 50) -> dict[str, float]:
    """Median milliseconds of each part of one frame."""
    z = explorer.latent(0, generator.latent_dim)[None]
    steps = {"generator": lambda: explorer.run(generator, z)}
    image = explorer.run(generator, z)[0]
    steps["pixels"] = lambda: explorer.to_pixels(image)
    pixels = explorer.to_pixels(image)
    steps["upscale"] = lambda: explorer.upscale(pixels, scale)
    big = explorer.upscale(pixels, scale)
    steps["png"] = lambda: explorer.encode_png(big)
    out = {}
    for name, step in steps.items():
        t = []
        for _ in range(repeats):
            start = time.perf_counter()
            step()
            t.append(time.perf_counter() - start)
        out[name] = 1e3 * float(np.median(t))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--scale", type=int, default=8, help="display upscaling (28 -> 28 * scale)")
    parser.add_argument("--generators", nargs="*", default=None, help="default: every shipped one")
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; display "
          f"{28 * args.scale}x{28 * args.scale} px; {args.frames} frames per widget")
    for name in args.generators or available():
        G, classes = explorer.resolve(name)
        widgets = {"interpolation (frame slider)": (lambda: explorer.Interpolation(G, scale=args.scale), "frame"),
                   "directions (slider 0)": (lambda: explorer.Directions(G, scale=args.scale), None)}
        if classes is not None:
            widgets["class morph (frame slider)"] = (lambda: explorer.ClassMorph(G, scale=args.scale), "frame")
        for what, (make, attr) in widgets.items():
            widget = make()
            slider = getattr(widget, attr) if attr else widget.alphas[0]
            t = 1e3 * frame_times(slider, cycle(slider, args.frames), widget.image)
            print(f"{name:22s} {what:30s} median {np.median(t):6.2f} ms   p95 {np.percentile(t, 95):6.2f} ms"
                  f"   max {t.max():6.1f} ms   {len(widget.image.value):6d} bytes")
        p = parts(G, args.scale)
        print(f"{name:22s} one frame's parts (median ms): " + ", ".join(f"{k} {v:.2f}" for k, v in p.items()))


if __name__ == "__main__":
    main()
