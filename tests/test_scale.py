"""Scale and resume on a small generated synthetic set: two gloo processes
through tools/dist_train.sh, and --resume repeating an uninterrupted run;
also the tools that read the trained teacher (cache, gate plot)."""
import glob
import json
import math
import os
import os.path as osp
import socket
import subprocess
import sys

import pytest
import torch
import torch.distributed as dist

from tools import cache_teacher
from tools import train as train_tool

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TEACHER = 'configs/kdmvnet/teacher_synthetic_xview_cpu.py'
STUDENT = 'configs/kdmvnet/student_synthetic_xview_cpu.py'
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def opts(ann, epochs, extra=()):
    # The schedule always spans 2 epochs (T_max and end), so a 1-epoch run
    # resumed to 2 follows the learning rates of the 2-epoch run.
    o = [f'{k}.dataset.ann_file={ann}' for k in LOADERS]
    o += [f'train_cfg.max_epochs={epochs}', 'train_cfg.val_interval=1',
          'param_scheduler.0.T_max=2', 'param_scheduler.0.end=2',
          'train_dataloader.batch_size=4', 'randomness.seed=0',
          'log_level=WARNING']
    return ['--cfg-options'] + o + list(extra)


def scalars(work_dir):
    """Training and validation rows of the run's vis_data/scalars.json."""
    path, = glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))
    with open(path) as f:
        rows = [json.loads(line) for line in f]
    return ([r for r in rows if 'loss' in r],
            [r for r in rows if 'acc/top1' in r])


def state(work_dir, epoch=2):
    return torch.load(osp.join(work_dir, f'epoch_{epoch}.pth'),
                      map_location='cpu')


def dist_train(cfg, work_dir, args):
    """tools/dist_train.sh CFG 2 on this interpreter, on a free port."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    # faulthandler: a rank killed by a signal prints its Python stacks
    env = dict(os.environ, PORT=str(port), OMP_NUM_THREADS='1',
               MKL_NUM_THREADS='1', PYTHONFAULTHANDLER='1')
    # dist_train.sh runs `python`: make it this test's interpreter
    env['PATH'] = osp.dirname(sys.executable) + os.pathsep + env['PATH']
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', cfg, '2', '--work-dir',
         str(work_dir)] + args, cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=300)
    if proc.returncode != 0:
        pytest.fail(f'dist_train.sh {cfg} exited {proc.returncode}:\n' +
                    '\n'.join(rank_output(proc.stderr)))


def rank_output(stderr, keep=60):
    """What the ranks printed last, then torchrun's summary of who died.

    torchrun's own traceback comes last and only says that a child failed,
    so the ranks' messages are cut from before it."""
    lines, after_warning = [], False
    for ln in stderr.splitlines():
        # a warning is followed by its indented source line
        skip = 'warn' in ln.lower() or (after_warning and ln[:1] == ' ')
        after_warning = 'warn' in ln.lower()
        if ln.strip() and not skip:
            lines.append(ln)
    cut = next((i for i, ln in enumerate(lines)
                if 'elastic/multiprocessing/api.py' in ln), len(lines))
    summary = [ln for ln in lines[cut:]
               if any(k in ln for k in ('rank', 'exitcode', 'traceback'))]
    return lines[max(0, cut - keep):cut] + summary


@pytest.fixture(scope='module')
def teacher(synth, tmp_path_factory):
    """A 2-epoch single-process teacher: the reference for DDP and resume."""
    work_dir = str(tmp_path_factory.mktemp('teacher'))
    runner = train_tool.main([TEACHER, '--work-dir', work_dir] +
                             opts(synth, 2))
    return dict(work_dir=work_dir,
                num_recordings=runner.train_dataloader.dataset.num_recordings)


two_processes = pytest.mark.skipif(
    not (dist.is_available() and dist.is_gloo_available())
    or torch.cuda.device_count() == 1,
    reason='needs gloo, and two GPUs or none')


