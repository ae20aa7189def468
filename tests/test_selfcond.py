"""The self-conditioned GAN's pieces: k-means against brute force, the cluster numbering,
and the generator's inverse-CDF sampling of clusters against exact quantiles."""

import itertools

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from gan_lab.checkpoint import load_generator, save_generator
from gan_lab.conditional import ConditionalGenerator
from gan_lab.selfcond import SelfConditionedGenerator, cluster_labels, kmeans


def sse(x, c, k):
    """Σ_i ‖x_i - mean of x_i's cluster‖², computed directly."""
    return sum(((x[c == j] - x[c == j].mean(0)) ** 2).sum().item() for j in range(k) if (c == j).any())


def test_kmeans_finds_the_best_partition_of_a_small_set_found_by_brute_force():
    g = torch.Generator().manual_seed(1)
    x = torch.cat([torch.randn(4, 2, generator=g) + torch.tensor([6.0, 0.0]),
                   torch.randn(4, 2, generator=g) - torch.tensor([6.0, 0.0])])
    best = min(sse(x, torch.tensor(bits), 2) for bits in itertools.product([0, 1], repeat=8)
               if 0 < sum(bits) < 8)
    _, c = kmeans(x, 2, seed=0)
    assert sse(x, c, 2) == pytest.approx(best, rel=1e-6)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(5, 60), d=st.integers(1, 6), k=st.integers(1, 5), seed=st.integers(0, 10**6))
def test_kmeans_ends_at_a_lloyd_fixed_point(n, d, k, seed):
    """After Lloyd's iterations converge, each point sits in its nearest centroid's cluster
    and each non-empty cluster's centroid is its mean."""
    k = min(k, n)
    x = torch.randn(n, d, generator=torch.Generator().manual_seed(seed))
    mu, c = kmeans(x, k, iterations=100, seed=seed)
    distances = ((x[:, None, :] - mu[None]) ** 2).sum(-1)          # brute force, (n, k)
    assert torch.allclose(distances.gather(1, c[:, None]).squeeze(1), distances.min(1).values, atol=1e-4)
    for j in range(k):
        if (c == j).any():
            assert torch.allclose(mu[j], x[c == j].mean(0), atol=1e-5)


def test_kmeans_refuses_bad_input():
    with pytest.raises(ValueError, match="at least 5 points"):
        kmeans(torch.randn(3, 2), 5)
    with pytest.raises(ValueError, match="NaN or infinite"):
        kmeans(torch.tensor([[0.0, float("nan")], [1.0, 1.0]]), 1)


def test_cluster_labels_keep_the_partition_and_number_it_along_the_first_principal_component():
    g = torch.Generator().manual_seed(0)
    x = torch.cat([torch.randn(30, 1, 4, 4, generator=g) * 0.1 + v for v in (5.0, -3.0, 1.0)])
    labels = cluster_labels(x, 3, seed=0)
    _, c = kmeans(x, 3, seed=0)
    assert all(len(set(labels[c == j].tolist())) == 1 for j in range(3))    # same partition
    means = torch.stack([x[labels == j].mean() for j in range(3)])
    assert torch.all(means[1:] > means[:-1]) or torch.all(means[1:] < means[:-1])  # ordered


def small_generator(n_clusters=4, shares=(0.1, 0.2, 0.3, 0.4)):
    torch.manual_seed(0)
    inner = ConditionalGenerator(latent_dim=6, n_classes=n_clusters, embed_dim=3, width=4)
    labels = torch.repeat_interleave(torch.arange(n_clusters), torch.tensor([int(100 * s) for s in shares]))
    return inner, SelfConditionedGenerator.wrap(inner, labels).eval()


def test_clusters_are_drawn_with_their_shares():
    """At the exact quantiles z₀ = Φ⁻¹((i + ½) / M) the inverse CDF gives each cluster c
    a share π_c of the M points, up to one point."""
    _, G = small_generator()
    m = 1000
    z0 = torch.distributions.Normal(0.0, 1.0).icdf((torch.arange(m) + 0.5) / m)
    counts = torch.bincount(G.cluster(z0), minlength=4)
    assert torch.allclose(counts.float(), torch.tensor([100.0, 200.0, 300.0, 400.0]), atol=1)


def test_cluster_choice_at_the_edges_and_at_a_boundary():
    """z₀ → ±∞ picks the first and the last cluster; a cluster of share 0 is never drawn;
    u exactly at a cumulative share belongs to the next cluster (F(c) ≤ u < F(c + 1))."""
    inner = ConditionalGenerator(latent_dim=6, n_classes=4, embed_dim=3, width=4)
    G = SelfConditionedGenerator.wrap(inner, torch.tensor([0, 0, 2, 3]))   # shares ½, 0, ¼, ¼
    extremes = torch.tensor([-float("inf"), -40.0, 40.0, float("inf")])
    assert G.cluster(extremes).tolist() == [0, 0, 3, 3]
    assert 1 not in G.cluster(torch.randn(10_000)).tolist()
    assert G.cluster(torch.tensor([0.0])).item() == 2                      # Φ(0) = ½ = F(0) = F(1)
    with pytest.raises(ValueError, match="Cluster labels must lie in 0..3"):
        SelfConditionedGenerator.wrap(inner, torch.tensor([0, 4]))


