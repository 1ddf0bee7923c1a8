"""Data-parallel training across processes started by ``torchrun``: the process group and its collectives.

    torchrun --standalone --nproc_per_node=4 -m apps.colorizer train photos/

Every rank holds a full copy of G and D. We do not wrap them in ``DistributedDataParallel``: a GAN
step toggles ``requires_grad`` on D while G steps, and the gradient penalties take double
backward, both of which DDP's reducer refuses. Instead (as StyleGAN2-ADA does) the trainers call
``average_gradients`` after each backward and before each optimiser step: one flattened
``all_reduce`` per bucket of gradients. Parameters start equal (``broadcast_state`` from rank 0)
and receive equal gradients, so they stay equal; float buffers (BatchNorm running statistics)
see only their rank's batches and are averaged by ``average_buffers`` at log ticks and before
checkpoints.

Every helper is a no-op in a single process, so the trainers call them unconditionally.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import torch
import torch.distributed as dist
from safetensors.torch import save_file
from torch import nn

BUCKET_ELEMENTS = 16 * 2**20  # gradients are all-reduced in flat buckets of at most this many elements


@dataclass(frozen=True)
class World:
    """This process's place among the data-parallel processes."""

    rank: int = 0  # 0 .. size-1; rank 0 logs and writes files
    size: int = 1  # number of processes
    local_rank: int = 0  # index of this process on its machine (its CUDA device)
    owned: bool = False  # whether ``init_world`` created the process group (and ``close_world`` ends it)

    @property
    def main(self) -> bool:
        """Whether this process logs, writes samples and checkpoints."""
        return self.rank == 0


def launched() -> bool:
    """Whether ``torchrun`` (or another launcher setting ``WORLD_SIZE``) started more than one process."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1


def active() -> bool:
    """Whether a process group of more than one process is running."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def init_world(device: torch.device) -> tuple[World, torch.device]:
    """Join the process group ``torchrun`` describes (env ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``).

    ``device``: the device asked for; a CUDA device becomes ``cuda:LOCAL_RANK`` with the NCCL
    backend, anything else uses gloo. A single process (no ``WORLD_SIZE`` > 1) gets ``World()``
    and ``device`` unchanged; a process group someone else already started is used as it is.
    """
    if active():
        rank = dist.get_rank()
        local = int(os.environ.get("LOCAL_RANK", "0"))
        if device.type == "cuda":
            device = torch.device("cuda", local)
        return World(rank, dist.get_world_size(), local, owned=False), device
    if not launched():
        return World(), device
    rank, size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if device.type == "cuda":
        device = torch.device("cuda", local)
        torch.cuda.set_device(device)
        dist.init_process_group("nccl", rank=rank, world_size=size, device_id=device)
    else:
        dist.init_process_group("gloo", rank=rank, world_size=size)
    return World(rank, size, local, owned=True), device


def close_world(world: World) -> None:
    """End the process group if ``init_world`` started it."""
    if world.owned and dist.is_initialized():
        dist.destroy_process_group()


def barrier(world: World) -> None:
    """Wait until every rank gets here (no-op in a single process)."""
    if world.size > 1:
        if dist.get_backend() == "nccl":
            dist.barrier(device_ids=[world.local_rank])
        else:
            dist.barrier()


@torch.no_grad()
def broadcast_state(*nets: nn.Module | None) -> None:
    """Copy rank 0's parameters and buffers into every rank's ``nets`` (in place)."""
    if not active():
        return
    for net in nets:
        if net is None:
            continue
        for t in [*net.parameters(), *net.buffers()]:
            dist.broadcast(t.data, src=0)


def _flat_reduce(tensors: list[torch.Tensor]) -> None:
    """Average ``tensors`` (same dtype and device) over ranks in place, in flat buckets."""
    size = dist.get_world_size()
    i = 0
    while i < len(tensors):
        bucket, n = [], 0
        while i < len(tensors) and (not bucket or n + tensors[i].numel() <= BUCKET_ELEMENTS):
            bucket.append(tensors[i])
            n += tensors[i].numel()
            i += 1
        flat = torch.cat([t.reshape(-1) for t in bucket])  # (n,)
        dist.all_reduce(flat, op=dist.ReduceOp.SUM)
        flat.div_(size)
        for t, part in zip(bucket, flat.split([t.numel() for t in bucket])):
            t.copy_(part.view_as(t))


def _grouped(tensors: Iterable[torch.Tensor]) -> list[list[torch.Tensor]]:
    groups: dict[tuple, list[torch.Tensor]] = {}
    for t in tensors:
        groups.setdefault((t.dtype, t.device), []).append(t)
    return list(groups.values())


@torch.no_grad()
def average_gradients(params: Iterable[nn.Parameter]) -> None:
    """Replace each ``.grad`` by its mean over ranks (parameters without a gradient are skipped).

    Every rank runs the same graph, so every rank has gradients for the same parameters. Works
    without host synchronisation on CUDA (NCCL queues the reduction on the current stream).
    """
    if not active():
        return
    for group in _grouped(p.grad for p in params if p.grad is not None):
        _flat_reduce(group)


@torch.no_grad()
def average_buffers(*nets: nn.Module | None) -> None:
    """Average the floating-point buffers of ``nets`` over ranks (BatchNorm running statistics)."""
    if not active():
        return
    bufs = [b for net in nets if net is not None for b in net.buffers() if b.is_floating_point()]
    for group in _grouped(bufs):
        _flat_reduce(group)


def all_mean(x: torch.Tensor) -> torch.Tensor:
    """The mean of ``x`` over ranks (a new tensor; ``x`` itself in a single process)."""
    if not active():
        return x
    y = x.detach().clone()
    dist.all_reduce(y, op=dist.ReduceOp.SUM)
    return y / dist.get_world_size()


DUMP_ENV = "GANCORE_DUMP_RANK_WEIGHTS"


def dump_rank_weights(gan, world: World) -> None:
    """With env ``GANCORE_DUMP_RANK_WEIGHTS=DIR``: this rank's final G and D weights to ``DIR/rank-R.safetensors``.

    For checking that the ranks of a run end identical (checkpoints hold rank 0's weights only).
    """
    folder = os.environ.get(DUMP_ENV)
    if not folder:
        return
    tensors = {f"generator.{k}": v for k, v in gan.generator.state_dict().items()}
    tensors.update({f"discriminator.{k}": v for k, v in gan.discriminator.state_dict().items()})
    os.makedirs(folder, exist_ok=True)
    save_file(
        {k: v.detach().contiguous().cpu() for k, v in tensors.items()},
        os.path.join(folder, f"rank-{world.rank}.safetensors"),
    )


def stop_flag(mine: bool, world: World) -> bool:
    """Whether any rank asks to stop (rank 0 decides from the held-out scores; the others follow)."""
    if world.size == 1:
        return mine
    return bool(all_mean(torch.tensor([1.0 if mine else 0.0])).item() > 0)
