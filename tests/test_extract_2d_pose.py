"""tools/data/extract_2d_pose.py and kdmvnet_mm.datasets.pose_extraction.

The first part needs no mmpose and runs in every venv. The second runs the
tool with mmpose and a small randomly initialised model (no weights can be
downloaded here); it skips unless mmpose is installed (``make install-pose``,
then ``.venv-pose/bin/python -m pytest tests/test_extract_2d_pose.py``).
"""
import pickle
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED_DATA

from kdmvnet_mm.datasets.pose_extraction import (build_splits,
                                                 collect_videos, iter_frames,
                                                 make_annotation, pack_poses,
                                                 parse_label, sample_name,
                                                 select_boxes,
                                                 write_pose_pickle)
from kdmvnet_mm.datasets.validation import AnnotationError
from tools.data import extract_2d_pose as tool

NTU_CLIP = SHARED_DATA / 'ntu_rgb' / 'S001C001P001R001A001_rgb.avi'
POSE_CFG = 'configs/cmmvl/pose/td-hm_res18_coco-128x96_cpu.py'
# mmaction2's 2D GCN pipeline on the 17 COCO joints.
GCN_2D_PIPELINE = [
    dict(type='UniformSampleFrames', clip_len=8),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]


def write_video(path, frames=9, size=(96, 64), persons=1):
    """An MJPG .avi of white rectangles ('persons') moving on black."""
    import cv2
    w, h = size
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*'MJPG'), 10,
                          (w, h))
    assert out.isOpened()
    for t in range(frames):
        img = np.zeros((h, w, 3), np.uint8)
        for p in range(persons):
            x = 5 + 2 * t + 40 * p
            cv2.rectangle(img, (x, 10), (x + 15, h - 5), (255, 255, 255), -1)
        out.write(img)
    out.release()
    return str(path)


def load(path):
    with open(path, 'rb') as f:
        return pickle.load(f)


def load_pose_dataset(path, pipeline=GCN_2D_PIPELINE, split=None):
    from mmaction.datasets import PoseDataset
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    return PoseDataset(str(path), pipeline=pipeline, split=split,
                       test_mode=True)


# ------------------------------------------------------- without mmpose
def test_sample_name_and_label_from_ntu_names():
    assert sample_name('/x/S001C001P001R001A001_rgb.avi') == \
        'S001C001P001R001A001'
    assert sample_name('clip_rgb.mp4') == 'clip'
    assert sample_name('my.video.avi') == 'my.video'
    assert parse_label('S001C001P001R001A001') == 0
    assert parse_label('/v/S018C002P042R002A120_rgb.avi') == 119
    assert parse_label('ntu_sample', default=3) == 3
    assert parse_label('S001C001P001R001A01') == -1  # not an NTU name


def test_collect_videos_files_dirs_and_lists(tmp_path):
    (tmp_path / 'a' / 'b').mkdir(parents=True)
    v1 = write_video(tmp_path / 'a' / 'one.avi')
    v2 = write_video(tmp_path / 'a' / 'b' / 'two.avi')
    (tmp_path / 'a' / 'notes.md').write_text('not a video')
    assert collect_videos([tmp_path / 'a']) == sorted([v1, v2])
    lst = tmp_path / 'a' / 'videos.txt'
    lst.write_text('# my clips\nb/two.avi\n\n' + v1 + '  # absolute\n')
    assert collect_videos([str(lst)]) == [v2, v1]

    lst.write_text('b/two.avi\nb/missing.avi\n')
    with pytest.raises(AnnotationError, match=r'videos\.txt.*line 2.*'
                       r'missing\.avi not found'):
        collect_videos([str(lst)])
    with pytest.raises(AnnotationError, match='nowhere.avi.*no such file'):
        collect_videos([str(tmp_path / 'nowhere.avi')])
    (tmp_path / 'empty').mkdir()
    with pytest.raises(AnnotationError, match='holds no video'):
        collect_videos([str(tmp_path / 'empty')])
    # one.avi and one.mp4 would both be sample 'one'
    dup = write_video(tmp_path / 'one.avi')
    with pytest.raises(AnnotationError, match="frame_dir.*'one' also"):
        collect_videos([v1, dup])


