"""Latent-space explorer: classroom widgets that redraw a generator's output as you drag.

Three explorers, each for any generator of the course (``G(z)`` or ``G(z, y)``, a module or
the name of a shipped one, see :func:`gan_lab.pretrained.available`):

* :class:`Interpolation`: ``G(z(t))`` on the path from ``z_a`` to ``z_b`` (linear or
  spherical, :mod:`gan_lab.latent`), endpoints picked by seed or by clicking a sample;
* :class:`ClassMorph`: a conditional generator with ``z`` fixed and its class input moving
  from ``E[a]`` to ``E[b]``: ``G.forward_embedding(z, (1 - t) E[a] + t E[b])``;
* :class:`Directions`: ``G(z + Σ_i α_i u_i)`` with one slider per direction ``u_i``, found
  as GANSpace does (Härkönen et al., 2020) by :func:`principal_directions`.

Each shows ONE ``ipywidgets.Image`` whose bytes are replaced on every change (no matplotlib
redraw): the sample is mapped to pixels ``p = round((clamp(x, -1, 1) + 1) · 127.5)``,
enlarged by nearest neighbour (each pixel becomes an ``s × s`` block) and PNG-encoded by
:func:`encode_png`. ``benchmarks/explorer_frame_time.py`` times it. Only APIs present in
ipywidgets 7.6 are used (Image, IntSlider, FloatSlider, Play, jslink, HBox, VBox, Button,
Dropdown, ToggleButtons, Label, observe), so the widgets run on Colab too.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

from . import validate
from .latent import lerp, slerp

PATHS = {"linear": lerp, "spherical": slerp}


# -- pixels and bytes ------------------------------------------------------------------------
def to_pixels(image: torch.Tensor) -> np.ndarray:
    """One image ``(C, H, W)`` in ``[-1, 1]`` -> uint8 ``(H, W)`` (C = 1) or ``(H, W, C)``:
    ``p = round((clamp(x, -1, 1) + 1) · 127.5)``, so -1 is black (0) and 1 is white (255)."""
    if image.ndim != 3 or image.shape[0] not in (1, 3):
        raise ValueError(f"Expected one image (C, H, W) with C = 1 or 3, got {tuple(image.shape)}.")
    pixels = ((image.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return pixels[0].numpy() if pixels.shape[0] == 1 else pixels.permute(1, 2, 0).numpy()


def upscale(pixels: np.ndarray, scale: int) -> np.ndarray:
    """Nearest-neighbour enlargement: ``out[i, j] = pixels[i // scale, j // scale]``."""
    if scale < 1 or int(scale) != scale:
        raise ValueError(f"scale must be a positive integer, got {scale}.")
    return pixels.repeat(scale, axis=0).repeat(scale, axis=1) if scale > 1 else pixels


def encode_png(pixels: np.ndarray, level: int = 1) -> bytes:
    """A PNG of uint8 pixels ``(H, W)`` (gray) or ``(H, W, 3)`` (RGB), written directly:
    signature, IHDR, one IDAT (each row prefixed by filter type 0, zlib at ``level``), IEND.
    Level 1 compresses a sample's large flat areas well and costs well under a millisecond."""
    if pixels.dtype != np.uint8 or pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[2] != 3):
        raise ValueError(f"Expected uint8 pixels (H, W) or (H, W, 3), got {pixels.dtype} {pixels.shape}.")
    h, w = pixels.shape[:2]
    color = 0 if pixels.ndim == 2 else 2                                    # gray or RGB, 8 bits
    rows = np.concatenate([np.zeros((h, 1), np.uint8), pixels.reshape(h, -1)], axis=1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, color, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), level)) + chunk(b"IEND", b""))


def strip(images: torch.Tensor, scale: int = 2, gap: int = 2) -> np.ndarray:
    """Images ``(N, C, H, W)`` side by side in one row of pixels, ``gap`` white pixels apart."""
    tiles = [upscale(to_pixels(x), scale) for x in images]
    white = np.full((tiles[0].shape[0], gap, *tiles[0].shape[2:]), 255, np.uint8)
    parts = [part for tile in tiles for part in (tile, white)][:-1]
    return np.concatenate(parts, axis=1)


