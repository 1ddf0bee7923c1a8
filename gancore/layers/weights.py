"""What every weight layer shares: the options ``bias``, ``initializer``, ``sn`` (spectral norm),
``lr_mul``, ``activation`` and ``avg_pool``, and how ``build_layer`` applies them after the op.

    "conv 64 stride=2 sn=true initializer=(normal 0 0.02) activation=lrelu"

``activation`` and ``avg_pool`` run after the layer (HyperGAN 0.10: a network's ``defaults``
block gives them to every weight layer; ``activation=null`` switches it off). ``lr_mul`` scales
the layer's learning rate the way StyleGAN does, by re-parametrising ``weight = stored * lr_mul``
(with Adam, the step on ``weight`` scales by ``lr_mul``).
"""

from __future__ import annotations

from types import SimpleNamespace

import torch
from torch import nn
from torch.nn.utils import parametrize
from torch.nn.utils.parametrizations import spectral_norm

from ..dsl.spec import LayerSpec
from .base import BuildContext, Param, Shape
from .init import apply_initializer

INIT = Param("initializer", (LayerSpec, str), None, help="e.g. (normal 0 0.02)", network_default=True)
SN = Param("sn", bool, False, help="spectral normalisation of the weights")
LR_MUL = Param("lr_mul", float, 1.0, help="learning-rate multiplier (StyleGAN)", aliases=("lr_mult",))

# the options of linear / conv / deconv / resize_conv / subpixel
WEIGHT = (
    Param("bias", bool, True, help="learn an additive bias"),
    INIT,
    SN,
    LR_MUL,
    Param("activation", (str, LayerSpec), None, help="run after the layer; null for none", network_default=True),
)
# convolutions only: HyperGAN 0.10's pooling after the layer
AVG_POOL = Param("avg_pool", int, None, help="average-pool by this factor after the layer", network_default=True)
# layers with weights but no bias/activation options (attention, style, residual)
INIT_SN = (INIT, SN)
# the params build_layer acts on after the op (an op's own param of the same name is left alone)
SHARED = frozenset((INIT, SN, LR_MUL, WEIGHT[-1], AVG_POOL))


def shared_options(op_params, a: SimpleNamespace) -> SimpleNamespace:
    """The values of the ``SHARED`` params an op declares."""
    return SimpleNamespace(**{p.name: getattr(a, p.name) for p in op_params if p in SHARED})


_UNITS = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d)


def weight_units(module: nn.Module) -> list[nn.Module]:
    """The Linear / Conv modules inside ``module`` (and custom ones marked ``is_weight_unit``)."""
    if isinstance(module, _UNITS) or getattr(module, "is_weight_unit", False):
        return [module]
    return [u for child in module.children() for u in weight_units(child)]


class Scale(nn.Module):
    """A parametrization ``w = stored * c``; registering it stores ``w / c`` (so ``w`` is unchanged)."""

    def __init__(self, c: float):
        super().__init__()
        self.c = c

    def forward(self, stored: torch.Tensor) -> torch.Tensor:
        return stored * self.c

    def right_inverse(self, w: torch.Tensor) -> torch.Tensor:
        return w / self.c


def prepare_weights(module: nn.Module, a: SimpleNamespace, ctx: BuildContext) -> None:
    """Apply ``initializer``, then ``lr_mul``, then ``sn`` to every weight unit of a built op."""
    units = weight_units(module)
    if getattr(a, "initializer", None) is not None:
        for u in units:
            apply_initializer(u, a.initializer, ctx.fail)
    lr_mul = getattr(a, "lr_mul", 1.0)
    if lr_mul <= 0:
        raise ctx.fail(f"'lr_mul' must be positive, got {lr_mul}")
    if lr_mul != 1.0:
        for u in units:
            for name in ("weight", "bias"):
                if getattr(u, name, None) is not None:
                    parametrize.register_parametrization(u, name, Scale(float(lr_mul)))
    if getattr(a, "sn", False):
        for u in units:
            spectral_norm(u)


def post_ops(shape: Shape, a: SimpleNamespace, ctx: BuildContext) -> tuple[list[nn.Module], Shape]:
    """The modules that run after the op (``avg_pool``, then ``activation``) and the final shape."""
    from .activation import ACTIVATIONS  # late: activation.py registers ops through base

    post: list[nn.Module] = []
    pool = getattr(a, "avg_pool", None)
    if pool is not None and pool != 1:
        if pool < 1 or len(shape) != 3 or shape[1] < pool or shape[2] < pool:
            raise ctx.fail(f"cannot avg_pool={pool} an output of shape {shape}")
        post.append(nn.AvgPool2d(pool))
        shape = (shape[0], shape[1] // pool, shape[2] // pool)
    act = getattr(a, "activation", None)
    if act is not None:
        spec = act if isinstance(act, LayerSpec) else LayerSpec(act, source=act)
        if spec.op in ("null", "none", "linear"):
            return post, shape
        if spec.op not in ACTIVATIONS:
            raise ctx.fail(f"unknown activation '{spec.op}' (valid: {', '.join(sorted(ACTIVATIONS))}, null)")
        post.append(ctx.build_nested(spec, shape).module)
    return post, shape
