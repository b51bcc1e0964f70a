"""Ways of turning a panel's preferences into criterion weights that sum to 1."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def normalise_points(points: Mapping[str, float]) -> dict[str, float]:
    """Direct points (any non-negative numbers, at least one positive) -> weights summing to 1."""
    if any(v < 0 for v in points.values()):
        raise ValueError("weights cannot be negative")
    total = float(sum(points.values()))
    if total <= 0:
        raise ValueError("give at least one criterion a weight above 0")
    return {name: float(v) / total for name, v in points.items()}


def rank_order_centroid(ordering: Sequence[str | Sequence[str]]) -> dict[str, float]:
    """Rank-order centroid weights from an ordering, most important first.

    With n criteria, the one ranked i gets (1/n) * sum_{k=i..n} 1/k. An element of
    ``ordering`` may be a group of equally ranked criteria; they share the mean of
    the centroid weights of the positions they occupy.
    """
    groups = [[g] if isinstance(g, str) else list(g) for g in ordering]
    names = [n for g in groups for n in g]
    if len(set(names)) != len(names):
        raise ValueError("each criterion may appear once in the ordering")
    n = len(names)
    if n == 0:
        return {}
    centroid = [sum(1.0 / k for k in range(i, n + 1)) / n for i in range(1, n + 1)]
    out: dict[str, float] = {}
    pos = 0
    for group in groups:
        share = sum(centroid[pos : pos + len(group)]) / len(group)
        for name in group:
            out[name] = share
        pos += len(group)
    return out


def roc_from_ranks(ranks: Mapping[str, int]) -> dict[str, float]:
    """ROC weights from a rank per criterion (1 = most important; equal ranks tie)."""
    if any(r < 1 for r in ranks.values()):
        raise ValueError("ranks start at 1")
    ordered: dict[int, list[str]] = {}
    for name, r in ranks.items():
        ordered.setdefault(int(r), []).append(name)
    return rank_order_centroid([ordered[r] for r in sorted(ordered)])
