"""One skeleton sample from a file, run through a config's test pipeline.

Reads an NTU ``.skeleton``, an N-UCLA ``.json`` or one entry of an mmaction2
skeleton pickle, validates it (errors name the file and the field) and
returns the model input ``[num_clips, M, T, J, C]`` of the test pipeline.
"""
import os.path as osp
from typing import Dict, Optional, Tuple

import numpy as np
from mmengine.config import Config
from mmengine.dataset import Compose

from mmaction.registry import TRANSFORMS
from ..datasets.converters.ntu_raw import parse_ntu_skeleton
from ..datasets.converters.nwucla import parse_nwucla_json
from ..datasets.recording_keys import KeyParseError, parse_ntu
from ..datasets.validation import (AnnotationError, load_skeleton_pickle,
                                   validate_annotation)


def load_skeleton_sample(path: str,
                         sample: Optional[str] = None,
                         num_joints: Optional[int] = None) -> Dict:
    """An mmaction2 annotation dict from ``path``.

    ``sample`` picks a pickle entry by ``frame_dir`` or by index; it is
    required for ``.pkl`` files. ``num_joints`` (the model's J) is checked.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: skeleton file not found')
    ext = osp.splitext(path)[1].lower()
    name = osp.splitext(osp.basename(path))[0]
    if ext == '.skeleton':
        with open(path, 'rb') as f:
            parsed = parse_ntu_skeleton(f.read(), path)
        anno = dict(frame_dir=name, keypoint=parsed['keypoint'],
                    total_frames=parsed['total_frames'])
        try:  # the label is known when the file keeps its NTU name
            anno['label'] = parse_ntu(name).action - 1
        except KeyParseError:
            pass
    elif ext == '.json':
        with open(path, 'rb') as f:
            anno = parse_nwucla_json(f.read(), path, name)
    elif ext in ('.pkl', '.pickle'):
        anno = _pickle_entry(path, sample)
    else:
        raise ValueError(f'{path}: unknown skeleton format {ext!r} (expected '
                         '.skeleton, .json or .pkl)')
    validate_annotation(anno, path, num_joints=num_joints, need_label=False)
    return anno


def _pickle_entry(path: str, sample: Optional[str]) -> Dict:
    annos = load_skeleton_pickle(path)['annotations']
    if sample is None:
        raise ValueError(f'{path}: a pickle holds {len(annos)} samples; '
                         'name one (its frame_dir or index)')
    for a in annos:
        if a.get('frame_dir') == sample:
            return dict(a)
    if sample.isdigit() and int(sample) < len(annos):
        return dict(annos[int(sample)])
    raise AnnotationError(path, 'frame_dir', f'no sample {sample!r} among '
                          f'{len(annos)}')


def test_pipeline(cfg: Config) -> Compose:
    """The config's test pipeline, built with mmaction2's transforms."""
    return Compose([TRANSFORMS.build(t)
                    for t in cfg.test_dataloader.dataset.pipeline])


def pipeline_input(anno: Dict, cfg: Config) -> Tuple[np.ndarray, Dict]:
    """``[num_clips, M, T, J, C]`` float32 input of one sample, and the
    annotation as the pipeline left it."""
    anno = dict(anno, modality='Pose', start_index=0)
    out = test_pipeline(cfg)(anno)
    x = out['inputs'].numpy().astype(np.float32)
    if x.ndim != 5:
        raise ValueError(f'test pipeline gave inputs of shape {x.shape}; '
                         'expected [num_clips, M, T, J, C]')
    return x, out
