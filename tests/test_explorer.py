"""The explorer widgets, driven from the kernel: every displayed image must decode to exactly
the generator's output for the latent point (and class) the widgets say they show.

Expected pixels are computed here independently of gan_lab.explorer: noise from a seeded
torch generator, paths written out, pixels by the formula, enlargement by
``torch.nn.functional.interpolate(mode="nearest")``, and PNGs decoded by Pillow.
"""

import io
import math
import re
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from gan_lab import explorer
from gan_lab.conditional import ConditionalGenerator
from gan_lab.models import DCGANGenerator, MLPGenerator
from gan_lab.pretrained import available, load_pretrained

SCALE = 3


def decode(png: bytes) -> np.ndarray:
    return np.array(Image.open(io.BytesIO(png)))


def z_of(seed: int, d: int) -> torch.Tensor:
    return torch.randn(1, d, generator=torch.Generator().manual_seed(seed))[0]


@torch.no_grad()
def expected(G, z, y=None, e=None, scale=SCALE) -> np.ndarray:
    """G's output for one point, as display pixels: round((x + 1) · 127.5), nearest ×scale."""
    G.eval()
    if e is not None:
        x = G.forward_embedding(z[None], e[None])
    elif y is None:
        x = G(z[None])
    else:
        x = G(z[None], torch.tensor([y]))
    p = ((x.clamp(-1, 1) + 1) * 127.5).round()                     # (1, C, H, W)
    return F.interpolate(p, scale_factor=scale, mode="nearest")[0, 0].to(torch.uint8).numpy()


def small_generators():
    torch.manual_seed(0)
    return {"mlp": MLPGenerator(latent_dim=8, hidden=(16,)),
            "dcgan": DCGANGenerator(latent_dim=8, width=4).eval(),
            "conditional": ConditionalGenerator(latent_dim=8, width=4, embed_dim=5).eval()}


def test_png_encoder_round_trips_gray_and_rgb():
    rng = np.random.default_rng(0)
    gray = rng.integers(0, 256, (7, 5), dtype=np.uint8)
    rgb = rng.integers(0, 256, (4, 6, 3), dtype=np.uint8)
    for pixels in (gray, rgb):
        for level in (0, 1, 9):
            assert np.array_equal(decode(explorer.encode_png(pixels, level)), pixels)
    with pytest.raises(ValueError, match="uint8"):
        explorer.encode_png(gray.astype(np.float32))


def test_pixels_and_upscaling_match_an_independent_computation():
    x = torch.tensor([[[-1.5, -1.0, -0.2], [0.0, 0.3, 1.2]]])       # (1, 2, 3)
    assert explorer.to_pixels(x).tolist() == [[0, 0, 102], [128, 166, 255]]
    pixels = np.arange(6, dtype=np.uint8).reshape(2, 3)
    ref = F.interpolate(torch.from_numpy(pixels)[None, None].float(), scale_factor=4, mode="nearest")
    assert np.array_equal(explorer.upscale(pixels, 4), ref[0, 0].to(torch.uint8).numpy())


@pytest.mark.parametrize("kind", ["mlp", "dcgan", "conditional"])
@pytest.mark.parametrize("mode", ["linear", "spherical"])
def test_interpolation_shows_g_of_each_point_on_the_path(kind, mode):
    G = small_generators()[kind]
    w = explorer.Interpolation(G, seed_a=3, seed_b=5, steps=5, scale=SCALE, grid=4)
    w.mode.value = mode
    y = 2 if kind == "conditional" else None
    if y is not None:
        w.label.value = y
    za, zb = z_of(3, 8), z_of(5, 8)
    assert (w.image.width, w.image.height) == ("84", "84")           # shown at its own size
    for k in (4, 1, 2):
        w.frame.value = k
        t = k / 4
        if mode == "linear":
            z = (1 - t) * za + t * zb
        else:
            omega = math.acos((za @ zb / (za.norm() * zb.norm())).item())
            z = (math.sin((1 - t) * omega) * za + math.sin(t * omega) * zb) / math.sin(omega)
        assert torch.allclose(w.points[k], z, atol=1e-5)
        assert np.array_equal(decode(w.image.value), expected(G, w.points[k], y))
        assert w.t_label.value == f"t = {t:.2f}"
    # the strip holds every frame, 2 px white gaps between them
    tiles = decode(w.path_image.value)
    assert tiles.shape == (56, 5 * 56 + 4 * 2)
    for k in range(5):
        assert np.array_equal(tiles[:, k * 58:k * 58 + 56], expected(G, w.points[k], y, scale=2))


def test_clicking_a_sample_in_the_grid_makes_it_an_endpoint():
    G = small_generators()["mlp"]
    w = explorer.Interpolation(G, seed_a=0, seed_b=1, steps=3, scale=SCALE, grid=4)
    assert np.array_equal(decode(w.grid_images[3].value), expected(G, z_of(3, 8), scale=2))
    w.grid_buttons[3][0].click()                                       # "A" under seed 3
    w.grid_buttons[2][1].click()                                       # "B" under seed 2
    assert (w.seed_a.value, w.seed_b.value) == (3, 2)
    w.frame.value = 2
    assert np.array_equal(decode(w.image.value), expected(G, z_of(2, 8)))
    w.frame.value = 0
    assert np.array_equal(decode(w.image.value), expected(G, z_of(3, 8)))


