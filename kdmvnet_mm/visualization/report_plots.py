"""PNG plots for experiment reports (matplotlib, no display needed)."""
from typing import Dict, Optional, Sequence

import numpy as np

from ..utils.io import atomic_write


def _plt():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def confusion_matrix(labels: Sequence[int], preds: Sequence[int],
                     num_classes: int) -> np.ndarray:
    """``cm[i, j]`` = number of samples of class i predicted as j."""
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(labels), np.asarray(preds)), 1)
    return cm


def _save(fig, path):
    with atomic_write(path) as f:
        fig.savefig(f, format='png', dpi=110, bbox_inches='tight')


def plot_confusion(cm: np.ndarray, path: str, title: str = '',
                   class_names: Optional[Sequence[str]] = None) -> None:
    """Row-normalised confusion matrix with counts in the cells."""
    plt = _plt()
    k = cm.shape[0]
    norm = cm / np.maximum(cm.sum(1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(0.45 * k + 2.5, 0.45 * k + 2))
    im = ax.imshow(norm, cmap='Blues', vmin=0, vmax=1)
    names = list(class_names) if class_names else [str(i) for i in range(k)]
    ax.set_xticks(range(k), names, rotation=90, fontsize=7)
    ax.set_yticks(range(k), names, fontsize=7)
    ax.set_xlabel('predicted')
    ax.set_ylabel('true')
    if k <= 30:
        for i in range(k):
            for j in range(k):
                if cm[i, j]:
                    ax.text(j, i, int(cm[i, j]), ha='center', va='center',
                            fontsize=6,
                            color='white' if norm[i, j] > 0.5 else 'black')
    fig.colorbar(im, ax=ax, fraction=0.046)
    ax.set_title(title)
    _save(fig, path)
    plt.close(fig)


def plot_per_view_accuracy(table: Dict[str, Dict[str, float]], path: str,
                           title: str = '') -> None:
    """Grouped bars: ``table[model][view] = top-1 %``."""
    plt = _plt()
    models = list(table)
    views = sorted({v for row in table.values() for v in row})
    w = 0.8 / max(len(models), 1)
    fig, ax = plt.subplots(figsize=(1.6 * len(views) + 2, 3.5))
    for i, m in enumerate(models):
        vals = [table[m].get(v, np.nan) for v in views]
        bars = ax.bar(np.arange(len(views)) + i * w, vals, w, label=m)
        for b, v in zip(bars, vals):
            if not np.isnan(v):
                ax.text(b.get_x() + b.get_width() / 2, v + 0.5, f'{v:.1f}',
                        ha='center', fontsize=7)
    ax.set_xticks(np.arange(len(views)) + w * (len(models) - 1) / 2, views)
    ax.set_ylabel('top-1 (%)')
    ax.set_ylim(0, 105)
    ax.legend(fontsize=8, loc='lower right')
    ax.set_title(title)
    _save(fig, path)
    plt.close(fig)
