"""Fast Fourier convolutions (Chi et al. 2020, as LaMa uses them): ``ffc N`` and ``ffc_residual N``.

An FFC splits its channels into a **local** part (ordinary ``filter`` x ``filter`` convolutions)
and a **global** part whose receptive field is the whole image: a real FFT over H and W, a 1x1
convolution (with norm and ReLU) on the spectrum's real and imaginary parts, and the inverse FFT
(the *spectral transform*). The four paths mix the parts::

    y_local  = conv_l2l(x_local) + conv_g2l(x_global)
    y_global = conv_l2g(x_local) + spectral(x_global)

``ratio_g`` is the global share of the output channels (LaMa: 0.75); ``ratio_in`` that of the
input (default: ``ratio_g``; 0 after a plain conv). The output is ``cat(y_local, y_global)``, each
part followed by ``norm`` and ``activation`` (LaMa's FFC_BN_ACT). ``ffc_residual N`` is N of
LaMa's residual blocks: two FFCs (same channels, same ratio) and the block's input added back.
H and W are kept (stride 1). The FFT runs in fp32 even under bf16 autocast.
"""

from __future__ import annotations

import torch
from torch import nn

from .base import REQUIRED, Built, Param, layer, positive
from .weights import INIT_SN

NORMS = {"batch_norm": nn.BatchNorm2d, "instance_norm": nn.InstanceNorm2d, None: None}
ACTS = {"relu": nn.ReLU, "lrelu": lambda: nn.LeakyReLU(0.2), "elu": nn.ELU, None: None}


def _norm_act(channels: int, norm: str | None, act: str | None) -> nn.Module:
    parts = []
    if channels and NORMS[norm] is not None:
        parts.append(NORMS[norm](channels))
    if channels and ACTS[act] is not None:
        parts.append(ACTS[act]())
    return nn.Sequential(*parts)