@two_processes
def test_two_processes_share_the_prototype_banks(synth, teacher, tmp_path):
    n = teacher['num_recordings']
    dist_train(TEACHER, tmp_path / 'teacher', opts(synth, 2))
    ckpt = state(tmp_path / 'teacher', epoch=1)
    # each process trained on its half of the recordings
    assert ckpt['meta']['iter'] == math.ceil(math.ceil(n / 2) / 4)
    assert len(ckpt['rng_state']) == 2  # RNGStateHook gathered both ranks
    sd = ckpt['state_dict']
    single = state(teacher['work_dir'], epoch=1)['state_dict']
    # One epoch fills the execution bank from the recordings of both ranks.
    # mmaction2's SyncBuffersHook averages every buffer over the ranks
    # before the checkpoint is written, and a mean of unit vectors has norm
    # 1 only when they are equal: unit rows mean both ranks held the same
    # bank, and a row that only rank 1 filled would come out at norm 0.5.
    assert sd['dpvic.exec_protos'].shape[0] == n
    assert bool(sd['dpvic.exec_seen'].all())
    assert torch.equal(sd['dpvic.class_seen'], single['dpvic.class_seen'])
    for key, seen in (('exec_protos', 'exec_seen'),
                      ('class_protos', 'class_seen')):
        norms = sd[f'dpvic.{key}'][sd[f'dpvic.{seen}']].norm(dim=1)
        assert torch.allclose(norms, torch.ones_like(norms), atol=1e-5), key

    losses, accs = scalars(tmp_path / 'teacher')
    single_losses, single_accs = scalars(teacher['work_dir'])
    for name, ls, ac in (('single process', single_losses, single_accs),
                         ('2 processes', losses, accs)):
        print(f'\nteacher, {name}: loss {ls[0]["loss"]:.3f} -> '
              f'{ls[-1]["loss"]:.3f}, val top-1 {ac[-1]["acc/top1"]:.4f}')
    assert 0.0 <= accs[-1]['acc/top1'] <= 1.0
    assert losses[-1]['loss'] < losses[0]['loss']


@two_processes
def test_two_processes_train_the_distiller(synth, teacher, tmp_path):
    dist_train(STUDENT, tmp_path / 'student', opts(
        synth, 2, [f'model.teacher_ckpt={teacher["work_dir"]}']))
    sd = state(tmp_path / 'student')['state_dict']
    assert all(bool(v.isfinite().all()) for v in sd.values()
               if v.is_floating_point())
    # the frozen teacher, BN statistics included, is still the checkpoint
    # it was loaded from (less the prototype banks it does not keep)
    ref = state(teacher['work_dir'])['state_dict']
    kept = {k[len('teacher.'):] for k in sd if k.startswith('teacher.')}
    assert kept == {k for k in ref if not k.startswith('dpvic.')}
    assert all(torch.equal(sd[f'teacher.{k}'], ref[k]) for k in kept)
    _, accs = scalars(tmp_path / 'student')
    print(f'student val top-1 after 2 epochs, 2 processes: '
          f'{accs[-1]["acc/top1"]:.4f}')
    assert 0.0 <= accs[-1]['acc/top1'] <= 1.0