def test_generator_is_the_conditional_generator_at_the_drawn_cluster():
    inner, G = small_generator()
    z = torch.randn(8, G.latent_dim)
    assert G.latent_dim == inner.latent_dim + 1
    with torch.no_grad():
        assert torch.allclose(G(z), inner.eval()(z[:, 1:], G.cluster(z[:, 0])))
    with pytest.raises(ValueError, match="SelfConditionedGenerator"):
        G(torch.randn(2, inner.latent_dim))
    with pytest.raises(ValueError, match="latent_dim >= 2"):
        SelfConditionedGenerator(latent_dim=1)


def test_generator_round_trips_through_a_checkpoint_with_its_shares(tmp_path):
    _, G = small_generator()
    save_generator(G, tmp_path / "g.pt", {})
    loaded = load_generator(tmp_path / "g.pt")
    z = torch.randn(5, G.latent_dim)
    assert torch.equal(loaded.cluster_shares, G.cluster_shares)
    with torch.no_grad():
        assert torch.equal(loaded(z), G(z))


def test_cluster_labels_drop_clusters_too_small_to_learn():
    """An outlier far from everything gets its own k-means++ seed; with min_size it is
    folded into the nearest cluster that is large enough, and the numbers stay 0 … k' - 1."""
    g = torch.Generator().manual_seed(0)
    x = torch.cat([torch.randn(40, 2, generator=g) + 10, torch.randn(40, 2, generator=g) - 10,
                   torch.tensor([[60.0, 60.0]])])
    assert torch.bincount(cluster_labels(x, 3, seed=0, min_size=1)).min() == 1
    labels = cluster_labels(x, 3, seed=0, min_size=5)
    assert sorted(torch.bincount(labels).tolist()) == [40, 41]


@pytest.mark.parametrize("name, dataset", [("dcgan-mnist", "mnist"), ("dcgan-fashion-mnist", "fashion-mnist"),
                                           ("mlp-mnist", "mnist")])
def test_shipped_generator_holds_the_shares_of_the_clusters_its_recipe_makes(name, dataset):
    """Re-running the recipe's clustering on the train split gives the shipped cluster shares."""
    from gan_lab import load_dataset, pretrained
    from gan_lab.data import DatasetNotFoundError
    from gan_lab.recipes import get_recipe

    record = pretrained.describe(name)
    try:
        train = load_dataset(dataset, "train")
    except DatasetNotFoundError:
        pytest.skip(f"{dataset} train split not available")
    labels = cluster_labels(train.images, get_recipe(record["recipe"]).clusters, seed=record["seed"])
    G = pretrained.load_pretrained(name)
    assert isinstance(G, SelfConditionedGenerator) and G.n_clusters == int(labels.max()) + 1
    shares = torch.bincount(labels, minlength=G.n_clusters) / len(labels)
    # the numbering follows the SVD's sign for the principal direction: another linear-algebra
    # library may reverse it, and near-ties in the distances may move a few images
    assert (torch.allclose(G.cluster_shares, shares, atol=2e-4)
            or torch.allclose(G.cluster_shares, shares.flip(0), atol=2e-4))


def test_fully_connected_inner_generator_wraps_and_round_trips(tmp_path):
    """The marginal works the same over the MLP conditional generator, and its checkpoint
    rebuilds the MLP (the config names the inner class)."""
    from gan_lab.conditional import ConditionalMLPGenerator
    torch.manual_seed(0)
    inner = ConditionalMLPGenerator(latent_dim=6, n_classes=3, embed_dim=4, hidden=(16,))
    G = SelfConditionedGenerator.wrap(inner, torch.tensor([0, 1, 1, 2])).eval()
    assert G.config["conditional"] == "ConditionalMLPGenerator" and G.early_features == "conditional.mlp.net.1"
    z = torch.randn(6, G.latent_dim)
    with torch.no_grad():
        assert torch.equal(G(z), inner(z[:, 1:], G.cluster(z[:, 0])))
    save_generator(G, tmp_path / "g.pt", {})
    loaded = load_generator(tmp_path / "g.pt")
    assert isinstance(loaded.conditional, ConditionalMLPGenerator)
    with torch.no_grad():
        assert torch.equal(loaded(z), G(z))


def test_inner_generator_defaults_to_the_dcgan_one_and_rejects_unknown_names():
    """A config written before the inner class was named (the shipped DCGANs) still builds."""
    G = SelfConditionedGenerator(latent_dim=9, n_clusters=3, embed_dim=3, width=4)
    assert isinstance(G.conditional, ConditionalGenerator) and G.config["conditional"] == "ConditionalGenerator"
    with pytest.raises(ValueError, match="conditional must name a conditional generator, one of "
                                         "ConditionalGenerator, ConditionalMLPGenerator"):
        SelfConditionedGenerator(conditional="MLPGenerator")
