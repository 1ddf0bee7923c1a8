"""pix2pix's own training step, for ``make bench`` to time beside ours on identical networks.

The control flow of pytorch-CycleGAN-and-pix2pix's ``Pix2PixModel.optimize_parameters`` as its paper's
code runs it: one G forward; D's update on the fake detached and on the real pair, each its own D
forward, the two losses halved; D's gradients switched off (``set_requires_grad(netD, False)``); G's
update on a third D forward and L1 x 100; ``torch.optim.Adam`` with torch's defaults for the device (one
tensor at a time on a CPU); fp32; the conditioning done once, outside the step, as its data loader does.
The networks are the modules our trainer builds from the same config (``gan.generator``,
``gan.critic``), the same layers and weights, with each convolution run by ``torch.nn``'s own
forward as pix2pix's code builds them (``torch_kernels``: ours take a matrix-product path on maps
of 4 x 4 pixels or fewer, ``gancore/layers/small_conv.py``), so the rows differ in the step around
the networks and in that path.

    step = Pix2PixStep(cfg, device)   # cfg: configs/pix2pix-unet128-full.json
    step(real)                        # real: (B, 3, H, W) in [-1, 1]
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def torch_kernels(net: torch.nn.Module) -> torch.nn.Module:
    """``net`` with each of our ``Conv2d`` / ``ConvTranspose2d`` made ``torch.nn``'s (they add no state:
    only the forward changes), as pix2pix's own networks run."""
    from gancore.layers.small_conv import Conv2d, ConvTranspose2d

    plain = {Conv2d: torch.nn.Conv2d, ConvTranspose2d: torch.nn.ConvTranspose2d}
    for m in net.modules():
        if type(m) in plain:
            m.__class__ = plain[type(m)]
    return net


class Pix2PixStep:
    def __init__(self, cfg, device: torch.device):
        from gancore.gan import build_gan

        torch.manual_seed(cfg.train.seed)
        self.gan = build_gan(cfg).to(device)
        torch_kernels(self.gan.generator), torch_kernels(self.gan.discriminator)
        self.gan.generator.train()
        self.gan.discriminator.train()
        o = cfg.trainer.options
        self.opt_g = torch.optim.Adam(self.gan.generator.parameters(), lr=o.g_learn_rate, betas=(o.g_beta1, 0.999))
        self.opt_d = torch.optim.Adam(self.gan.discriminator.parameters(), lr=o.d_learn_rate, betas=(o.d_beta1, 0.999))
        self.l1 = getattr(cfg.reconstruction.options, "weight", 100.0) if cfg.reconstruction is not None else 100.0
        self.pairs: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}

    def _pair(self, real: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        key = id(real)  # pix2pix's loader hands it (A, B) ready: condition once per batch, not in the step
        if key not in self.pairs:
            with torch.no_grad():
                pair = self.gan.task.condition(real)
            self.pairs[key] = (pair.condition, pair.target)
        return self.pairs[key]

    def _d(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return self.gan.critic(self.gan.task.judged(a, b), a)

    @staticmethod
    def _gan_loss(pred: torch.Tensor, real: bool) -> torch.Tensor:  # GANLoss('vanilla'): BCE with logits
        return F.binary_cross_entropy_with_logits(pred, torch.full_like(pred, 1.0 if real else 0.0))

    def _requires_grad(self, on: bool) -> None:
        for p in self.gan.discriminator.parameters():
            p.requires_grad = on

    def __call__(self, real: torch.Tensor) -> None:
        real_a, real_b = self._pair(real)
        fake_b = self.gan.compose(real_a, self.gan.generator({"condition": real_a}))  # forward()
        self._requires_grad(True)  # backward_D
        self.opt_d.zero_grad()
        loss_d = self._gan_loss(self._d(real_a, fake_b.detach()), False) + self._gan_loss(self._d(real_a, real_b), True)
        (loss_d * 0.5).backward()
        self.opt_d.step()
        self._requires_grad(False)  # backward_G
        self.opt_g.zero_grad()
        loss_g = self._gan_loss(self._d(real_a, fake_b), True) + F.l1_loss(fake_b, real_b) * self.l1
        loss_g.backward()
        self.opt_g.step()
