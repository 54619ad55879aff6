"""Top-1 accuracy per camera view."""
from collections import defaultdict
from typing import Dict, List, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mmaction.registry import METRICS
from ...datasets.recording_keys import get_key_parser


@METRICS.register_module()
class ViewwiseAccMetric(BaseMetric):
    """Top-1 accuracy of each camera, ``acc_view/top1_c{v}``.

    ``top1_c{v} = #{i in view v : argmax pred_i == y_i} / #{i in view v}``.
    The view is read from each sample's ``frame_dir`` with ``key_parser``
    (so the test pipeline's ``PackActionInputs`` must keep ``frame_dir`` in
    its ``meta_keys``). Use it beside mmaction2's ``AccMetric``, which gives
    the overall figures.
    """
    default_prefix = 'acc_view'

    def __init__(self, key_parser='ntu', collect_device='cpu', prefix=None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.key_parser = get_key_parser(key_parser)

    def process(self, data_batch, data_samples: Sequence[Dict]) -> None:
        for ds in data_samples:
            if 'frame_dir' not in ds:
                raise KeyError(
                    'ViewwiseAccMetric needs frame_dir in the data samples: '
                    "add meta_keys=('frame_dir',) to PackActionInputs")
            view = self.key_parser(ds['frame_dir']).view
            pred = int(ds['pred_score'].argmax())
            self.results.append((view, pred, int(ds['gt_label'].item())))

    def compute_metrics(self, results: List) -> Dict:
        per_view = defaultdict(list)
        for view, pred, label in results:
            per_view[view].append(pred == label)
        return {
            f'top1_c{v}': float(np.mean(hits))
            for v, hits in sorted(per_view.items())
        }
