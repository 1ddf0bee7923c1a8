"""Mixed strategies of a small two-player zero-sum game, by fictitious play (Brown 1951; Robinson 1951).

``A[i, j]`` is what the row player (maximising) wins and the column player (minimising) loses.
Each round, each player best-responds to the other's empirical mix; the empirical mixes converge
to a Nash equilibrium of a zero-sum game. Everything stays on ``A``'s device (no host sync).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def fictitious_play(payoff: torch.Tensor, rounds: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    """``payoff (m, n)`` -> ``(p (m,), q (n,))``: the row player's and the column player's mixed strategies."""
    m, n = payoff.shape
    rows = torch.zeros(m, device=payoff.device, dtype=payoff.dtype)
    cols = torch.zeros(n, device=payoff.device, dtype=payoff.dtype)
    q = torch.full((n,), 1.0 / n, device=payoff.device, dtype=payoff.dtype)
    for _ in range(rounds):
        rows += F.one_hot((payoff @ q).argmax(), m).to(rows.dtype)  # row best response to q
        p = rows / rows.sum()
        cols += F.one_hot((p @ payoff).argmin(), n).to(cols.dtype)  # column best response to p
        q = cols / cols.sum()
    return rows / rows.sum(), q


def game_value(payoff: torch.Tensor, p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """The expected payoff ``p^T A q`` (0-dim)."""
    return p @ payoff @ q
