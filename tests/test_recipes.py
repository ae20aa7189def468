"""Recipes build the models they name and train them (tiny sizes)."""

import pytest
import torch

from gan_lab.conditional import ConditionalGenerator
from gan_lab.models import DCGANGenerator
from gan_lab.recipes import RECIPES, RecipeRun, get_recipe, refresh_batch_norm
from gan_lab.selfcond import SelfConditionedGenerator


def images_and_labels(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, 28, 28, generator=g) * 2 - 1, torch.randint(0, 10, (n,), generator=g)


def test_get_recipe_changes_fields_and_names_the_choices():
    assert get_recipe("strong-dcgan", steps=3).steps == 3 and RECIPES["strong-dcgan"].steps == 17_000
    with pytest.raises(ValueError, match="choose one of"):
        get_recipe("strong")


def test_unconditional_recipe_trains_and_delivers_an_eval_mode_average():
    x, _ = images_and_labels()
    run = RecipeRun(get_recipe("strong-dcgan", batch_size=8), x, seed=0)
    before = [p.detach().clone() for p in run.trainer.generator.parameters()]
    for _ in range(2):
        run.step()
    assert run.step_count == 2
    assert any(not torch.equal(a, p) for a, p in zip(before, run.trainer.generator.parameters()))
    G = run.result()
    assert isinstance(G, DCGANGenerator) and not G.training
    assert G(torch.randn(3, G.latent_dim)).shape == (3, 1, 28, 28)


def test_decay_steps_lower_both_rates_linearly_over_the_last_steps():
    x, _ = images_and_labels()
    recipe = get_recipe("strong-dcgan", batch_size=8, lr_d=4e-4, steps=5, decay_steps=3)
    run = RecipeRun(recipe, x, seed=0)
    plain = RecipeRun(get_recipe("strong-dcgan", batch_size=8, lr_d=4e-4), x, seed=0)
    rates = []
    for t in range(5):
        run.step(), plain.step()
        rates.append((run.trainer.opt_g.param_groups[0]["lr"], run.trainer.opt_d.param_groups[0]["lr"]))
        same = all(torch.equal(a, b) for a, b in zip(run.trainer.generator.parameters(),
                                                     plain.trainer.generator.parameters()))
        assert same == (t < 3)          # full rates for steps 1-3, then the decay changes G
    # (T - t) / d before step t + 1: 1, 1, 1, 2/3, 1/3 of each rate
    assert rates == pytest.approx([(2e-4 * f, 4e-4 * f) for f in (1, 1, 1, 2 / 3, 1 / 3)])
    assert plain.trainer.opt_g.param_groups[0]["lr"] == 2e-4
    with pytest.raises(ValueError, match="decay_steps"):
        RecipeRun(get_recipe("strong-dcgan", decay_steps=-1), x, seed=0)


def test_conditional_recipe_needs_the_labels():
    x, y = images_and_labels()
    run = RecipeRun(get_recipe("cgan", batch_size=8), x, seed=0, labels=y)
    run.step()
    G = run.result()
    assert isinstance(G, ConditionalGenerator) and G.config["width"] == 32
    assert G(torch.randn(2, G.latent_dim), torch.tensor([0, 9])).shape == (2, 1, 28, 28)
    with pytest.raises(ValueError, match="conditional: pass the class labels"):
        RecipeRun(get_recipe("cgan", batch_size=8), x, seed=0)
    with pytest.raises(ValueError, match="unconditional: .* leave out labels="):
        RecipeRun(get_recipe("strong-dcgan", batch_size=8), x, seed=0, labels=y)


def test_self_conditioned_recipe_clusters_the_images_and_delivers_an_unconditional_generator():
    x, y = images_and_labels(n=200)
    run = RecipeRun(get_recipe("self-conditioned", batch_size=8, clusters=4), x, seed=0)
    k = int(run.labels.max()) + 1          # at most 4: clusters under 20 images are dropped
    assert run.setup_cpu_seconds > 0 and run.labels.shape == (200,) and 2 <= k <= 4
    assert set(run.labels.tolist()) == set(range(k))
    run.step()
    G = run.result()
    assert isinstance(G, SelfConditionedGenerator) and not G.training and G.n_clusters == k
    counts = torch.bincount(run.labels, minlength=k)
    assert torch.allclose(G.cluster_shares, counts / counts.sum(), atol=1e-6)
    assert G(torch.randn(3, G.latent_dim)).shape == (3, 1, 28, 28)
    with pytest.raises(ValueError, match="self-conditioned: it makes its own labels, 4 k-means"):
        RecipeRun(get_recipe("self-conditioned", batch_size=8, clusters=4), x, seed=0, labels=y)


def test_self_conditioned_mlp_recipe_delivers_the_marginal_of_a_fully_connected_generator():
    from gan_lab.conditional import ConditionalMLPDiscriminator, ConditionalMLPGenerator
    x, _ = images_and_labels(n=200)
    run = RecipeRun(get_recipe("self-conditioned-mlp", batch_size=8, clusters=3), x, seed=0)
    assert isinstance(run.trainer.discriminator, ConditionalMLPDiscriminator)
    run.step(), run.step()         # the average starts as a copy of G after the first step
    G = run.result()
    assert isinstance(G, SelfConditionedGenerator) and isinstance(G.conditional, ConditionalMLPGenerator)
    z = torch.randn(4, G.latent_dim)
    with torch.no_grad():     # the average of G, not G: they differ after a step
        assert G(z).shape == (4, 1, 28, 28) and not torch.equal(
            G.conditional(z[:, 1:], G.cluster(z[:, 0])), run.trainer.generator(z[:, 1:], G.cluster(z[:, 0])))


def test_wide_mode_seeking_recipe_differs_from_its_base_only_where_it_says():
    """self-conditioned-ms-wide is self-conditioned-ms with a full-width G, 60 clusters and
    32,000 steps; it keeps the mode-seeking term and the rate decay, and trains a wrapped G of width 64."""
    base, wide = RECIPES["self-conditioned-ms"].describe(), RECIPES["self-conditioned-ms-wide"].describe()
    changed = {k for k in base if base[k] != wide[k]}
    assert changed == {"generator_config", "clusters", "steps"}
    assert (wide["generator_config"], wide["clusters"], wide["steps"]) == ({"width": 64}, 60, 32_000)
    x, _ = images_and_labels(n=200)
    run = RecipeRun(get_recipe("self-conditioned-ms-wide", batch_size=8, clusters=3), x, seed=0)
    run.step()
    G = run.result()
    assert isinstance(G, SelfConditionedGenerator) and G.conditional.config["width"] == 64


def test_refresh_batch_norm_refuses_a_conditional_generator():
    with pytest.raises(ValueError, match="G\\(z, y\\)"):
        refresh_batch_norm(ConditionalGenerator(latent_dim=4, embed_dim=2, width=4))
