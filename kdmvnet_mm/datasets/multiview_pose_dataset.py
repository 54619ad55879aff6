"""Groups the views of a standard mmaction2 skeleton pickle into recordings."""
import copy
import os.path as osp
from collections import OrderedDict
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.dataset import BaseDataset
from mmengine.logging import MMLogger

from mmaction.registry import DATASETS
from .recording_keys import KeyParseError, get_key_parser
from .validation import (AnnotationError, load_skeleton_pickle, select_split,
                         validate_annotation)


@DATASETS.register_module()
class MultiViewPoseDataset(BaseDataset):
    """All available views of one recording per item.

    Reads the same pickle as mmaction2's ``PoseDataset`` (the official
    ``ntu60_3d.pkl`` / ``ntu120_3d.pkl`` as they are), takes the entries of
    ``split``, and groups them by the recording key that ``key_parser``
    extracts from ``frame_dir`` (``'ntu'``, ``'nwucla'``, ``'pkummd'`` or a
    callable, see :mod:`kdmvnet_mm.datasets.recording_keys`).

    Each view is run through ``pipeline`` (mmaction2's own skeleton
    transforms ending in ``FormatGCNInput`` and ``PackActionInputs``); one
    random seed per recording is handed to every view as ``sync_seed`` so
    that :class:`SyncUniformSampleFrames` samples the same relative
    positions in all of them. The packed item holds

    - ``inputs``: ``[num_clips, V, M, T, J, C]``, one slot per allowed view
      (``views``), zeros where the recording lacks that view; with a
      pipeline that packs several modalities (``PackActionInputs(
      collect_keys=('imgs', 'heatmap_imgs'))``, RGB read from each entry's
      ``filename`` under ``data_prefix['video']``) a dict of such tensors,
      ``[num_clips, V, C, T, H, W]`` each;
    - ``data_samples``: the label, plus ``view_mask`` (bool ``[V]``),
      ``view_ids`` (camera ids ``[V]``), ``exec_idx`` (the recording's index,
      0..num_recordings-1, used by the execution-prototype bank) and the
      metainfo ``recording``.

    Args:
        ann_file: mmaction2 skeleton pickle.
        pipeline: per-view transforms.
        split: split name in the pickle, e.g. ``'xview_train'``.
        key_parser: how to read the recording key and view from a name.
        views: camera ids the protocol allows (NTU xview training: ``[2, 3]``);
            None keeps every view present in the split.
        min_views: recordings with fewer allowed views are dropped.
        num_joints / num_classes: when given, every entry is checked.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 split: Optional[str] = None,
                 key_parser: Union[str, Callable] = 'ntu',
                 views: Optional[Sequence[int]] = None,
                 min_views: int = 1,
                 num_joints: Optional[int] = None,
                 num_classes: Optional[int] = None,
                 **kwargs) -> None:
        self.split = split
        self.key_parser = get_key_parser(key_parser)
        self.views = None if views is None else [int(v) for v in views]
        self.min_views = min_views
        self.num_joints = num_joints
        self.num_classes = num_classes
        super().__init__(ann_file=ann_file, pipeline=pipeline, **kwargs)

    # ------------------------------------------------------------------ load
    def load_data_list(self) -> List[Dict]:
        path = self.ann_file
        data = load_skeleton_pickle(path)
        annos = select_split(data, self.split, path)
        groups: Dict[str, Dict[int, Dict]] = OrderedDict()
        for anno in annos:
            validate_annotation(anno, path, self.num_joints, self.num_classes)
            try:
                key = self.key_parser(anno['frame_dir'])
            except KeyParseError as e:
                raise AnnotationError(path, 'frame_dir', str(e),
                                      anno['frame_dir']) from None
            if self.views is not None and key.view not in self.views:
                continue
            views = groups.setdefault(key.recording, {})
            if key.view in views:
                raise AnnotationError(
                    path, 'frame_dir', f'view {key.view} of recording '
                    f'{key.recording} appears twice', anno['frame_dir'])
            views[key.view] = anno

        slots = self.views
        if slots is None:
            slots = sorted({v for g in groups.values() for v in g})
        self.view_slots = list(slots)

        data_list = []
        for rec, views in groups.items():
            if len(views) < self.min_views:
                continue
            labels = {int(a['label']) for a in views.values()}
            if len(labels) != 1:
                raise AnnotationError(
                    path, 'label', f'views of recording {rec} disagree: '
                    f'{sorted(labels)}')
            data_list.append(
                dict(
                    recording=rec,
                    label=labels.pop(),
                    exec_idx=len(data_list),
                    view_annos={v: views[v]
                                for v in sorted(views)}))
        if not data_list:
            raise AnnotationError(
                path, 'split', f'no recording with >= {self.min_views} of '
                f'views {self.view_slots} in split {self.split!r}')
        n_views = sum(len(d['view_annos']) for d in data_list)
        MMLogger.get_current_instance().info(
            f'MultiViewPoseDataset: {len(data_list)} recordings, {n_views} '
            f'views (slots {self.view_slots}) from {path} [{self.split}]')
        return data_list

    @property
    def num_recordings(self) -> int:
        """Number of recordings; sizes the execution-prototype bank."""
        return len(self)

    @property
    def num_views(self) -> int:
        return len(self.view_slots)

    def get_cat_ids(self, idx: int) -> List[int]:
        return [self.get_data_info(idx)['label']]

    # ----------------------------------------------------------------- items
    def prepare_data(self, idx: int) -> Dict:
        info = self.get_data_info(idx)
        # One seed per recording: every view samples the same positions.
        seed = None if self.test_mode else int(np.random.randint(2**31 - 1))
        packed = OrderedDict()
        for v, anno in info['view_annos'].items():
            results = copy.deepcopy(anno)
            results.update(
                modality='Pose', start_index=0, sync_seed=seed,
                recording=info['recording'], view_id=v)
            if 'filename' in results and self.data_prefix.get('video'):
                results['filename'] = osp.join(self.data_prefix['video'],
                                               results['filename'])
            packed[v] = self.pipeline(results)
        return self._stack_views(info, packed)

    def _stack_views(self, info: Dict, packed: Dict[int, Dict]) -> Dict:
        first = next(iter(packed.values()))
        if isinstance(first['inputs'], dict):
            inputs = {
                k: self._stack_key(info, packed, lambda p, k=k: p[k])
                for k in first['inputs']
            }
        else:
            inputs = self._stack_key(info, packed, lambda p: p)
        mask = [v in packed for v in self.view_slots]
        sample = first['data_samples']
        sample.set_field(torch.tensor(mask), 'view_mask')
        sample.set_field(
            torch.tensor(self.view_slots, dtype=torch.long), 'view_ids')
        sample.set_field(
            torch.tensor(info['exec_idx'], dtype=torch.long), 'exec_idx')
        sample.set_metainfo(dict(recording=info['recording']))
        return dict(inputs=inputs, data_samples=sample)

    def _stack_key(self, info: Dict, packed: Dict[int, Dict],
                   get: Callable) -> torch.Tensor:
        """One modality of every view slot, ``[num_clips, V, ...]``."""
        first = next(iter(packed))
        ref = get(packed[first]['inputs'])
        out = []
        for v in self.view_slots:
            if v not in packed:
                out.append(torch.zeros_like(ref))
                continue
            x = get(packed[v]['inputs'])
            if x.shape != ref.shape:
                raise ValueError(
                    f'recording {info["recording"]}: view {v} gives inputs '
                    f'{tuple(x.shape)} but view {first} gives '
                    f'{tuple(ref.shape)}; the pipeline must fix clip length,'
                    ' persons and frame size')
            out.append(x)
        # clips stay first, as mmaction2's recognizers expect
        return torch.stack(out, dim=1)