def put(widget, pixels: np.ndarray) -> None:
    """Replace an ``ipywidgets.Image``'s bytes by the PNG of ``pixels``, shown at their own
    size (without a width, a browser stretches the image to the output's width and blurs it)."""
    height, width = pixels.shape[:2]
    if widget.width != str(width) or widget.height != str(height):
        widget.width, widget.height = str(width), str(height)
    widget.value = encode_png(pixels)


# -- generators and latent points ------------------------------------------------------------
def resolve(generator: nn.Module | str) -> tuple[nn.Module, tuple[str, ...] | None]:
    """A generator in eval mode and its class names (``None`` for unconditional ones);
    a string is the name of a shipped generator."""
    names = None
    if isinstance(generator, str):
        from .data import CLASS_NAMES
        from .pretrained import describe, load_pretrained

        dataset = describe(generator).get("data", "").split("/")[0]
        generator, names = load_pretrained(generator), CLASS_NAMES.get(dataset)
    n = getattr(generator, "n_classes", None)
    if n is None:
        return generator.eval(), None
    return generator.eval(), tuple(names) if names and len(names) == n else tuple(str(c) for c in range(n))


def latent(seed: int, latent_dim: int) -> torch.Tensor:
    """The latent point of ``seed``: ``z ~ N(0, I)``, shape ``(latent_dim,)``, from a torch
    generator seeded with ``seed`` (the first of :func:`gan_lab.latent.generate`'s samples)."""
    latent_dim = validate.positive_int(latent_dim, "latent_dim")
    return torch.randn(1, latent_dim, generator=torch.Generator().manual_seed(validate.seed(seed)))[0]


@contextmanager
def one_thread() -> Iterator[None]:
    """Run torch on one thread inside, restoring the count after. A few 28x28 samples are too
    little work to share: on the busy 2-core test machine, a DCGAN sample took 1 ms on one
    thread and 100-300 ms on two (waiting for the second thread), measured."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(n)


@torch.no_grad()
def run(generator: nn.Module, z: torch.Tensor, y: int | None = None,
        embedding: torch.Tensor | None = None) -> torch.Tensor:
    """``G(z)``, ``G(z, y)`` or ``G.forward_embedding(z, e)`` for a batch ``z (B, d)``, on the
    generator's device, returned on the CPU."""
    device = next(generator.parameters()).device
    z = z.to(device)
    with one_thread():
        if embedding is not None:
            return generator.forward_embedding(z, embedding.to(device)).cpu()
        if getattr(generator, "n_classes", None) is None:
            return generator(z).cpu()
        labels = torch.full((len(z),), 0 if y is None else int(y), dtype=torch.int64, device=device)
        return generator(z, labels).cpu()


# -- GANSpace directions ---------------------------------------------------------------------
def feature_layer(generator: nn.Module) -> nn.Module:
    """The generator's first layer of features: the module its ``early_features`` names
    (conditional generators: the first conditional batch norm), ``project`` (DCGAN
    generators, after batch norm and ReLU) or the first activation (MLP generators)."""
    if isinstance(getattr(generator, "early_features", None), str):
        return generator.get_submodule(generator.early_features)
    if isinstance(getattr(generator, "project", None), nn.Module):
        return generator.project
    for module in generator.modules():
        if isinstance(module, (nn.ReLU, nn.LeakyReLU)):
            return module
    raise ValueError(f"{type(generator).__name__} has no `project` block or activation to read features from.")


