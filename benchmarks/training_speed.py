"""Images per second: a typical tutorial GAN loop vs gan_lab's Trainer, in one process.

Both train the same architecture (MLP GAN, then DCGAN) on the same MNIST images with the
same batch size and Adam settings. The typical loop is the one most tutorials paste: a
torchvision-style Dataset that turns each image into a PIL image and back
(ToTensor + Normalize), a DataLoader, a discriminator ending in Sigmoid with BCELoss, and
separate real and fake passes, written out as in PyTorch's DCGAN tutorial. Rounds alternate between the two loops; the median counts.
The typical loop loads in the main process (``--workers 0``), its fastest setting on a
2-core CPU; ``--workers 2`` (the PyTorch DCGAN tutorial's setting) measures the other. Its
discriminator uses ``nn.Dropout``, as a tutorial would; ``--shared-dropout`` gives it
gan_lab's faster ``Dropout`` as well, to see what the loop alone buys.

    python benchmarks/training_speed.py            # about 2 minutes on a 2-core CPU
    python benchmarks/training_speed.py --steps 20 --rounds 1   # a quick look
    python benchmarks/training_speed.py --profile  # and the kernels a gan_lab step spends on
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
    """The loop as tutorials write it, step for step the one in PyTorch's DCGAN tutorial
    (real and fake halves of the D loss backpropagated separately, statistics read with
    ``.item()``, losses kept in lists); returns seconds for ``steps`` steps after 3 warm-up steps."""
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    loader = DataLoader(TutorialMNIST(pixels, tf), batch_size=batch_size, shuffle=True, drop_last=True,
                        num_workers=workers)
    netD, netG = nn.Sequential(D, nn.Sigmoid()), G
    criterion = nn.BCELoss()
    optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real_label, fake_label = 1.0, 0.0
    G_losses, D_losses = [], []
    done, start = 0, None
    while True:
        for data in loader:
            if done == 3:
                start = time.perf_counter()
            if done == steps + 3:
                return time.perf_counter() - start
            # (1) update D: maximize log(D(x)) + log(1 - D(G(z)))
            netD.zero_grad()
            real_cpu = data[0]
            b_size = real_cpu.size(0)
            label = torch.full((b_size,), real_label, dtype=torch.float)
            output = netD(real_cpu).view(-1)
            errD_real = criterion(output, label)
            errD_real.backward()
            D_x = output.mean().item()
            noise = torch.randn(b_size, latent_dim)
            fake = netG(noise)
            label.fill_(fake_label)
            output = netD(fake.detach()).view(-1)
            errD_fake = criterion(output, label)
            errD_fake.backward()
            D_G_z1 = output.mean().item()
            errD = errD_real + errD_fake
            optimizerD.step()
            # (2) update G: maximize log(D(G(z)))
            netG.zero_grad()
            label.fill_(real_label)
            output = netD(fake).view(-1)
            errG = criterion(output, label)
            errG.backward()
            D_G_z2 = output.mean().item()
            optimizerG.step()
            if done % 50 == 0:
                print(f"\r  typical step {done}: Loss_D {errD.item():.4f} Loss_G {errG.item():.4f} "
                      f"D(x) {D_x:.4f} D(G(z)) {D_G_z1:.4f} / {D_G_z2:.4f}", end="")
            G_losses.append(errG.item())
            D_losses.append(errD.item())
            done += 1


def gan_lab_loop(G, D, images, batch_size, steps):
    trainer = Trainer(G, D, BatchSource(images, batch_size), "non-saturating")
    trainer.train(3, progress=False)
    start = time.perf_counter()
    trainer.train(steps, progress=True)
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
    parser.add_argument("--profile", action="store_true",
                        help="also print the kernels that take most of a gan_lab step")
    args = parser.parse_args()
    data = load_dataset("mnist", "test")
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
        rates = {"typical": [], "gan_lab": []}
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
        typical, ours = statistics.median(rates["typical"]), statistics.median(rates["gan_lab"])
        print(f"\n{name:8s} typical loop {typical:8.0f} img/s | gan_lab {ours:8.0f} img/s | "
              f"ratio {ours / typical:.2f}x")
        if args.profile:
            seed_everything(0)
            shares = kernel_shares(*make(), data.images, args.batch_size, min(args.steps, 30))
            print("  gan_lab step, share of CPU time: " +
                  ", ".join(f"{k} {v:.0%}" for k, v in shares.items()))


if __name__ == "__main__":
    main()
