"""tools/analysis/view_ceiling.py: the same model on other training views."""
import json
import os.path as osp
import pickle

import pytest
from mmaction.registry import DATASETS

from kdmvnet_mm.datasets.recording_keys import parse_ntu
from tools.analysis import view_ceiling


def test_camera_splits_keep_the_order_and_name_what_is_missing(
        synth, tmp_path):
    dst = str(tmp_path / 'ann.pkl')
    sizes = view_ceiling.write_camera_splits(synth, dst, 'xsub_train',
                                             [(2, 3), (1, )], 'ntu')
    with open(synth, 'rb') as f:
        src = pickle.load(f)
    with open(dst, 'rb') as f:
        out = pickle.load(f)
    train = src['split']['xsub_train']
    assert out['split']['xsub_train_cams1'] == [
        n for n in train if parse_ntu(n).view == 1]
    # cameras 2 + 3 of the training performers are the xview protocol's
    # training views, in the same order
    assert out['split']['xsub_train_cams2_3'] == src['split']['xview_train']
    assert sizes == {(2, 3): len(src['split']['xview_train']),
                     (1, ): len(out['split']['xsub_train_cams1'])}
    assert [a['frame_dir'] for a in out['annotations']] == [
        a['frame_dir'] for a in src['annotations']]
    assert 'xsub_train_cams1' not in src['split']  # the source is unchanged

    bad = str(tmp_path / 'bad.pkl')
    with pytest.raises(ValueError, match=r'mv\.pkl: split .xsub_train. has '
                       r'no sample of cameras \[7\]'):
        view_ceiling.write_camera_splits(synth, bad, 'xsub_train', [(7, )],
                                         'ntu')
    with pytest.raises(KeyError, match=r'mv\.pkl: field split has no '
                       r"'nope'"):
        view_ceiling.write_camera_splits(synth, bad, 'nope', [(1, )], 'ntu')
    assert not osp.exists(bad)  # no partial file
    with pytest.raises(ValueError, match='--cameras .2,x.'):
        view_ceiling.parse_cameras('2,x')
    assert view_ceiling.parse_cameras('3,2,3') == (2, 3)


def _fake_training(calls):
    """A stand-in for train_and_test_jobs that records the jobs and ends
    each with made-up figures: camera 1 gets 10 points per training camera
    plus the seed, camera 2 a constant 90."""
    def fake(jobs, workers, threads, on_done=None):
        calls.append(jobs)
        for i, job in enumerate(jobs):
            cfg = job['cfg']
            n_cams = len(cfg.train_dataloader.dataset.split.split('_')) - 2
            on_done(i, dict(
                top1=dict(C1=50.0 + 10 * n_cams + cfg.randomness.seed,
                          C2=90.0),
                train_s=1.0, prepare_s=0.0))
    return fake


def test_each_camera_set_is_compared_with_the_first_paired_by_seed(
        synth, tmp_path, monkeypatch):
    wd = str(tmp_path / 'vc')
    calls = []
    monkeypatch.setattr(view_ceiling, 'train_and_test_jobs',
                        _fake_training(calls))
    args = ['--seeds', '0,3', '--work-dir', wd, '--data', synth,
            '--cameras', '2,3', '1,2,3', '--jobs', '2', '--threads', '1']
    top1 = view_ceiling.main(args)
    jobs, = calls
    ann = osp.join(wd, 'annotations.pkl')
    assert [(osp.basename(j['cfg'].work_dir),
             j['cfg'].train_dataloader.dataset.split,
             j['cfg'].train_dataloader.dataset.ann_file, j['split'])
            for j in jobs] == [
        ('cams2_3_seed0', 'xsub_train_cams2_3', ann, 'xsub_val'),
        ('cams2_3_seed3', 'xsub_train_cams2_3', ann, 'xsub_val'),
        ('cams1_2_3_seed0', 'xsub_train_cams1_2_3', ann, 'xsub_val'),
        ('cams1_2_3_seed3', 'xsub_train_cams1_2_3', ann, 'xsub_val')]
    # validation and test keep the source's own splits
    assert jobs[0]['cfg'].val_dataloader.dataset.ann_file == ann
    # mmaction2's PoseDataset reads the written split: camera 2 and 3 views
    with open(synth, 'rb') as f:
        xview_train = pickle.load(f)['split']['xview_train']
    train_set = DATASETS.build(jobs[0]['cfg'].train_dataloader.dataset)
    assert len(train_set) == len(xview_train)
    assert {parse_ntu(train_set.get_data_info(i)['frame_dir']).view
            for i in range(len(train_set))} == {2, 3}
    assert top1['cams1_2_3'][3]['C1'] == 83.0
    with open(osp.join(wd, 'view_ceiling.json')) as f:
        saved = json.load(f)
    # +10 on camera 1 for either seed: mean +10, sd 0; the seeds differ
    # by 3, which a difference of means would not cancel in the sd
    assert saved['diff_to_first']['cams1_2_3']['C1'] == [10.0, 0.0]
    assert saved['summary']['cams2_3']['C1'] == pytest.approx(
        [71.5, 2.1213203])
    md = open(osp.join(wd, 'view_ceiling.md')).read()
    assert '| trained on C1+C2+C3 − trained on C2+C3 | +10.0 ± 0.0 | ' \
           '+0.0 ± 0.0 |' in md
    # a rerun trains nothing; another thread count is refused, named
    assert view_ceiling.main(args) == top1 and len(calls) == 1
    with pytest.raises(ValueError, match=r'cams2_3_seed0.*result\.json.*'
                       r'field threads is 1, but this run has 2'):
        view_ceiling.main(args[:-1] + ['2'])
    with pytest.raises(ValueError, match='a set is repeated'):
        view_ceiling.main(args[:6] + ['--cameras', '2,3', '3,2'])


def test_missing_data_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='none.pkl'):
        view_ceiling.main(['--data', str(tmp_path / 'none.pkl'),
                           '--work-dir', str(tmp_path)])
