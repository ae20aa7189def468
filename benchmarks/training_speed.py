"""Images per second: a typical tutorial GAN loop vs gan_lab's Trainer, in one process.

Both train the same architecture (MLP GAN, then DCGAN) on the same MNIST images with the
same batch size and Adam settings. The typical loop is the one most tutorials paste: a
torchvision-style Dataset that turns each image into a PIL image and back
(ToTensor + Normalize), a DataLoader, a discriminator ending in Sigmoid with BCELoss, and
separate real and fake passes, structured like PyTorch's DCGAN tutorial. Rounds alternate
between the two loops; the median counts.
The typical loop loads in the main process (``--workers 0``), its fastest setting on a
2-core CPU; ``--workers 2`` (the PyTorch DCGAN tutorial's setting) measures the other. Its
discriminator uses ``nn.Dropout``, as a tutorial would; ``--shared-dropout`` gives it
gan_lab's faster ``Dropout`` as well, to see what the loop alone buys.

    python benchmarks/training_speed.py            # about 2 minutes on a 2-core CPU
    python benchmarks/training_speed.py --steps 20 --rounds 1   # a quick look
    python benchmarks/training_speed.py --profile  # and the kernels a gan_lab step spends on
    python benchmarks/training_speed.py --readable # and gan_lab's readable path, Trainer(fast=False)
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from PIL import Image
from torch import nn
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms

from gan_lab import load_dataset, models, seed_everything
from gan_lab.data import BatchSource
from gan_lab.train import Trainer


class TutorialMNIST(Dataset):
    """What ``torchvision.datasets.MNIST.__getitem__`` does: uint8 -> PIL -> transform."""

    def __init__(self, pixels: torch.Tensor, transform):
        self.pixels, self.transform = pixels, transform

    def __len__(self):
        return len(self.pixels)

    def __getitem__(self, i):
        return self.transform(Image.fromarray(self.pixels[i].numpy(), mode="L")), 0


def with_torch_dropout(model: nn.Module) -> nn.Module:
    """The same network with ``nn.Dropout`` (what a tutorial writes) in place of gan_lab's
    ``Dropout`` (same distribution, a cheaper mask); dropout has no weights to copy."""
    for name, child in model.named_children():
        if isinstance(child, models.Dropout):
            setattr(model, name, nn.Dropout(child.p))
        else:
            with_torch_dropout(child)
    return model


def typical_loop(G, D, pixels, batch_size, steps, latent_dim, workers=0):
    """The loop as tutorials write it, structured like PyTorch's DCGAN tutorial: the real and
    fake halves of D's loss backpropagated one after the other, D(x) and D(G(z)) read with
    ``.item()`` every step, losses kept in lists. Returns seconds for ``steps`` steps after
    3 warm-up steps."""
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    loader = DataLoader(TutorialMNIST(pixels, tf), batch_size=batch_size, shuffle=True, drop_last=True,
                        num_workers=workers)
    D = nn.Sequential(D, nn.Sigmoid())
    bce = nn.BCELoss()
    opt_d = torch.optim.Adam(D.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(G.parameters(), lr=2e-4, betas=(0.5, 0.999))
    losses_d, losses_g = [], []
    done, start = 0, None
    while True:
        for real, _ in loader:
            if done == 3:
                start = time.perf_counter()
            if done == steps + 3:
                return time.perf_counter() - start
            b = real.size(0)
            target = torch.ones(b)
            # discriminator, real half: backward now
            D.zero_grad()
            p_real = D(real).view(-1)
            loss_real = bce(p_real, target)
            loss_real.backward()
            d_x = p_real.mean().item()
            # discriminator, fake half: backward again, then one optimizer step
            fake = G(torch.randn(b, latent_dim))
            target.fill_(0.0)
            p_fake = D(fake.detach()).view(-1)
            loss_fake = bce(p_fake, target)
            loss_fake.backward()
            d_g_z = p_fake.mean().item()
            opt_d.step()
            # generator: non-saturating loss through the updated discriminator
            G.zero_grad()
            target.fill_(1.0)
            loss_g = bce(D(fake).view(-1), target)
            loss_g.backward()
            opt_g.step()
            loss_d = loss_real + loss_fake
            if done % 50 == 0:
                print(f"\r  typical step {done}: loss_d {loss_d.item():.3f} loss_g {loss_g.item():.3f} "
                      f"D(x) {d_x:.3f} D(G(z)) {d_g_z:.3f}", end="")
            losses_d.append(loss_d.item())
            losses_g.append(loss_g.item())
            done += 1


def gan_lab_loop(G, D, images, batch_size, steps, fast=True):
    """Seconds for ``steps`` steps of gan_lab's Trainer after 3 warm-up steps; ``fast=False``
    times the readable path (exactly ``update_D`` then ``update_G``)."""
    trainer = Trainer(G, D, BatchSource(images, batch_size), "non-saturating", fast=fast)
    trainer.train(3, progress=False)
    start = time.perf_counter()
    trainer.train(steps, progress=False)
    return time.perf_counter() - start


def kernel_shares(G, D, images, batch_size, steps, top=6):
    """Where a gan_lab step spends its time: the ``top`` kernels by share of self CPU time
    (torch.profiler over ``steps`` steps), so you can see what both loops must pay alike."""
    from torch.profiler import ProfilerActivity, profile
    trainer = Trainer(G, D, BatchSource(images, batch_size), "non-saturating")
    trainer.train(3, progress=False)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        trainer.train(steps, progress=False)
    events = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True)
    total = sum(e.self_cpu_time_total for e in events)
    return {e.key: e.self_cpu_time_total / total for e in events[:top]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=0, help="DataLoader workers of the typical loop")
    parser.add_argument("--shared-dropout", action="store_true",
                        help="give the typical loop gan_lab's Dropout too (default: nn.Dropout)")
    parser.add_argument("--readable", action="store_true",
                        help="also time gan_lab's readable path (Trainer(fast=False))")
    parser.add_argument("--profile", action="store_true",
                        help="also print the kernels that take most of a gan_lab step")
    args = parser.parse_args()
    data = load_dataset("mnist", "train")
    pixels = ((data.images[:, 0] + 1) * 127.5).round().to(torch.uint8)   # the raw uint8 images
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {data!r}, "
          f"batch {args.batch_size}, {args.steps} steps x {args.rounds} rounds, typical loop with "
          f"{args.workers} DataLoader workers and "
          f"{'gan_lab' if args.shared_dropout else 'torch.nn'} Dropout")
    pairs = {
        "MLP GAN": lambda: (models.MLPGenerator(), models.MLPDiscriminator()),
        "DCGAN": lambda: (models.DCGANGenerator(), models.DCGANDiscriminator()),
    }
    for name, make in pairs.items():
        rates = {"typical": [], "gan_lab": [], "readable": []}
        for _ in range(args.rounds):
            seed_everything(0)
            G, D = make()
            D = D if args.shared_dropout else with_torch_dropout(D)
            t = typical_loop(G, D, pixels, args.batch_size, args.steps, G.latent_dim, args.workers)
            rates["typical"].append(args.steps * args.batch_size / t)
            seed_everything(0)
            G, D = make()
            t = gan_lab_loop(G, D, data.images, args.batch_size, args.steps)
            rates["gan_lab"].append(args.steps * args.batch_size / t)
            if args.readable:
                seed_everything(0)
                G, D = make()
                t = gan_lab_loop(G, D, data.images, args.batch_size, args.steps, fast=False)
                rates["readable"].append(args.steps * args.batch_size / t)
        typical, ours = statistics.median(rates["typical"]), statistics.median(rates["gan_lab"])
        print(f"\n{name:8s} typical loop {typical:8.0f} img/s | gan_lab {ours:8.0f} img/s | "
              f"ratio {ours / typical:.2f}x")
        if args.readable:
            readable = statistics.median(rates["readable"])
            print(f"{'':8s} gan_lab readable path (fast=False) {readable:8.0f} img/s | "
                  f"fast path / readable {ours / readable:.2f}x")
        if args.profile:
            seed_everything(0)
            shares = kernel_shares(*make(), data.images, args.batch_size, min(args.steps, 30))
            print("  gan_lab step, share of CPU time: " +
                  ", ".join(f"{k} {v:.0%}" for k, v in shares.items()))


if __name__ == "__main__":
    main()
