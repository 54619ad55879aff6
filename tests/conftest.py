"""Shared fixtures: small NTU-format multi-view pickles built in tmp dirs."""
import os
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / 'shared' / 'data'
# mmaction2's joint-stream GCN pipeline on 8-frame clips, for converted data.
NTU_GCN_PIPELINE = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=8),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)  # configs name paths relative to the repository root

import kdmvnet_mm  # noqa: E402,F401
from mmengine.registry import init_default_scope  # noqa: E402

# What the Runner does for configs with default_scope = 'mmaction'.
init_default_scope('mmaction')


def ntu_name(setup=1, cam=1, performer=1, rep=1, action=1):
    return f'S{setup:03d}C{cam:03d}P{performer:03d}R{rep:03d}A{action:03d}'


def make_tiny_ntu(path, num_classes=4, performers=(1, 3), lengths=None,
                  drop=(), persons=1, seed=0, encode_time=False):
    """A hand-sized NTU-format multi-view pickle.

    Every recording (performer x action) has cameras 1-3 unless listed in
    ``drop`` as (performer, action, camera). ``lengths`` maps camera -> T.
    With ``encode_time`` joint 0's x holds t / T, so tests can read back
    which relative positions were sampled.
    """
    rng = np.random.default_rng(seed)
    annos = []
    split = dict(xsub_train=[], xsub_val=[], xview_train=[], xview_val=[])
    for p in performers:
        for a in range(1, num_classes + 1):
            for c in (1, 2, 3):
                if (p, a, c) in drop:
                    continue
                T = (lengths or {}).get(c, int(rng.integers(20, 40)))
                kp = rng.normal(size=(persons, T, 25, 3)).astype(np.float32)
                if encode_time:
                    kp[:, :, 0, 0] = (np.arange(T) / T)[None]
                name = ntu_name(cam=c, performer=p, action=a)
                annos.append(
                    dict(frame_dir=name, label=a - 1, keypoint=kp,
                         total_frames=T))
                train = p == performers[0]
                split['xsub_train' if train else 'xsub_val'].append(name)
                split['xview_train' if c in (2, 3) else 'xview_val'].append(
                    name)
    with open(path, 'wb') as f:
        pickle.dump(dict(split=split, annotations=annos), f)
    return str(path)


@pytest.fixture
def tiny_ntu(tmp_path):
    return make_tiny_ntu(tmp_path / 'tiny.pkl', drop={(1, 2, 3)})


@pytest.fixture(scope='session')
def synth(tmp_path_factory):
    """A small synthetic multi-view pickle for end-to-end runs."""
    from kdmvnet_mm.datasets.synthetic import write_synthetic_multiview
    path = tmp_path_factory.mktemp('synth') / 'mv.pkl'
    write_synthetic_multiview(str(path), seed=1, num_classes=4,
                              num_performers=4, num_replications=1,
                              num_setups=1, max_frames=60)
    return str(path)