def test_iter_frames_decodes_and_names_bad_files(tmp_path):
    video = write_video(tmp_path / 'ok.avi', frames=7, size=(48, 32))
    frames = list(iter_frames(video))
    assert len(frames) == 7
    assert frames[0].shape == (32, 48, 3) and frames[0].dtype == np.uint8

    bad = tmp_path / 'corrupt.avi'
    bad.write_bytes(np.random.default_rng(0).bytes(4000))
    with pytest.raises(AnnotationError,
                       match=r"corrupt\.avi: field 'video': cannot be opened"):
        list(iter_frames(str(bad)))
    (tmp_path / 'empty.avi').write_bytes(b'')
    with pytest.raises(AnnotationError, match="empty.avi: field 'video'"):
        list(iter_frames(str(tmp_path / 'empty.avi')))
    with pytest.raises(AnnotationError, match='gone.avi.*file not found'):
        list(iter_frames(str(tmp_path / 'gone.avi')))


def test_iter_frames_truncated_video(tmp_path):
    """A file cut short keeps its header's frame count: refused unless
    allow_short."""
    video = write_video(tmp_path / 'full.avi', frames=30, size=(96, 64))
    data = Path(video).read_bytes()
    cut = tmp_path / 'cut.avi'
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(AnnotationError,
                       match=r"cut\.avi: field 'total_frames': decoded "
                       r'\d+ of the 30 frames'):
        list(iter_frames(str(cut)))
    n = len(list(iter_frames(str(cut), allow_short=True)))
    assert 0 < n < 30


def test_select_boxes_by_score():
    boxes = np.arange(16, dtype=np.float32).reshape(4, 4)
    scores = np.array([0.3, 0.9, 0.1, 0.9])
    b, s = select_boxes(boxes, scores, max_persons=2)
    np.testing.assert_array_equal(b, boxes[[1, 3]])  # tie: detector order
    np.testing.assert_allclose(s, [0.9, 0.9])
    b, s = select_boxes(boxes, scores, max_persons=5, score_thr=0.25)
    np.testing.assert_array_equal(b, boxes[[1, 3, 0]])
    b, s = select_boxes(np.zeros((0, 4)), np.zeros(0), 2)
    assert b.shape == (0, 4) and s.shape == (0, )


def test_pack_poses_pads_missing_persons():
    K = 17
    kp1 = np.full((1, K, 2), 1.)
    kp2 = np.stack([np.full((K, 2), 2.), np.full((K, 2), 3.)])
    nobody = (np.zeros((0, K, 2)), np.zeros((0, K)))
    frames = [(kp1, np.full((1, K), .5)), nobody,
              (kp2, np.array([[.7] * K, [.6] * K]))]
    keypoint, score = pack_poses(frames, K)
    assert keypoint.shape == (2, 3, K, 2) and keypoint.dtype == np.float32
    assert score.shape == (2, 3, K) and score.dtype == np.float32
    assert (keypoint[0, 0] == 1).all() and (keypoint[1, 0] == 0).all()
    assert (keypoint[:, 1] == 0).all() and (score[:, 1] == 0).all()
    assert (keypoint[1, 2] == 3).all() and np.allclose(score[1, 2], .6)
    # no person in any frame: one all-zero person, as PoseDataset needs M>0
    keypoint, score = pack_poses([(np.zeros((0, K, 2)), np.zeros((0, K)))],
                                 K)
    assert keypoint.shape == (1, 1, K, 2) and not score.any()


def _anno(name, label, M=1, T=12, K=17, seed=0):
    rng = np.random.default_rng(seed)
    kp = rng.uniform(0, 64, (M, T, K, 2))
    return make_annotation(name, label, kp, rng.uniform(0, 1, (M, T, K)),
                           (48, 64, 3))


