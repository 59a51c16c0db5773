"""A logistic regression small enough to read: fitted with numpy, stored as JSON, no scikit-learn at run time."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

NAMED_L2 = 1.0  # the penalty of the named features


def penalties(named: int, total: int, l2: float) -> np.ndarray:
    """NAMED_L2 for the first `named` features, `l2` for the embedding dimensions after them."""
    return np.r_[np.full(named, NAMED_L2), np.full(total - named, l2)]


class Logistic(BaseModel):
    """A fitted logistic regression over standardised features."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float
    l2: float = (
        1.0  # the penalty of its embedding dimensions (chosen by cross-validation); named ones: NAMED_L2
    )

    def predict(self, X: np.ndarray) -> np.ndarray:
        if len(X) == 0:
            return np.zeros(0)
        z = (np.atleast_2d(X) - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(z @ np.asarray(self.weights) + self.bias)))


def fit_logistic(
    X: np.ndarray, y: np.ndarray, l2: float | np.ndarray = 1.0, iters: int = 50
) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """L2-regularised logistic regression by Newton's method on standardised features.

    `l2` is one penalty for every feature, or one per feature: a few strong named features can then be
    penalised lightly and hundreds of weak embedding dimensions heavily."""
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = np.hstack([(X - mean) / scale, np.ones((len(X), 1))])
    w = np.zeros(Z.shape[1])
    reg = np.append(np.broadcast_to(np.asarray(l2, dtype=np.float64), (X.shape[1],)), 0.0)  # none on the bias
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(Z @ w)))
        g = Z.T @ (p - y) + reg * w
        H = (Z * (p * (1 - p))[:, None]).T @ Z + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1]), mean, scale


def predict(X: np.ndarray, w, b, mean, scale) -> np.ndarray:
    """The probabilities of a fit that is not stored yet (cross-validation)."""
    if len(X) == 0:
        return np.zeros(0)
    return 1.0 / (1.0 + np.exp(-(((X - mean) / scale) @ w + b)))
