"""Draw EG-SSM event gates of one sample beside its skeleton motion energy.

    python tools/analysis/plot_gates.py CONFIG CKPT --index 0 \
        [--split xview_val] --out gates.png

CONFIG/CKPT: a teacher, a student (distiller config, the student runs) or an
extracted student. The sample is item ``--index`` of the config's test
dataset (``--split`` overrides its split). The plot has one line per view:
the gate ``g_t`` of each EG-SSM time step (the backbone's temporal stride
maps it back to clip frames) and, below, the motion energy
``e_t = Σ_j ||x_{t+1,j} − x_{t,j}||`` of the clip the model saw.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dataset import pseudo_collate  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import load_checkpoint  # noqa: E402

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.utils import atomic_write  # noqa: E402
from mmaction.registry import DATASETS, MODELS  # noqa: E402


def motion_energy(clip: np.ndarray) -> np.ndarray:
    """``clip [M, T, J, C]`` -> ``[T]`` summed joint displacement."""
    d = np.linalg.norm(np.diff(clip[..., :3], axis=1), axis=-1).sum((0, 2))
    return np.concatenate([d[:1], d])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('--index', type=int, default=0)
    p.add_argument('--split', default=None)
    p.add_argument('--out', default='gates.png')
    p.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = p.parse_args(argv)

    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    model_cfg = cfg.model
    if model_cfg.get('type') == 'KDMVNetDistiller':
        # the checkpoint holds the trained student: no teacher, no cache,
        # no init
        model_cfg = dict(model_cfg, teacher=None, teacher_ckpt=None,
                         teacher_cache=None, init_student_from_teacher=())
    model = MODELS.build(model_cfg)
    load_checkpoint(model, args.checkpoint, map_location='cpu', strict=False)
    model.eval()
    net = getattr(model, 'student', model)
    if net.neck is None:
        raise ValueError(f'{args.config}: model has no EG-SSM neck to plot')

    ds_cfg = cfg.test_dataloader.dataset
    if args.split:
        ds_cfg.split = args.split
    dataset = DATASETS.build(ds_cfg)
    if not 0 <= args.index < len(dataset):
        raise IndexError(f'--index {args.index}: dataset has {len(dataset)}')
    item = dataset[args.index]
    batch = net.data_preprocessor(pseudo_collate([item]), False)
    with torch.no_grad():
        pred = net.predict(batch['inputs'], batch['data_samples'])[0]
    gates = pred.gates.cpu().numpy()  # [V, T']
    x = batch['inputs'][0].cpu().numpy()
    # first clip, as [V, M, T, J, C]: one view from PoseDataset
    clips = x[0] if x.ndim == 6 else x[0][None]

    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    T = clips.shape[2]
    fig, axes = plt.subplots(2, 1, figsize=(8, 4.5), sharex=True)
    for v, g in enumerate(gates):
        t = (np.arange(len(g)) + 0.5) * T / len(g)
        axes[0].step(t, g, where='mid', label=f'view {v}')
        axes[1].plot(np.arange(T), motion_energy(clips[v]), label=f'view {v}')
    axes[0].set_ylabel('gate g_t')
    axes[0].set_ylim(0, 1)
    axes[0].legend(fontsize=8)
    axes[1].set_ylabel('motion energy')
    axes[1].set_xlabel('clip frame')
    name = item['data_samples'].metainfo.get(
        'frame_dir', item['data_samples'].metainfo.get('recording', ''))
    label = int(item['data_samples'].gt_label)
    axes[0].set_title(f'{name}: label {label}, predicted '
                      f'{int(pred.pred_label)}')
    with atomic_write(args.out) as f:
        fig.savefig(f, format='png', dpi=110, bbox_inches='tight')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