class FourierUnit(nn.Module):
    """rfft2 -> 1x1 conv on (real, imag) stacked as channels -> norm -> ReLU -> irfft2, in fp32."""

    def __init__(self, cin: int, cout: int, norm: str | None):
        super().__init__()
        self.conv = nn.Conv2d(2 * cin, 2 * cout, 1, bias=NORMS[norm] is None)
        self.post = _norm_act(2 * cout, norm, "relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2:]
        work = self.conv.weight.dtype  # the parameters' (fp32, or fp64 in gradient checks), never bf16
        with torch.autocast(x.device.type, enabled=False):
            spec = torch.fft.rfft2(x.to(work), norm="ortho")  # (B, C, H, W // 2 + 1) complex
            z = self.post(self.conv(torch.cat([spec.real, spec.imag], dim=1)))
            real, imag = z.chunk(2, dim=1)
            return torch.fft.irfft2(torch.complex(real, imag), s=(h, w), norm="ortho")


class SpectralTransform(nn.Module):
    """LaMa's global path: 1x1 conv to half width (norm, ReLU), the Fourier unit, a residual, 1x1 conv out."""

    def __init__(self, cin: int, cout: int, norm: str | None):
        super().__init__()
        half = max(1, cout // 2)
        self.reduce = nn.Sequential(nn.Conv2d(cin, half, 1, bias=False), _norm_act(half, norm, "relu"))
        self.fourier = FourierUnit(half, half, norm)
        self.expand = nn.Conv2d(half, cout, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.reduce(x)
        return self.expand(x + self.fourier(x).to(x.dtype))


class FFC(nn.Module):
    """One fast Fourier convolution on ``cat(local, global)`` channels, norm and activation per part."""

    def __init__(self, cin: int, cout: int, ratio_in: float, ratio_out: float, k: int, norm, act):
        super().__init__()
        self.in_g = int(cin * ratio_in)
        self.in_l = cin - self.in_g
        out_g = int(cout * ratio_out)
        out_l = cout - out_g
        pad = k // 2

        def conv(ci: int, co: int) -> nn.Module | None:
            return nn.Conv2d(ci, co, k, padding=pad, bias=False) if ci and co else None

        self.l2l, self.l2g, self.g2l = conv(self.in_l, out_l), conv(self.in_l, out_g), conv(self.in_g, out_l)
        self.g2g = SpectralTransform(self.in_g, out_g, norm) if self.in_g and out_g else None
        self.out_l, self.out_g = out_l, out_g
        self.post_l, self.post_g = _norm_act(out_l, norm, act), _norm_act(out_g, norm, act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        xl, xg = x[:, : self.in_l], x[:, self.in_l :]
        parts = []
        if self.out_l:
            yl = sum(m(v) for m, v in ((self.l2l, xl), (self.g2l, xg)) if m is not None)
            parts.append(self.post_l(yl))
        if self.out_g:
            yg = sum(m(v) for m, v in ((self.l2g, xl), (self.g2g, xg)) if m is not None)
            parts.append(self.post_g(yg))
        return torch.cat(parts, dim=1) if len(parts) > 1 else parts[0]


class FFCBlock(nn.Module):
    """LaMa's FFCResnetBlock: ``x + ffc2(ffc1(x))`` (both parts of the channels)."""

    def __init__(self, channels: int, ratio: float, k: int, norm, act):
        super().__init__()
        self.ffc1 = FFC(channels, channels, ratio, ratio, k, norm, act)
        self.ffc2 = FFC(channels, channels, ratio, ratio, k, norm, act)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.ffc2(self.ffc1(x))


COMMON = (
    Param("ratio_g", float, 0.75, help="global share of the channels, in [0, 1) (LaMa: 0.75)"),
    Param("filter", int, 3, help="kernel size of the local paths (odd)"),
    Param("norm", (str, None), "batch_norm", help="batch_norm, instance_norm or null"),
    Param("activation", (str, None), "relu", help="relu, lrelu, elu or null"),
)


def _check(a, ctx) -> None:
    if not 0 <= a.ratio_g < 1:
        raise ctx.fail(f"ratio_g must be in [0, 1), got {a.ratio_g}")
    if a.filter % 2 == 0 or a.filter < 1:
        raise ctx.fail(f"'filter' must be odd and at least 1, got {a.filter}")
    if a.norm not in NORMS:
        raise ctx.fail(f"norm must be batch_norm, instance_norm or null, got '{a.norm}'")
    if a.activation not in ACTS:
        raise ctx.fail(f"activation must be relu, lrelu, elu or null, got '{a.activation}'")


@layer(
    "ffc",
    Param("filters", int, REQUIRED, positional=True, help="output channels (local + global)"),
    *COMMON,
    Param("ratio_in", float, None, help="global share of the input channels (default ratio_g; 0 after a conv)"),
    *INIT_SN,
)
def ffc(a, ctx) -> Built:
    """``ffc 64 ratio_g=0.75 ratio_in=0``: a fast Fourier convolution, H and W kept."""
    c, h, w = ctx.image()
    positive(ctx, filters=a.filters)
    _check(a, ctx)
    ratio_in = a.ratio_g if a.ratio_in is None else a.ratio_in
    if not 0 <= ratio_in < 1:
        raise ctx.fail(f"ratio_in must be in [0, 1), got {ratio_in}")
    return Built(FFC(c, a.filters, ratio_in, a.ratio_g, a.filter, a.norm, a.activation), (a.filters, h, w))


@layer("ffc_residual", Param("count", int, 1, positional=True, help="number of blocks"), *COMMON, *INIT_SN)
def ffc_residual(a, ctx) -> Built:
    """``ffc_residual 9``: LaMa's stack of FFC residual blocks (channels and size kept)."""
    c, h, w = ctx.image()
    positive(ctx, count=a.count)
    _check(a, ctx)
    blocks = nn.Sequential(*(FFCBlock(c, a.ratio_g, a.filter, a.norm, a.activation) for _ in range(a.count)))
    return Built(blocks, (c, h, w))
