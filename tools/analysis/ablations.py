"""Ablations of the KD-MVNet teacher and student, measured side by side.

    python tools/analysis/ablations.py teacher --work-dir work_dirs/abl_teacher
    python tools/analysis/ablations.py student --teacher-ckpt work_dirs/demo/teacher \
        --work-dir work_dirs/abl_student
        [--data data/synthetic/ntu_mv.pkl] [--config CFG] [--only a,b]
    python tools/analysis/ablations.py cmmvl --teacher-ckpt work_dirs/cmmvl/teacher \
        --work-dir work_dirs/abl_cmmvl [--lambdas 0,0.005,0.05,0.5]

teacher: full, without DP-VIC, without EG-SSM (mean pooling over time).
student: full FMRD + KL, anchor only, reconstruction only, KL only, and no
distillation (the same student trained with cross-entropy alone).
cmmvl (synthetic RGB preset): full, no distillation (ground-truth CE, no
teacher; the students still learn from each other), one student (no
cross-view term); ``--lambdas`` sweeps the weight λ of the cross-view term
(variants ``lambda_<λ>``; with it, only the sweep runs unless --only names
others).
Each variant trains with the config's schedule and is tested single-view on
every camera of ``--split`` (default: the held-out performers); the table
of top-1 per camera is printed and written to ``<work-dir>/ablations.md``.
"""
import argparse
import json
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

import kdmvnet_mm  # noqa: E402,F401
from kdmvnet_mm.apis import load_experiment_cfg, train_and_test  # noqa: E402
from kdmvnet_mm.utils import atomic_write  # noqa: E402

STUDIES = dict(
    teacher=dict(
        config='configs/kdmvnet/teacher_synthetic_xview_cpu.py',
        variants=dict(
            full={},
            no_dpvic={'model.dpvic': None},
            no_egssm={'model.neck': None})),
    student=dict(
        config='configs/kdmvnet/student_synthetic_xview_cpu.py',
        variants=dict(
            full={},
            anchor_only={'model.logit_loss': None,
                         'model.feature_loss.recon_weight': 0.0},
            recon_only={'model.logit_loss': None,
                        'model.feature_loss.anchor_weight': 0.0},
            kl_only={'model.feature_loss': None},
            no_distill={'model.logit_loss': None,
                        'model.feature_loss': None})),
    cmmvl=dict(
        config='configs/cmmvl/cmmvl_synthetic_xview_cpu.py',
        variants=dict(
            full={},
            no_distill={'model.teacher': None, 'model.teacher_ckpt': None,
                        'model.logit_loss': None, 'model.pseudo_weight': 0.0,
                        'model.gt_weight': 1.0},
            one_student={'model.multi_student': False})))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('study', choices=sorted(STUDIES))
    p.add_argument('--work-dir', required=True)
    p.add_argument('--config', help='default: the synthetic CPU preset')
    p.add_argument('--data', default=None, help='override every ann_file')
    p.add_argument('--teacher-ckpt', help='student study: teacher ckpt/dir')
    p.add_argument('--split', default=None,
                   help='test split (default xsub_val, or the config\'s '
                   'test split with --config)')
    p.add_argument('--only', help='comma-separated variant names')
    p.add_argument('--lambdas', help='cmmvl: comma-separated weights of the '
                   'cross-view term to sweep')
    args = p.parse_args(argv)
    study = STUDIES[args.study]
    cfg_path = args.config or study['config']
    split = args.split or ('xsub_val' if args.config is None else None)
    variants = dict(study['variants'])
    sweep = {}
    if args.lambdas:
        if args.study != 'cmmvl':
            p.error('--lambdas is for the cmmvl study')
        sweep = {f'lambda_{x}': {'model.cl_loss.loss_weight': float(x)}
                 for x in args.lambdas.split(',')}
        variants.update(sweep)
    if args.only:
        variants = {k: variants[k] for k in args.only.split(',')}
    elif sweep:
        variants = sweep
    rows = {}
    for name, opts in variants.items():
        opts = dict(opts)
        if args.study != 'teacher' and \
                opts.get('model.teacher', '') is not None:
            if not args.teacher_ckpt:
                p.error(f'the {args.study} study needs --teacher-ckpt')
            opts['model.teacher_ckpt'] = args.teacher_ckpt
        cfg = load_experiment_cfg(cfg_path, osp.join(args.work_dir, name),
                                  f'abl_{args.study}_{name}', args.data, opts)
        if split is None:
            split = cfg.test_dataloader.dataset.split
        print(f'[ablation] {args.study}/{name}: {opts}', flush=True)
        rows[name] = train_and_test(cfg, split=split)
        print(f'[ablation] {name}: {rows[name]["top1"]} '
              f'({rows[name]["train_s"]:.0f} s)', flush=True)
    cams = sorted({c for r in rows.values() for c in r['top1']})
    lines = [f'| {args.study} variant | ' + ' | '.join(cams) +
             ' | train time |', '| --- ' * (len(cams) + 2) + '|']
    for name, r in rows.items():
        lines.append(f'| {name} | ' + ' | '.join(
            f'{r["top1"][c]:.1f}' for c in cams) + f' | {r["train_s"]:.0f} s |')
    table = '\n'.join(lines)
    with atomic_write(osp.join(args.work_dir, 'ablations.md'), 'w') as f:
        f.write(f'`{" ".join(sys.argv)}`\n\n{table}\n')
    with atomic_write(osp.join(args.work_dir, 'ablations.json'), 'w') as f:
        json.dump(rows, f, indent=1)
    print(table)


if __name__ == '__main__':
    main()