@torch.no_grad()
def principal_directions(generator: nn.Module, k: int = 4, n: int = 600,
                         seed: int = 0) -> torch.Tensor:
    """GANSpace directions (Härkönen et al., 2020), unit vectors ``(k, latent_dim)``.

    For ``n`` draws ``z_j ~ N(0, I)`` take the early features ``f_j`` (:func:`feature_layer`),
    centred (per class for a conditional generator, so that the directions change style,
    not class). Their principal coordinates ``c_j = Vₖᵀ (f_j - μ)`` come from whichever of
    ``Fᵀ F`` and ``F Fᵀ`` is smaller (same nonzero eigenvalues λ_i). Least squares ``C U ≈ Z`` carries them
    back to latent space: row ``i`` of ``U`` is the direction in ``z`` that moves the
    features along the ``i``-th principal component. Rows are normalized to unit length,
    with signs fixed so that each row's largest entry is positive.
    """
    validate.generator(generator, where="principal_directions")
    k = validate.positive_int(k, "k")
    if k > generator.latent_dim:
        raise ValueError(f"k={k} directions cannot be independent in a {generator.latent_dim}-"
                         f"dimensional latent space: use k ≤ {generator.latent_dim}.")
    n = validate.positive_int(n, "n", minimum=k + 1)  # k components need more than k draws
    rng = torch.Generator().manual_seed(validate.seed(seed))
    z = torch.randn(n, generator.latent_dim, generator=rng)
    n_classes = getattr(generator, "n_classes", None)
    labels = None if n_classes is None else torch.arange(n) % n_classes
    seen: list[torch.Tensor] = []
    hook = feature_layer(generator).register_forward_hook(lambda m, i, o: seen.append(o.flatten(1)))
    try:
        was_training = generator.training
        generator.eval()
        device = next(generator.parameters()).device
        with one_thread():
            if labels is None:
                generator(z.to(device))
            else:
                generator(z.to(device), labels.to(device))
        generator.train(was_training)
    finally:
        hook.remove()
    f = validate.finite(seen[0], "the generator's early features", validate.DIVERGED).float()
    if labels is None:
        f = f - f.mean(0)
    else:
        for c in range(n_classes):
            f[labels == c] -= f[labels == c].mean(0)
    if f.shape[0] <= f.shape[1]:   # Gram matrix F Fᵀ (n x n) = Σ λ_i a_i a_iᵀ: c_ji = a_ji √λ_i
        eigenvalues, vectors = torch.linalg.eigh((f @ f.T).double())   # ascending
        coords = vectors[:, -k:].flip(1) * eigenvalues[-k:].flip(0).clamp_min(0).sqrt()
    else:                          # covariance Fᵀ F (F x F) = Σ λ_i v_i v_iᵀ: c_j = Vₖᵀ f_j
        _, vectors = torch.linalg.eigh((f.T @ f).double())
        coords = f.double() @ vectors[:, -k:].flip(1)                 # (n, k)
    directions = torch.linalg.lstsq(coords, z.double()).solution       # (k, d)
    directions = directions / directions.norm(dim=1, keepdim=True)
    signs = torch.sign(directions.gather(1, directions.abs().argmax(1, keepdim=True)))
    return (directions * signs).float()


# -- the widgets -----------------------------------------------------------------------------
def _widgets():
    import ipywidgets

    return ipywidgets


class _Explorer:
    """Shared parts: the generator, one output image whose bytes are replaced, display."""

    def __init__(self, generator: nn.Module | str, scale: int):
        self.generator, self.class_names = resolve(generator)
        self.scale = scale
        self.image = _widgets().Image(format="png")
        self.image_tensor: torch.Tensor | None = None   # the sample on display, (C, H, W)

    def show(self, image: torch.Tensor) -> None:
        """Put ``image (C, H, W)`` on the display: pixels, enlarged, PNG, into ``self.image``."""
        self.image_tensor = image
        put(self.image, upscale(to_pixels(image), self.scale))

    def _class_dropdown(self, description: str, value: int = 0):
        return _widgets().Dropdown(options=[(name, c) for c, name in enumerate(self.class_names)],
                                   value=value, description=description)

    def _ipython_display_(self):
        from IPython.display import display

        display(self.ui)


