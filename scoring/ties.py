"""The one tie rule, used by the ranking, rank acceptability, stability and scenarios.

Two scores are tied when they differ by at most ``TIE_RTOL`` (10^-9) relative to the larger of
the two in size. Ties chain: in the scores sorted best first, each score tied with the one
before it shares that one's rank, so a run of scores each within 10^-9 of the next shares one
rank. Ranks are standard competition ranks (1, 2, 2, 4): a bid's rank is 1 plus the number of
bids strictly ahead of its tie group. A relative gap, rather than rounding to a number of
digits, means two scores 10^-11 apart are never split because a rounding boundary falls
between them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

TIE_RTOL = 1e-9


def competition_ranks(scores: np.ndarray | Sequence[float], *, lower_is_better: bool = False
                      ) -> np.ndarray:
    """1-based competition ranks of ``scores`` (1-D), or of each row of a 2-D array."""
    s = np.asarray(scores, dtype=float)
    single = s.ndim == 1
    s = np.atleast_2d(s)
    key = s if lower_is_better else -s
    order = np.argsort(key, axis=1, kind="stable")
    ordered = np.take_along_axis(key, order, axis=1)
    n, m = key.shape
    if m == 0:
        return np.zeros((n, 0), dtype=np.int64)[0] if single else np.zeros((n, 0), dtype=np.int64)
    gap = np.abs(np.diff(ordered, axis=1))
    scale = np.maximum(np.abs(ordered[:, 1:]), np.abs(ordered[:, :-1]))
    tied = gap <= TIE_RTOL * scale  # with the score before it in the order
    pos = np.broadcast_to(np.arange(m), (n, m))
    starts = np.where(np.concatenate([np.zeros((n, 1), bool), tied], axis=1), 0, pos)
    starts = np.maximum.accumulate(starts, axis=1)  # each score's tie group starts here
    ranks = np.empty((n, m), dtype=np.int64)
    np.put_along_axis(ranks, order, starts + 1, axis=1)
    return ranks[0] if single else ranks


def award_key(rank: int, price: float, vendor: str) -> tuple[int, float, str]:
    """The order in which bids are picked for an award: best rank, then the lower price, then
    the vendor's name (so a tie at the top of a lot still gives one award)."""
    return (rank, price, vendor.casefold())


def rank_list(scores: Sequence[float], *, lower_is_better: bool = False) -> list[int]:
    """Competition ranks as a plain list (for one lot's bids)."""
    return [int(r) for r in competition_ranks(list(scores), lower_is_better=lower_is_better)]