def test_write_pose_pickle_layout_and_pose_dataset(tmp_path):
    annos = [_anno('S001C001P001R001A002', 1),
             _anno('S001C002P002R001A002', 1, M=2, seed=1)]
    out = tmp_path / 'pose.pkl'
    write_pose_pickle(annos, str(out), num_keypoints=17)
    data = load(out)
    a = data['annotations'][0]
    assert set(a) == {'frame_dir', 'label', 'img_shape', 'original_shape',
                      'total_frames', 'keypoint', 'keypoint_score'}
    assert a['img_shape'] == a['original_shape'] == (48, 64)
    assert a['keypoint'].dtype == a['keypoint_score'].dtype == np.float32
    # NTU names: the official NTU60 protocols come with the 'all' split
    assert data['split']['all'] == [a['frame_dir'] for a in annos]
    assert data['split']['xview_val'] == ['S001C001P001R001A002']
    assert data['split']['xsub_train'] == [a['frame_dir'] for a in annos]

    ds = load_pose_dataset(out, split='xview_val')  # the 1-person entry
    assert len(ds) == 1
    sample = ds[0]
    # FormatGCNInput: [num_clips, M, T, V, C], M zero-padded to 2, C = x, y
    # and keypoint_score
    assert tuple(sample['inputs'].shape) == (1, 2, 8, 17, 3)
    scores = sample['inputs'][0, :, :, :, 2].numpy()
    assert (scores[0] > 0).all() and (scores[1] == 0).all()
    assert sample['data_samples'].gt_label.item() == 1
    assert len(load_pose_dataset(out, split='xview_train')) == 1


def test_write_pose_pickle_other_names_and_atomicity(tmp_path):
    assert build_splits(['clip', 'S001C001P001R001A001'], 'test') == \
        dict(test=['clip', 'S001C001P001R001A001'])
    assert 'xset_train' in build_splits(['S018C001P001R001A100'])
    out = tmp_path / 'pose.pkl'
    out.write_bytes(b'old')
    bad = _anno('clip', -1)
    bad['keypoint'][0, 3, 0, 0] = np.nan
    with pytest.raises(AnnotationError, match=r"pose\.pkl \[clip\]: field "
                       "'keypoint': 1 NaN"):
        write_pose_pickle([_anno('ok', 0), bad], str(out))
    assert out.read_bytes() == b'old'
    assert [p.name for p in tmp_path.iterdir()] == ['pose.pkl']
    with pytest.raises(AnnotationError, match='17 joints but the layout'):
        write_pose_pickle([_anno('ok', 0)], str(out), num_keypoints=25)
    data = write_pose_pickle([_anno('clip', -1)], str(out), 'test')
    assert data['split'] == dict(test=['clip'])
    assert load(out)['annotations'][0]['label'] == -1


def test_parse_args():
    args = tool.parse_args(['v.avi', '--out', 'o.pkl', '--pose-config', 'c',
                            '--pose-checkpoint', 'None'])
    assert args.pose_checkpoint is None and args.det_config is None
    assert args.max_persons == 2 and args.label == -1
    args = tool.parse_args(['v.avi', '--out', 'o.pkl', '--pose-config', 'c',
                            '--det-config', 'd', '--det-checkpoint', 'none'])
    assert args.det_config == 'd' and args.det_checkpoint is None
    for bad in (['--det-config', 'd'], ['--max-persons', '0']):
        with pytest.raises(SystemExit):
            tool.parse_args(['v.avi', '--out', 'o', '--pose-config', 'c'] +
                            bad)


def test_help_says_whole_frame_without_detector(capsys):
    with pytest.raises(SystemExit):
        tool.parse_args(['--help'])
    assert 'the whole frame is the only person box' in \
        ' '.join(capsys.readouterr().out.split())


def test_missing_config_fails_before_any_video(tmp_path, capsys):
    out = tmp_path / 'o.pkl'
    video = write_video(tmp_path / 'v.avi')
    assert tool.main([video, '--out', str(out), '--pose-config',
                      str(tmp_path / 'nope.py')]) == 1
    err = capsys.readouterr().err
    assert "nope.py: field '--pose-config': file not found" in err
    assert not out.exists()
    assert tool.main([video, '--out', str(out), '--pose-config', POSE_CFG,
                      '--pose-checkpoint', str(tmp_path / 'w.pth')]) == 1
    assert "w.pth: field '--pose-checkpoint'" in capsys.readouterr().err
    assert not out.exists()


# ---------------------------------------------------------- with mmpose
def _mmpose_missing():
    try:
        from kdmvnet_mm.compat import prepare_mmpose
        prepare_mmpose()
    except ImportError as e:
        return str(e)
    return None