class Interpolation(_Explorer):
    """``G(z(t))`` along the linear or spherical path from ``z_a = latent(seed_a)`` to
    ``z_b = latent(seed_b)``; frame ``k`` of ``steps`` is ``t = k / (steps - 1)``.

    ``seed_a``/``seed_b`` sliders, a grid of ``grid`` samples (seeds ``0..grid-1``) whose
    A/B buttons set the endpoints, ``linear``/``spherical`` buttons, a frame slider linked to
    a ``Play`` button (``jslink``: the browser animates it), a class menu for conditional
    generators, the current frame (one image) and the whole path (one strip image).
    """

    def __init__(self, generator: nn.Module | str, seed_a: int = 0, seed_b: int = 1, steps: int = 16,
                 scale: int = 8, grid: int = 8, max_seed: int = 999, strip_scale: int = 2):
        super().__init__(generator, scale)
        w = _widgets()
        self.steps, self.strip_scale = steps, strip_scale
        self.seed_a = w.IntSlider(value=seed_a, min=0, max=max_seed, description="seed A")
        self.seed_b = w.IntSlider(value=seed_b, min=0, max=max_seed, description="seed B")
        self.mode = w.ToggleButtons(options=list(PATHS), value="linear", description="path")
        self.frame = w.IntSlider(value=0, min=0, max=steps - 1, description="frame")
        self.play = w.Play(value=0, min=0, max=steps - 1, interval=120, description="play")
        self.link = w.jslink((self.play, "value"), (self.frame, "value"))
        self.t_label = w.Label()
        self.label = self._class_dropdown("class") if self.class_names else None
        self.path_image = w.Image(format="png")
        self.grid_images, self.grid_buttons = [], []
        cells = []
        for seed in range(grid):
            tile = w.Image(format="png")
            a = w.Button(description="A", layout=w.Layout(width="40px"), tooltip=f"seed {seed} as A")
            b = w.Button(description="B", layout=w.Layout(width="40px"), tooltip=f"seed {seed} as B")
            a.on_click(lambda _, s=seed: setattr(self.seed_a, "value", s))
            b.on_click(lambda _, s=seed: setattr(self.seed_b, "value", s))
            self.grid_images.append(tile)
            self.grid_buttons.append((a, b))
            cells.append(w.VBox([tile, w.HBox([a, b])]))
        for control in (self.seed_a, self.seed_b, self.mode) + ((self.label,) if self.label else ()):
            control.observe(self._new_path, names="value")
        self.frame.observe(self._new_frame, names="value")
        controls = [w.HBox([self.seed_a, self.seed_b]), self.mode]
        if self.label:
            controls.append(self.label)
        self.ui = w.VBox([w.Label("Click A or B under a sample to make it an endpoint:"), w.HBox(cells),
                          *controls, w.HBox([self.play, self.frame, self.t_label]),
                          self.image, self.path_image])
        self._new_path()

    @property
    def y(self) -> int | None:
        return None if self.label is None else self.label.value

    def _sample(self, z: torch.Tensor) -> torch.Tensor:
        return run(self.generator, z[None], self.y)[0]

    def path(self) -> torch.Tensor:
        """The latent points of every frame, ``(steps, latent_dim)``."""
        d = self.generator.latent_dim
        return PATHS[self.mode.value](latent(self.seed_a.value, d), latent(self.seed_b.value, d), self.steps)

    def _new_grid(self) -> None:
        d = self.generator.latent_dim
        samples = run(self.generator, torch.stack([latent(s, d) for s in range(len(self.grid_images))]), self.y)
        for tile, sample in zip(self.grid_images, samples):
            put(tile, upscale(to_pixels(sample), self.strip_scale))

    def _new_path(self, change=None) -> None:
        if change is None or change["owner"] is self.label:
            self._new_grid()
        self.points = self.path()
        frames = run(self.generator, self.points, self.y)
        put(self.path_image, strip(frames, self.strip_scale))
        self._new_frame()

    def _new_frame(self, change=None) -> None:
        k = self.frame.value
        self.t_label.value = f"t = {k / (self.steps - 1):.2f}"
        self.show(self._sample(self.points[k]))


