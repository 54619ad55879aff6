"""Run a trained KD-MVNet teacher once over the training set and cache it.

    python tools/cache_teacher.py TEACHER_CONFIG TEACHER_CKPT \
        --out work_dirs/teacher_cache.pth [--split xview_train] \
        [--cfg-options k=v ...]

Input: the teacher config (its ``train_dataloader`` must be a
MultiViewPoseDataset) and checkpoint (or the teacher's work dir). Each
recording is read with the config's ``mv_test_pipeline`` (deterministic,
test-mode sampling of the same relative positions in every view).

Output (``torch.save``, loadable with ``weights_only=True``)::

    {'recordings': [name, ...],            # R recording keys
     'view_ids':  LongTensor [R, V],       # camera id of each view slot
     'view_mask': BoolTensor [R, V],       # which views the recording has
     'z_views':   FloatTensor [R, V, D],   # per-view teacher embeddings
     'consensus': FloatTensor [R, D],      # c = masked mean over views
     'logits':    FloatTensor [R, K],      # teacher logits on all views
     'meta': {...}}

A student config uses it with ``model.teacher_cache=<file>`` instead of
``teacher`` / ``teacher_ckpt``. The cache is exact when the student's
training pipeline feeds the teacher the same clip; with random temporal
sampling or augmentation it is the teacher's view of the test-mode clip.
"""
import argparse
import copy
import os.path as osp
import sys
import time

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import torch  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dataset import pseudo_collate  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.utils import ProgressBar  # noqa: E402

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.models.distillers.teacher_utils import \
    build_frozen_teacher  # noqa: E402
from kdmvnet_mm.models.recognizers.multiview_utils import (  # noqa: E402
    masked_view_mean, split_inputs)
from kdmvnet_mm.utils import atomic_write  # noqa: E402
from mmaction.registry import DATASETS  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config', help='teacher config')
    p.add_argument('checkpoint', help='teacher checkpoint or work dir')
    p.add_argument('--out', required=True, help='cache file to write')
    p.add_argument('--split', help='split to cache (default: the '
                   "config's training split)")
    p.add_argument('--batch-size', type=int, default=8)
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    return p.parse_args(argv)


def build_cache_dataset(cfg, split=None):
    ds_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    if ds_cfg.get('type') != 'MultiViewPoseDataset':
        raise ValueError(f'{cfg.filename}: train_dataloader.dataset must be a '
                         f'MultiViewPoseDataset, got {ds_cfg.get("type")}')
    if 'mv_test_pipeline' not in cfg:
        raise KeyError(f'{cfg.filename}: field mv_test_pipeline is missing '
                       '(a test-mode multi-view pipeline)')
    ds_cfg.update(pipeline=cfg.mv_test_pipeline, test_mode=True)
    if split is not None:
        ds_cfg.split = split
    return DATASETS.build(ds_cfg)


@torch.no_grad()
def cache_teacher(teacher, dataset, batch_size=8, progress=True):
    """Teacher outputs for every recording of ``dataset`` (see module doc)."""
    recs, ids, masks, zs, logits = [], [], [], [], []
    bar = ProgressBar(len(dataset)) if progress else None
    for start in range(0, len(dataset), batch_size):
        items = [dataset[i] for i in
                 range(start, min(start + batch_size, len(dataset)))]
        batch = teacher.data_preprocessor(pseudo_collate(items), False)
        x, mask, _ = split_inputs(batch['inputs'], batch['data_samples'])
        out = teacher.extract_views(x, mask)
        logits.append(teacher.cls_head(out['fused']))
        zs.append(out['z_views'])
        masks.append(mask)
        for ds in batch['data_samples']:
            recs.append(ds.metainfo['recording'])
            ids.append(ds.view_ids)
        if bar is not None:
            bar.update(len(items))
    z = torch.cat(zs)
    mask = torch.cat(masks)
    return dict(
        recordings=recs,
        view_ids=torch.stack(ids).long(),
        view_mask=mask,
        z_views=z,
        consensus=masked_view_mean(z, mask),
        logits=torch.cat(logits))


def write_cache(cfg, checkpoint, out, split=None, batch_size=8,
                progress=True):
    """Cache the teacher of ``cfg`` (with ``checkpoint``) into ``out``
    (written atomically); returns the cache."""
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    teacher = build_frozen_teacher(cfg.model, checkpoint)
    dataset = build_cache_dataset(cfg, split)
    cache = cache_teacher(teacher, dataset, batch_size, progress)
    cache['meta'] = dict(
        config=cfg.filename, checkpoint=checkpoint,
        split=dataset.split, view_slots=list(dataset.view_slots))
    with atomic_write(out) as f:
        torch.save(cache, f)
    print(f'\nwrote {out}: {len(cache["recordings"])} recordings, '
          f'views {dataset.view_slots}, D={cache["z_views"].shape[-1]}')
    return cache


def cache_options(teacher_dir):
    """The options that make a student config train from the cache that
    :func:`cache_for_student` writes for ``teacher_dir``."""
    return {'model.teacher': None, 'model.teacher_ckpt': None,
            'model.teacher_cache': osp.join(teacher_dir, 'teacher_cache.pth')}


def cache_for_student(cfg, teacher_dir):
    """Cache the teacher trained in ``teacher_dir`` (its config ``cfg``)
    into ``<teacher_dir>/teacher_cache.pth``, rewritten every call so it is
    never stale. Returns the options that make a student config train from
    it, and the seconds the caching took (part of the student's cost)."""
    t0 = time.time()
    opts = cache_options(teacher_dir)
    write_cache(cfg, teacher_dir, opts['model.teacher_cache'],
                progress=False)
    return opts, time.time() - t0


def main(argv=None):
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    write_cache(cfg, args.checkpoint, args.out, args.split, args.batch_size)


if __name__ == '__main__':
    main()