MMPOSE_MISSING = _mmpose_missing()
needs_mmpose = pytest.mark.skipif(
    MMPOSE_MISSING is not None,
    reason=f'mmpose not importable ({MMPOSE_MISSING}); run `make '
    'install-pose` and `.venv-pose/bin/python -m pytest '
    'tests/test_extract_2d_pose.py`')


@pytest.mark.skipif(MMPOSE_MISSING is None, reason='mmpose is installed')
def test_without_mmpose_the_tool_says_how_to_install(tmp_path, capsys):
    out = tmp_path / 'o.pkl'
    video = write_video(tmp_path / 'v.avi')
    assert tool.main([video, '--out', str(out), '--pose-config',
                      POSE_CFG]) == 1
    assert 'make install-pose' in capsys.readouterr().err
    assert not out.exists()


@needs_mmpose
def test_mmpose_shims():
    import mmcv.ops
    import mmpose.apis  # noqa: F401
    from mmcv.ops.nms import batched_nms
    with pytest.raises(NotImplementedError, match='mmcv.ops.batched_nms'):
        batched_nms(None, None, None, None)
    with pytest.raises(NotImplementedError, match='RoIAlign'):
        mmcv.ops.RoIAlign(7)


@needs_mmpose
def test_extract_synthetic_videos(tmp_path, capsys):
    src = tmp_path / 'videos'
    src.mkdir()
    write_video(src / 'walk.avi', frames=9)
    write_video(src / 'S002C003P004R001A055_rgb.avi', frames=6,
                size=(80, 60))
    out = tmp_path / 'pose.pkl'
    assert tool.main([str(src), '--out', str(out), '--pose-config',
                      POSE_CFG, '--label', '4', '--split', 'test']) == 0
    err = capsys.readouterr().err
    assert 'NO POSE CHECKPOINT' in err and 'RANDOM weights' in err
    data = load(out)
    annos = {a['frame_dir']: a for a in data['annotations']}
    assert set(annos) == {'walk', 'S002C003P004R001A055'}
    assert data['split'] == dict(test=sorted(annos))
    walk, ntu = annos['walk'], annos['S002C003P004R001A055']
    assert walk['label'] == 4 and ntu['label'] == 54
    assert walk['keypoint'].shape == (1, 9, 17, 2)
    assert walk['keypoint_score'].shape == (1, 9, 17)
    assert walk['keypoint'].dtype == np.float32
    assert walk['img_shape'] == (64, 96) and ntu['img_shape'] == (60, 80)
    assert ntu['total_frames'] == 6
    ds = load_pose_dataset(out, split='test')
    assert [tuple(ds[i]['inputs'].shape) for i in range(2)] == \
        [(1, 2, 8, 17, 3)] * 2


@needs_mmpose
def test_corrupt_video_stops_the_run_and_writes_nothing(tmp_path, capsys):
    src = tmp_path / 'videos'
    src.mkdir()
    write_video(src / 'a_good.avi')
    (src / 'b_broken.avi').write_bytes(b'\x00not a video' * 100)
    out = tmp_path / 'pose.pkl'
    assert tool.main([str(src), '--out', str(out), '--pose-config',
                      POSE_CFG]) == 1
    err = capsys.readouterr().err
    assert "b_broken.avi: field 'video': cannot be opened" in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ['videos']


