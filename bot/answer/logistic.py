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

    def score(self, X: np.ndarray) -> np.ndarray:
        """The linear score (log-odds for a pointwise fit; a ranking score for a listwise one)."""
        if len(X) == 0:
            return np.zeros(0)
        z = (np.atleast_2d(X) - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.weights) + self.bias

    def predict(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.score(X)))


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


def fit_listwise(
    Xs: list[np.ndarray], ys: list[np.ndarray], l2: float | np.ndarray = 1.0, iters: int = 40
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L2-regularised softmax over each question's candidates (Newton's method with step halving).

    Each question's gold sentences share its target mass: the fit learns to put an answering sentence
    above the other candidates of the same question, which is what the first quote needs, instead of
    above every sentence of every question as a pointwise fit does. Returns weights, mean and scale."""
    allX = np.vstack(Xs)
    mean = allX.mean(axis=0)
    scale = allX.std(axis=0)
    scale[scale == 0] = 1.0
    Zs = [(X - mean) / scale for X in Xs]
    Ts = [y / y.sum() for y in ys]
    reg = np.broadcast_to(np.asarray(l2, dtype=np.float64), (allX.shape[1],))
    w = np.zeros(allX.shape[1])

    def loss(v: np.ndarray) -> float:
        total = 0.5 * float((reg * v * v).sum())
        for Z, t in zip(Zs, Ts, strict=True):
            s = Z @ v
            m = s.max()
            total -= float(t @ (s - m - np.log(np.exp(s - m).sum())))
        return total

    current = loss(w)
    for _ in range(iters):
        g = reg * w
        H = np.diag(reg) + 1e-9 * np.eye(len(w))
        for Z, t in zip(Zs, Ts, strict=True):
            s = Z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            g = g + Z.T @ (p - t)
            zp = Z.T @ p
            H += (Z * p[:, None]).T @ Z - np.outer(zp, zp)
        step = np.linalg.solve(H, g)
        a = 1.0
        while a > 1e-4 and (new := loss(w - a * step)) > current:
            a /= 2
        if new > current:  # no step lowers the loss: this is the optimum, within the step halving
            break
        w = w - a * step
        done = current - new < 1e-6
        current = new
        if done:
            break
    return w, mean, scale


def predict(X: np.ndarray, w, b, mean, scale) -> np.ndarray:
    """The probabilities of a fit that is not stored yet (cross-validation)."""
    if len(X) == 0:
        return np.zeros(0)
    return 1.0 / (1.0 + np.exp(-(((X - mean) / scale) @ w + b)))
