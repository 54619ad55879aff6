"""Extract the deployable student from a distillation checkpoint.

    python tools/extract_student.py DISTILL_CONFIG CKPT --out student.pth

Writes ``student.pth`` (``state_dict`` of the student alone, no teacher,
prototypes or distillation heads) and ``student.py`` beside it: a plain
config whose model is the student and whose test loop is the distillation
config's single-view one. Then::

    python tools/test.py student.py student.pth
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.runner.checkpoint import _load_checkpoint  # noqa: E402

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.utils import atomic_write  # noqa: E402

PREFIX = 'student.'


def extract(ckpt_path: str) -> dict:
    if not osp.isfile(ckpt_path):
        raise FileNotFoundError(f'checkpoint {ckpt_path} not found')
    ckpt = _load_checkpoint(ckpt_path, map_location='cpu')
    state = ckpt.get('state_dict', ckpt)
    student = {
        k[len(PREFIX):]: v
        for k, v in state.items() if k.startswith(PREFIX)
    }
    if not student:
        raise ValueError(f'{ckpt_path}: field state_dict: no "{PREFIX}*" '
                         'keys; is this a distillation checkpoint?')
    meta = dict(ckpt.get('meta', {}))
    meta['extracted_from'] = ckpt_path
    return dict(state_dict=student, meta=meta)


def student_config(cfg: Config) -> Config:
    out = Config(dict(cfg.to_dict()))
    out.model = cfg.model.student
    for k in ('train_dataloader', 'train_cfg', 'optim_wrapper',
              'param_scheduler', 'mv_train_dataloader', 'custom_hooks'):
        out.pop(k, None)
    out.load_from = None
    out.resume = False
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config', help='distillation config')
    p.add_argument('checkpoint', help='distillation checkpoint')
    p.add_argument('--out', required=True, help='student checkpoint (.pth)')
    args = p.parse_args(argv)
    cfg = Config.fromfile(args.config)
    if 'student' not in cfg.model:
        raise KeyError(f'{args.config}: field model.student is missing')
    ckpt = extract(args.checkpoint)
    cfg_out = osp.splitext(args.out)[0] + '.py'
    with atomic_write(args.out) as f:
        torch.save(ckpt, f)
    with atomic_write(cfg_out, 'w') as f:
        f.write(student_config(cfg).pretty_text)
    n = sum(v.numel() for v in ckpt['state_dict'].values())
    print(f'wrote {args.out} ({n / 1e6:.2f} M values) and {cfg_out}')


if __name__ == '__main__':
    main()