# A tiny DETR (no mmcv.ops in its forward), person class only, random
# weights: enough to run the detector path of the tool.
TINY_DETR = """
default_scope = 'mmdet'
_attn = dict(embed_dims=32, num_heads=2, batch_first=True)
_ffn = dict(embed_dims=32, feedforward_channels=64)
model = dict(
    type='DETR', num_queries=10,
    data_preprocessor=dict(type='DetDataPreprocessor',
                           mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(type='ResNet', depth=18, out_indices=(3, )),
    neck=dict(type='ChannelMapper', in_channels=[512], kernel_size=1,
              out_channels=32, act_cfg=None, norm_cfg=None, num_outs=1),
    encoder=dict(num_layers=1,
                 layer_cfg=dict(self_attn_cfg=_attn, ffn_cfg=_ffn)),
    decoder=dict(num_layers=1, return_intermediate=True,
                 layer_cfg=dict(self_attn_cfg=_attn, cross_attn_cfg=_attn,
                                ffn_cfg=_ffn)),
    positional_encoding=dict(num_feats=16, normalize=True),
    # loss_cls given: DETRHead turns its default dict's class_weight into
    # a tensor in place, so a second DETRHead built from the defaults fails
    bbox_head=dict(type='DETRHead', num_classes=1, embed_dims=32,
                   loss_cls=dict(type='CrossEntropyLoss', bg_cls_weight=0.1,
                                 use_sigmoid=False, class_weight=1.0)),
    test_cfg=dict(max_per_img=5))
test_dataloader = dict(dataset=dict(
    type='CocoDataset', metainfo=dict(classes=('person', )),
    pipeline=[dict(type='LoadImageFromFile'),
              dict(type='Resize', scale=(96, 64), keep_ratio=True),
              dict(type='PackDetInputs',
                   meta_keys=('img_id', 'img_path', 'ori_shape',
                              'img_shape', 'scale_factor'))]))
"""


@needs_mmpose
def test_detector_path_keeps_max_persons(tmp_path, capsys):
    det_cfg = tmp_path / 'detr_tiny.py'
    det_cfg.write_text(TINY_DETR)
    video = write_video(tmp_path / 'two.avi', frames=5, persons=2)
    out = tmp_path / 'pose.pkl'
    # random DETR scores are low: threshold 0 keeps its 5 boxes, of which
    # --max-persons 2 go to the pose model
    assert tool.main([video, '--out', str(out), '--pose-config', POSE_CFG,
                      '--det-config', str(det_cfg), '--det-checkpoint',
                      'none', '--det-score-thr', '0']) == 0
    assert 'NO DET CHECKPOINT' in capsys.readouterr().err
    a = load(out)['annotations'][0]
    assert a['keypoint'].shape == (2, 5, 17, 2)
    assert np.isfinite(a['keypoint']).all()
    # an impossible threshold: no box, so all-zero poses of one person
    assert tool.main([video, '--out', str(out), '--pose-config', POSE_CFG,
                      '--det-config', str(det_cfg), '--det-checkpoint',
                      'none', '--det-score-thr', '1.1']) == 0
    a = load(out)['annotations'][0]
    assert a['keypoint'].shape == (1, 5, 17, 2) and not a['keypoint'].any()


@needs_mmpose
@pytest.mark.skipif(not NTU_CLIP.exists(),
                    reason=f'real NTU RGB clip absent: {NTU_CLIP}')
def test_extract_real_ntu_clip(tmp_path):
    out = tmp_path / 'ntu.pkl'
    assert tool.main([str(NTU_CLIP), '--out', str(out), '--pose-config',
                      POSE_CFG, '--pose-checkpoint', 'none']) == 0
    data = load(out)
    name = 'S001C001P001R001A001'
    a, = data['annotations']
    assert a['frame_dir'] == name and a['label'] == 0
    assert a['total_frames'] == 103
    assert a['img_shape'] == a['original_shape'] == (1080, 1920)
    assert a['keypoint'].shape == (1, 103, 17, 2)
    assert a['keypoint_score'].shape == (1, 103, 17)
    assert np.isfinite(a['keypoint']).all()
    assert data['split']['xsub_train'] == [name]  # performer 1 trains
    assert data['split']['xview_val'] == [name]  # camera 1 tests
    # the PoseC3D teacher's input: joint heatmaps on the COCO layout
    ds = load_pose_dataset(out, split='xsub_train', pipeline=[
        dict(type='UniformSampleFrames', clip_len=8),
        dict(type='PoseDecode'),
        dict(type='PoseCompact', hw_ratio=1., allow_imgpad=True),
        dict(type='Resize', scale=(32, 32), keep_ratio=False),
        dict(type='GeneratePoseTarget', with_kp=True, with_limb=False),
        dict(type='FormatShape', input_format='NCTHW_Heatmap'),
        dict(type='PackActionInputs'),
    ])
    assert tuple(ds[0]['inputs'].shape) == (1, 17, 8, 32, 32)
