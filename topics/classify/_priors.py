"""Class-prior adjustment of the label classifier's probabilities.

:func:`em_priors` is the EM prior adjustment of Saerens, Latinne & Decaestecker (2002), "Adjusting
the outputs of a classifier to new a priori probabilities: a simple procedure", Neural
Computation 14(1).
"""

from __future__ import annotations

import numpy as np


def em_priors(
    proba: np.ndarray, train_priors: np.ndarray, *, tol: float = 1e-6, max_iter: int = 1000
) -> np.ndarray:
    """Class priors of unlabelled documents by EM (Saerens et al. 2002).

    Parameters
    ----------
    proba : ndarray of shape (n_documents, n_classes)
        Calibrated posteriors under the training priors (rows sum to 1).
    train_priors : ndarray of shape (n_classes,)

    Returns
    -------
    ndarray of shape (n_classes,)
        Estimated priors of the documents (sum to 1).
    """
    proba = np.asarray(proba, dtype=float)
    train_priors = np.asarray(train_priors, dtype=float)
    priors = train_priors.copy()
    for _ in range(max_iter):
        adjusted = adjust_proba(proba, train_priors, priors)
        new = adjusted.mean(axis=0)
        if np.abs(new - priors).max() < tol:
            return new
        priors = new
    return priors


def adjust_proba(proba: np.ndarray, train_priors: np.ndarray, priors: np.ndarray) -> np.ndarray:
    """Posteriors under new priors: ``p'(c|x) ∝ p(c|x) · π'(c) / π(c)``, rows summing to 1."""
    ratio = np.asarray(priors, dtype=float) / np.maximum(np.asarray(train_priors, float), 1e-12)
    scaled = np.asarray(proba, dtype=float) * ratio
    total = scaled.sum(axis=1, keepdims=True)
    return np.divide(scaled, total, out=np.full_like(scaled, 1 / scaled.shape[1]), where=total > 0)
