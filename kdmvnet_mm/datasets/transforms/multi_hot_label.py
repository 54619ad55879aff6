"""Sequence-level multi-label targets as mmaction2 1.2.0 carries them."""
from typing import Dict

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class MultiHotLabel(BaseTransform):
    """``results['label']`` <- multi-hot float ``[num_classes]`` of ``key``.

    mmaction2 1.2.0 carries a multi-label target as a multi-hot float tensor
    in ``gt_label`` (``BaseDataset(multi_class=True)`` builds it,
    ``PackActionInputs`` sets it, ``BCELossWithLogits`` and
    ``AccMetric(metric_list=('mean_average_precision', ))`` read it). The
    multi-label pickles of ``tools/data/make_multilabel_sequences.py`` keep
    an int ``label`` (the first action, so ``MultiViewPoseDataset`` and the
    annotation checks work unchanged) and the full set in ``labels``; this
    transform, placed before ``PackActionInputs``, turns the set into the
    target. Entries without ``key`` use ``[label]``.

    Args:
        num_classes: K.
        key: the field holding the label list.
    """

    def __init__(self, num_classes: int, key: str = 'labels') -> None:
        if num_classes < 1:
            raise ValueError(f'num_classes must be >= 1, got {num_classes}')
        self.num_classes = num_classes
        self.key = key

    def transform(self, results: Dict) -> Dict:
        labels = results.get(self.key, [results['label']])
        labels = np.asarray(labels, dtype=np.int64).reshape(-1)
        if labels.size == 0 or labels.min() < 0 or \
                labels.max() >= self.num_classes:
            raise ValueError(
                f'{results.get("frame_dir", "<sample>")}: field '
                f'{self.key!r}: {labels.tolist()} must be a non-empty list '
                f'of classes in [0, {self.num_classes})')
        onehot = torch.zeros(self.num_classes)
        onehot[torch.from_numpy(labels)] = 1.
        results['label'] = onehot
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_classes={self.num_classes}, '
                f'key={self.key!r})')