class ClassMorph(_Explorer):
    """A conditional generator with ``z = latent(seed)`` fixed and the class input moving from
    class ``a`` to class ``b``: frame ``k`` shows ``G.forward_embedding(z, (1 - t) E[a] + t E[b])``,
    ``t = k / (steps - 1)``. Frames 0 and ``steps - 1`` are exactly ``G(z, a)`` and ``G(z, b)``."""

    def __init__(self, generator: nn.Module | str, seed: int = 0, class_a: int = 0, class_b: int = 1,
                 steps: int = 16, scale: int = 8, max_seed: int = 999, strip_scale: int = 2):
        super().__init__(generator, scale)
        if self.class_names is None or not hasattr(self.generator, "forward_embedding"):
            raise ValueError(f"{type(self.generator).__name__} is not a conditional generator: "
                             "class morphing needs G(z, y) with G.embed and G.forward_embedding, "
                             "e.g. load_pretrained('cgan-mnist').")
        w = _widgets()
        self.steps, self.strip_scale = steps, strip_scale
        self.seed = w.IntSlider(value=seed, min=0, max=max_seed, description="seed")
        self.class_a = self._class_dropdown("from", class_a)
        self.class_b = self._class_dropdown("to", class_b)
        self.frame = w.IntSlider(value=0, min=0, max=steps - 1, description="frame")
        self.play = w.Play(value=0, min=0, max=steps - 1, interval=120, description="play")
        self.link = w.jslink((self.play, "value"), (self.frame, "value"))
        self.t_label = w.Label()
        self.path_image = w.Image(format="png")
        for control in (self.seed, self.class_a, self.class_b):
            control.observe(self._new_path, names="value")
        self.frame.observe(self._new_frame, names="value")
        self.ui = w.VBox([self.seed, w.HBox([self.class_a, self.class_b]),
                          w.HBox([self.play, self.frame, self.t_label]), self.image, self.path_image])
        self._new_path()

    def embeddings(self) -> torch.Tensor:
        """``e(t) = (1 - t) E[a] + t E[b]`` for every frame, ``(steps, embed_dim)``."""
        with torch.no_grad():
            ends = self.generator.embed(torch.tensor([self.class_a.value, self.class_b.value])).cpu()
        return lerp(ends[0], ends[1], self.steps)

    def _new_path(self, change=None) -> None:
        self.z = latent(self.seed.value, self.generator.latent_dim)
        self.points = self.embeddings()
        frames = run(self.generator, self.z.expand(self.steps, -1), embedding=self.points)
        put(self.path_image, strip(frames, self.strip_scale))
        self._new_frame()

    def _new_frame(self, change=None) -> None:
        k = self.frame.value
        self.t_label.value = f"t = {k / (self.steps - 1):.2f}"
        self.show(run(self.generator, self.z[None], embedding=self.points[k][None])[0])


class Directions(_Explorer):
    """``G(z + Σ_i α_i u_i)``: ``z = latent(seed)``, one slider ``α_i ∈ [-span, span]`` per
    direction ``u_i`` (unit vectors, by default :func:`principal_directions`). Each entry of
    ``z`` has standard deviation 1, and so has ``z``'s coordinate along any unit vector:
    ``α = ±3`` moves it three standard deviations."""

    def __init__(self, generator: nn.Module | str, directions: torch.Tensor | None = None, k: int = 4,
                 seed: int = 0, span: float = 4.0, scale: int = 8, max_seed: int = 999):
        super().__init__(generator, scale)
        w = _widgets()
        self.directions = principal_directions(self.generator, k) if directions is None else directions.float()
        self.seed = w.IntSlider(value=seed, min=0, max=max_seed, description="seed")
        self.label = self._class_dropdown("class") if self.class_names else None
        self.alphas = [w.FloatSlider(value=0.0, min=-span, max=span, step=0.1, description=f"direction {i}")
                       for i in range(len(self.directions))]
        self.reset = w.Button(description="reset")
        self.reset.on_click(self._reset)
        for control in [self.seed, *self.alphas] + ([self.label] if self.label else []):
            control.observe(self._redraw, names="value")
        top = [self.seed] + ([self.label] if self.label else [])
        self.ui = w.HBox([w.VBox([*top, *self.alphas, self.reset]), self.image])
        self._redraw()

    def point(self) -> torch.Tensor:
        """The latent point on display: ``z + Σ_i α_i u_i``, ``(latent_dim,)``."""
        alpha = torch.tensor([s.value for s in self.alphas], dtype=torch.float32)
        return latent(self.seed.value, self.generator.latent_dim) + alpha @ self.directions

    def _reset(self, button=None) -> None:
        for slider in self.alphas:
            slider.value = 0.0

    def _redraw(self, change=None) -> None:
        self.show(run(self.generator, self.point()[None], None if self.label is None else self.label.value)[0])


def interpolation_images(generator: nn.Module | str, seed_a: int, seed_b: int, steps: int = 10,
                         mode: str = "linear", y: int | None = None) -> torch.Tensor:
    """``G(z(t))`` for every frame of the path the :class:`Interpolation` widget shows,
    ``(steps, C, H, W)``: the same picture for places where widgets cannot run."""
    generator, _ = resolve(generator)
    path = PATHS[validate.choice(mode, tuple(PATHS), "path")]
    d = generator.latent_dim
    return run(generator, path(latent(seed_a, d), latent(seed_b, d), steps), y)