@pytest.mark.parametrize('kind', ['teacher', 'distiller', 'cached'])
def test_resume_repeats_the_uninterrupted_run(kind, synth, teacher,
                                              tmp_path):
    """1 epoch, then --resume to 2, gives the 2-epoch run's weights."""
    cfg, extra = TEACHER, []
    if kind == 'distiller':
        cfg, extra = STUDENT, [f'model.teacher_ckpt={teacher["work_dir"]}']
    elif kind == 'cached':
        cache = str(tmp_path / 'cache.pth')
        cache_teacher.main([TEACHER, teacher['work_dir'], '--out', cache,
                            '--cfg-options',
                            f'train_dataloader.dataset.ann_file={synth}'])
        cfg, extra = STUDENT, ['model.teacher=None', 'model.teacher_ckpt=None',
                               f'model.teacher_cache={cache}']
    full = teacher['work_dir']
    if kind != 'teacher':
        full = str(tmp_path / 'full')
        train_tool.main([cfg, '--work-dir', full] + opts(synth, 2, extra))
    part = str(tmp_path / 'part')
    train_tool.main([cfg, '--work-dir', part] + opts(synth, 1, extra))
    resumed = train_tool.main([cfg, '--work-dir', part, '--resume'] +
                              opts(synth, 2, extra))
    assert resumed.train_loop.epoch == 2

    a, b = state(full)['state_dict'], state(part)['state_dict']
    assert a.keys() == b.keys()
    assert any(k.endswith('bn.running_mean') for k in a)
    if kind == 'teacher':
        assert {'dpvic.exec_protos', 'dpvic.class_protos'} <= a.keys()
    differ = [k for k in a if not torch.equal(a[k], b[k])]
    assert not differ, f'{len(differ)} of {len(a)} tensors differ: ' \
        f'{differ[:5]}'


def test_cache_for_student_writes_the_tools_cache(synth, teacher, tmp_path):
    """The demo's and recipe's helper caches into the teacher's work dir
    what tools/cache_teacher.py writes, and returns the student options."""
    import shutil
    from mmengine.config import Config
    wd = str(tmp_path / 'teacher')
    shutil.copytree(teacher['work_dir'], wd)
    # last_checkpoint holds the original path; the helper reads it as is
    cfg = Config.fromfile(TEACHER)
    cfg.train_dataloader.dataset.ann_file = synth
    options, seconds = cache_teacher.cache_for_student(cfg, wd)
    out = osp.join(wd, 'teacher_cache.pth')
    assert options == {'model.teacher': None, 'model.teacher_ckpt': None,
                       'model.teacher_cache': out}
    assert seconds > 0
    ref = str(tmp_path / 'ref.pth')
    cache_teacher.main([TEACHER, teacher['work_dir'], '--out', ref,
                        '--cfg-options',
                        f'train_dataloader.dataset.ann_file={synth}'])
    a, b = torch.load(out), torch.load(ref)
    assert a['recordings'] == b['recordings']
    assert len(a['recordings']) == teacher['num_recordings']
    for k in ('view_ids', 'view_mask', 'z_views', 'consensus', 'logits'):
        assert torch.equal(a[k], b[k]), k


def test_plot_gates_draws_a_trained_teachers_gates(synth, teacher, tmp_path):
    from tools.analysis import plot_gates
    ann = f'test_dataloader.dataset.ann_file={synth}'
    out = tmp_path / 'gates.png'
    plot_gates.main([TEACHER, teacher['work_dir'] + '/epoch_2.pth',
                     '--out', str(out), '--cfg-options', ann])
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    with pytest.raises(IndexError, match='dataset has'):
        plot_gates.main([TEACHER, teacher['work_dir'] + '/epoch_2.pth',
                         '--index', '100000', '--out',
                         str(tmp_path / 'no.png'), '--cfg-options', ann])
    assert not (tmp_path / 'no.png').exists()


def test_plot_gates_runs_a_student_without_its_teacher_or_cache(synth,
                                                                tmp_path):
    """A student config names its teacher and cache; the plot needs
    neither (the checkpoint holds the student), so both are left unread."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from mmaction.registry import MODELS
    from tools.analysis import plot_gates
    init_default_scope('mmaction')
    model = Config.fromfile(STUDENT).model
    model.update(teacher=None, teacher_ckpt=None,
                 init_student_from_teacher=())
    ckpt = str(tmp_path / 'student.pth')
    torch.save(dict(state_dict=MODELS.build(model).state_dict()), ckpt)
    out = tmp_path / 'gates.png'
    plot_gates.main([STUDENT, ckpt, '--out', str(out), '--cfg-options',
                     f'test_dataloader.dataset.ann_file={synth}',
                     f'model.teacher_cache={tmp_path / "absent.pth"}'])
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