def test_play_is_linked_to_the_frame_slider_in_the_browser():
    w = explorer.Interpolation(small_generators()["mlp"], steps=4, grid=2)
    assert w.link.source == (w.play, "value") and w.link.target == (w.frame, "value")
    assert (w.play.min, w.play.max) == (w.frame.min, w.frame.max) == (0, 3)


def test_class_morph_mixes_the_two_class_embeddings():
    G = small_generators()["conditional"]
    w = explorer.ClassMorph(G, seed=4, class_a=1, class_b=7, steps=5, scale=SCALE)
    z = z_of(4, 8)
    ea, eb = G.embedding.weight[1].detach(), G.embedding.weight[7].detach()
    for k in (0, 3, 4):
        w.frame.value = k
        t = k / 4
        assert np.array_equal(decode(w.image.value), expected(G, z, e=(1 - t) * ea + t * eb))
    w.frame.value = 0
    assert np.array_equal(decode(w.image.value), expected(G, z, y=1))   # exactly G(z, a)
    w.class_b.value, w.frame.value = 3, 4
    assert np.array_equal(decode(w.image.value), expected(G, z, y=3))   # exactly G(z, b)
    w.seed.value = 9
    assert np.array_equal(decode(w.image.value), expected(G, z_of(9, 8), y=3))


def test_class_morph_refuses_an_unconditional_generator():
    with pytest.raises(ValueError, match="not a conditional generator"):
        explorer.ClassMorph(small_generators()["mlp"])


@pytest.mark.parametrize("kind", ["mlp", "dcgan", "conditional"])
def test_direction_sliders_move_z_along_unit_directions(kind):
    G = small_generators()[kind]
    w = explorer.Directions(G, k=3, seed=2, scale=SCALE)
    u = w.directions
    assert u.shape == (3, 8) and torch.allclose(u.norm(dim=1), torch.ones(3), atol=1e-5)
    y = None
    if kind == "conditional":
        y = w.label.value = 6
    w.alphas[0].value, w.alphas[2].value = 1.5, -2.0
    z = z_of(2, 8) + 1.5 * u[0] - 2.0 * u[2]
    assert np.array_equal(decode(w.image.value), expected(G, z, y))
    w.reset.click()
    assert np.array_equal(decode(w.image.value), expected(G, z_of(2, 8), y))


def test_principal_directions_of_a_linear_first_layer_are_its_top_right_singular_vectors():
    """With features f = A z (no nonlinearity), GANSpace's regression gives back the top
    right singular vectors of A (up to sign), since PCA of f finds A's left ones."""
    torch.manual_seed(0)
    d, k = 6, 3
    U, _ = torch.linalg.qr(torch.randn(20, d))
    W, _ = torch.linalg.qr(torch.randn(d, d))
    A = U @ torch.diag(torch.tensor([8.0, 5.0, 3.0, 1.0, 0.5, 0.2])) @ W.T

    class Linear(torch.nn.Module):
        latent_dim = d

        def __init__(self):
            super().__init__()
            self.project = torch.nn.Linear(d, 20, bias=False)
            self.project.weight.data = A

        def forward(self, z):
            return self.project(z)

    u = explorer.principal_directions(Linear(), k=k, n=20_000)
    cos = (u.double() @ W[:, :k].double()).abs()
    assert torch.allclose(cos.diagonal(), torch.ones(k, dtype=torch.float64), atol=5e-3)


@pytest.mark.parametrize("name", available())
def test_every_shipped_generator_drives_every_widget(name):
    G, classes = explorer.resolve(name)
    w = explorer.Interpolation(name, seed_a=0, seed_b=7, steps=4, scale=SCALE, grid=2)
    w.frame.value = 2
    y = None if classes is None else 0
    assert np.array_equal(decode(w.image.value), expected(load_pretrained(name), w.points[2], y))
    d = explorer.Directions(name, k=2, scale=SCALE)
    d.alphas[1].value = 2.0
    assert np.array_equal(decode(d.image.value), expected(G, d.point(), y))
    if classes is not None:
        m = explorer.ClassMorph(name, steps=3, scale=SCALE)
        m.frame.value = 2
        assert np.array_equal(decode(m.image.value), expected(G, z_of(0, G.latent_dim), y=1))


def test_only_widgets_that_ipywidgets_7_6_has():
    """Colab ships ipywidgets 7.x: the explorer must not use anything newer."""
    source = (Path(explorer.__file__)).read_text()
    used = set(re.findall(r"\bw\.([A-Za-z_]+)\(", source))
    allowed = {"Image", "IntSlider", "FloatSlider", "Play", "jslink", "HBox", "VBox", "Button",
               "Dropdown", "ToggleButtons", "Label", "Layout"}
    assert used and used <= allowed, used - allowed
