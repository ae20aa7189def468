"""A self-conditioned GAN: a conditional GAN trained on clusters of the images instead of labels.

Notebook 08's conditional GAN splits one hard distribution ``p(x)`` into ten easier ones
``p(x | y)``, and on MNIST that is worth about 10x in FID at equal steps
(``benchmarks/unconditional_vs_labels.py``). A self-conditioned GAN (Liu et al., 2020,
"Diverse Image Generation via Self-Conditioned GANs") gets most of that without labels:

1. cluster the training images, ``c_i = argmin_k ‖x_i - μ_k‖²`` (k-means on pixels);
2. train ``G(z, c)`` and ``D(x, c)`` on the pairs ``(x_i, c_i)``, exactly as notebook 08
   trains on ``(x_i, y_i)``;
3. ship the marginal ``p_g(x) = Σ_c π_c p_g(x | c)`` with ``π_c`` the share of training
   images in cluster ``c``: :class:`SelfConditionedGenerator` is an ordinary ``G(z)``.

Liu et al. cluster in the discriminator's features and re-cluster during training; on
28x28 digits, pixels clustered once were enough in the course's pilot (MNIST, 3,000 steps,
Adam 2e-4, seed 0, FID at n = 5,000 against the test split): 41.9 with 25 clusters, against 210 for
the unconditional ``strong-dcgan`` and 21 with the true labels. Too many
clusters invite collapse within each (with 100, one image per cluster by 17,000 steps), and
on Fashion-MNIST it collapsed at 25 too, until MSGAN's mode-seeking term in G's loss
(:func:`gan_lab.stabilize.mode_seeking_loss`, the recipe ``self-conditioned-ms``) kept ``z``
useful within each cluster: :mod:`gan_lab.recipes` has the numbers.
"""

from __future__ import annotations

import torch
from torch import nn

from . import validate
from .conditional import check_labels
from .models import MODELS, weight_dtype
from .records import random_subset


def nearest_centroid(x: torch.Tensor, mu: torch.Tensor, chunk: int = 10_000) -> torch.Tensor:
    """``argmin_k ‖x_i - μ_k‖`` for each row of ``x (N, D)``, in chunks of ``chunk`` rows."""
    return torch.cat([torch.cdist(x[i:i + chunk], mu).argmin(1) for i in range(0, len(x), chunk)])


