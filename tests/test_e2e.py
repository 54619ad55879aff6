"""End to end through tools/: baseline, teacher, student, test, extract,
resume, on a small generated synthetic set."""
import os.path as osp

import pytest
import torch

from tools import extract_student
from tools import test as test_tool
from tools import train as train_tool

LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def opts(ann, epochs=1, extra=()):
    o = [f'{k}.dataset.ann_file={ann}' for k in LOADERS]
    o += [f'train_cfg.max_epochs={epochs}', f'train_cfg.val_interval={epochs}',
          f'param_scheduler.0.T_max={epochs}', 'train_dataloader.batch_size=4',
          'log_level=WARNING']
    return ['--cfg-options'] + o + list(extra)


@pytest.mark.e2e
def test_teacher_student_pipeline(synth, tmp_path):
    wd = tmp_path
    base = train_tool.main(['configs/baselines/stgcnpp_synthetic_xview_cpu.py',
                            '--work-dir', str(wd / 'base')] + opts(synth))
    assert base.train_loop.epoch == 1
    teacher = train_tool.main(
        ['configs/kdmvnet/teacher_synthetic_xview_cpu.py', '--work-dir',
         str(wd / 'teacher')] + opts(synth))
    bank = teacher.model.dpvic.exec_protos
    # the prototype bank was sized from the training recordings
    assert bank.shape[0] == teacher.train_dataloader.dataset.num_recordings
    assert bool(teacher.model.dpvic.class_seen.any())
    student = train_tool.main(
        ['configs/kdmvnet/student_synthetic_xview_cpu.py', '--work-dir',
         str(wd / 'student')] +
        opts(synth, extra=[f'model.teacher_ckpt={wd / "teacher"}']))
    ckpt = str(wd / 'student' / 'epoch_1.pth')
    metrics = test_tool.main(['configs/kdmvnet/student_synthetic_xview_cpu.py',
                              ckpt, '--work-dir', str(wd / 'st_test')] +
                             opts(synth, extra=[
                                 f'model.teacher_ckpt={wd / "teacher"}']))
    assert 0.0 <= metrics['acc/top1'] <= 1.0
    assert 'acc_view/top1_c1' in metrics

    extract_student.main(['configs/kdmvnet/student_synthetic_xview_cpu.py',
                          ckpt, '--out', str(wd / 'dep' / 'student.pth')])
    state = torch.load(wd / 'dep' / 'student.pth')['state_dict']
    assert not any('teacher' in k for k in state)
    plain = test_tool.main([str(wd / 'dep' / 'student.py'),
                            str(wd / 'dep' / 'student.pth'), '--work-dir',
                            str(wd / 'dep_test')] +
                           ['--cfg-options',
                            f'test_dataloader.dataset.ann_file={synth}'])
    # the extracted student alone gives the distiller's test accuracy
    assert plain['acc/top1'] == pytest.approx(metrics['acc/top1'])

    # resume picks up at the last epoch and trains one more
    resumed = train_tool.main(
        ['configs/kdmvnet/student_synthetic_xview_cpu.py', '--work-dir',
         str(wd / 'student'), '--resume'] +
        opts(synth, epochs=2, extra=[f'model.teacher_ckpt={wd / "teacher"}']))
    assert resumed.train_loop.epoch == 2
    assert osp.isfile(wd / 'student' / 'epoch_2.pth')
    del student


def test_missing_checkpoint_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        test_tool.main(['configs/baselines/stgcnpp_synthetic_xview_cpu.py',
                        str(tmp_path / 'nope.pth')])
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        train_tool.main(['configs/baselines/stgcnpp_synthetic_xview_cpu.py',
                         '--resume', str(tmp_path / 'nope.pth')])