@torch.no_grad()
def kmeans(x: torch.Tensor, k: int, iterations: int = 20, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """k-means of the rows of ``x (N, D)``: centroids ``μ (k, D)`` and assignments ``c (N,)``
    that lower ``Σ_i ‖x_i - μ_{c_i}‖²``. Seeding is k-means++ (Arthur & Vassilvitskii, 2007:
    each next centroid drawn with probability ∝ its squared distance to the nearest one so
    far); then at most ``iterations`` of Lloyd's steps, ``c_i ← argmin_k ‖x_i - μ_k‖²``,
    ``μ_k ← mean{x_i : c_i = k}`` (an empty cluster keeps its centroid), stopping early when
    no assignment changes (a fixed point: a local minimum). On the CPU.

    Written here because torch has no k-means and the course does not take on scikit-learn
    for twenty lines."""
    x = validate.examples(x, "x").flatten(1).float().cpu()
    k = validate.positive_int(k, "k")
    iterations = validate.positive_int(iterations, "iterations")
    if k > len(x):
        raise ValueError(f"k-means with k = {k} clusters needs at least {k} points, got {len(x)}.")
    g = torch.Generator().manual_seed(validate.seed(seed))
    first = torch.randint(len(x), (1,), generator=g)
    centroids = [x[first]]
    nearest = ((x - x[first]) ** 2).sum(1)                       # squared distance to nearest centroid
    for _ in range(k - 1):
        pick = torch.multinomial(nearest + 1e-12, 1, generator=g)
        centroids.append(x[pick])
        nearest = torch.minimum(nearest, ((x - x[pick]) ** 2).sum(1))
    mu, previous = torch.cat(centroids), None                    # mu: (k, D)
    for _ in range(iterations):
        c = nearest_centroid(x, mu)
        if previous is not None and torch.equal(c, previous):
            break                                                # converged: μ would not change
        counts = torch.bincount(c, minlength=k).unsqueeze(1)     # (k, 1)
        sums = torch.zeros_like(mu).index_add_(0, c, x)          # Σ x_i per cluster
        mu, previous = torch.where(counts > 0, sums / counts.clamp(min=1), mu), c
    return mu, nearest_centroid(x, mu)


def cluster_labels(images: torch.Tensor, k: int, iterations: int = 20, seed: int = 0,
                   fit_on: int = 10_000, min_size: int = 20) -> torch.Tensor:
    """k-means cluster of each image (pixels), numbered ``0 … k' - 1`` with ``k' <= k``.

    The centroids are fitted on ``fit_on`` random images (6x cheaper than all 60,000 MNIST
    images; each of 100 centroids would still average 100 of them); then every image goes to
    its nearest centroid. A centroid that gets fewer than ``min_size`` images (k-means++ can
    seed one on an outlier: on Fashion-MNIST one cluster held a single image) is dropped and
    its images go to their nearest remaining centroid; a GAN cannot learn a "distribution"
    of one image without copying it. Clusters are numbered along the centroids' first
    principal component (the direction in which the centroids differ most), so that
    clusters with nearby numbers tend to look alike. That direction's sign is the SVD's: another
    linear-algebra library may number the same clusters in reverse order."""
    x = validate.examples(images, "images").flatten(1).float().cpu()
    mu, _ = kmeans(random_subset(x, min(fit_on, len(x)), seed), k, iterations, seed)
    c = nearest_centroid(x, mu)
    counts = torch.bincount(c, minlength=len(mu))
    if not (counts >= min_size).any():
        raise ValueError(f"No cluster of {len(x)} images reached min_size = {min_size} images: "
                         f"ask for fewer clusters than {k} or a smaller min_size.")
    if (counts < min_size).any():
        mu = mu[counts >= min_size]
        c = nearest_centroid(x, mu)
    centred = mu - mu.mean(0)
    axis = torch.linalg.svd(centred, full_matrices=False).Vh[0]       # first principal direction
    order = torch.argsort(centred @ axis)                              # old number of the new k-th
    return torch.argsort(order)[c]                                     # new number of each image


class SelfConditionedGenerator(nn.Module):
    """``G(z)`` with ``z = (z₀, z_rest) ~ N(0, I)``: the cluster is ``c = F⁻¹(Φ(z₀))`` and the
    image ``G_c(z_rest, c)``, where ``Φ`` is the standard normal CDF (so ``Φ(z₀)`` is uniform on
    (0, 1)) and ``F`` the cumulative cluster shares ``π``: ``c`` is drawn with probability
    ``π_c`` (inverse-CDF sampling), and ``G(z)`` samples the marginal ``Σ_c π_c p_g(x | c)``.

    ``conditional`` is the generator ``G(z, c)`` trained on the clusters (by default a
    :class:`~gan_lab.conditional.ConditionalGenerator`; ``conditional="ConditionalMLPGenerator"``
    for the fully connected one, with its own options in ``conditional_config``);
    ``cluster_shares`` (a buffer, saved with the weights) is ``π``."""

    def __init__(self, latent_dim: int = 101, n_clusters: int = 25,
                 conditional: str = "ConditionalGenerator", **conditional_config):
        super().__init__()
        latent_dim = validate.positive_int(latent_dim, "latent_dim")
        if latent_dim < 2:
            raise ValueError(f"A self-conditioned generator needs latent_dim >= 2 (one coordinate "
                             f"picks the cluster), got {latent_dim}.")
        if conditional not in MODELS or not hasattr(MODELS[conditional], "forward_embedding"):
            generators = [name for name, cls in MODELS.items() if hasattr(cls, "forward_embedding")]
            raise ValueError(f"conditional must name a conditional generator, one of "
                             f"{', '.join(generators)}; got {conditional!r}.")
        self.conditional = MODELS[conditional](latent_dim=latent_dim - 1, n_classes=n_clusters,
                                               **conditional_config)
        inner = {k: v for k, v in self.conditional.config.items() if k not in ("latent_dim", "n_classes")}
        self.config = dict(latent_dim=latent_dim, n_clusters=n_clusters, conditional=conditional, **inner)
        self.latent_dim, self.n_clusters = latent_dim, n_clusters
        self.register_buffer("cluster_shares", torch.full((n_clusters,), 1.0 / n_clusters))
        # where explorer.principal_directions reads
        self.early_features = "conditional." + self.conditional.early_features

    @classmethod
    def wrap(cls, conditional: nn.Module, labels: torch.Tensor) -> SelfConditionedGenerator:
        """The marginal of ``conditional`` with the cluster shares of ``labels`` (a copy shares
        no tensors with ``conditional``)."""
        check_labels(labels, None, conditional.n_classes, "cluster labels")
        config = {k: v for k, v in conditional.config.items() if k != "n_classes"}
        config["latent_dim"] += 1
        G = cls(n_clusters=conditional.n_classes, conditional=type(conditional).__name__, **config)
        G.conditional.load_state_dict(conditional.state_dict())
        counts = torch.bincount(labels, minlength=conditional.n_classes).double()
        G.cluster_shares.copy_(counts / counts.sum())
        return G.to(next(conditional.parameters()).device)

    def cluster(self, z0: torch.Tensor) -> torch.Tensor:
        """``c = F⁻¹(Φ(z₀))``: the first cluster whose cumulative share exceeds ``Φ(z₀)``
        (computed in float64 on the CPU, then moved to ``z0``'s device)."""
        u = torch.special.ndtr(z0.detach().cpu().double())                 # Φ(z₀), uniform on (0, 1)
        cumulative = torch.cumsum(self.cluster_shares.detach().cpu().double(), 0)
        c = torch.searchsorted(cumulative, u, right=True).clamp(max=self.n_clusters - 1)
        return c.to(z0.device)   # clamp: the last cumulative share may round below 1

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        validate.latent_batch(z, self.latent_dim, "SelfConditionedGenerator", weight_dtype(self))
        return self.conditional(z[:, 1:], self.cluster(z[:, 0]))


MODELS[SelfConditionedGenerator.__name__] = SelfConditionedGenerator
