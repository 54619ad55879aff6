"""Estimate 2D poses in RGB videos with mmpose: videos -> skeleton pickle.

The preprocessing of CMMVL (skeleton teacher, RGB students): each video is
decoded with OpenCV; person boxes come from an mmdet detector
(``--det-config`` and ``--det-checkpoint``) or, without one, the whole frame
is one box; the ``--max-persons`` best boxes of each frame go through an
mmpose top-down model (``init_model`` + ``inference_topdown``).

Input: video files, directories (searched recursively for .avi/.mp4/...) or
list files (.txt: one path a line, relative to the list's folder).

Output: a pickle for ``mmaction.datasets.PoseDataset``: ``{'split': {SPLIT:
all names} (NTU names also get xsub/xview, or xsub/xset, splits),
'annotations': [{'frame_dir' (file stem, NTU's '_rgb' suffix removed),
'label' (NTU action id - 1, else --label), 'img_shape', 'original_shape'
(H, W), 'total_frames', 'keypoint' float32 [M, T, K, 2] (pixels),
'keypoint_score' float32 [M, T, K]}]}``. Person m of frame t is the frame's
m-th best box (no tracking); missing persons are zeros. Any bad input stops
the run with an error naming the file and the field; nothing is written.

Needs mmpose (``make install-pose``; run with ``.venv-pose/bin/python``).

Commands::

    # trained weights: mmpose's HRNet-w32 COCO 256x192 config (in mmpose's
    # configs/body_2d_keypoint/topdown_heatmap/coco/) and its checkpoint, a
    # person detector (Faster R-CNN needs full mmcv for its NMS/RoIAlign)
    python tools/data/extract_2d_pose.py data/nturgbd_videos \\
        --out data/ntu/ntu60_2d_hrnet.pkl \\
        --pose-config td-hm_hrnet-w32_8xb64-210e_coco-256x192.py \\
        --pose-checkpoint td-hm_hrnet-w32_8xb64-210e_coco-256x192.pth \\
        --det-config DET_CONFIG.py --det-checkpoint DET_CHECKPOINT.pth \\
        --device cuda:0

    # code-path test: small model, random weights, whole frame as the box
    python tools/data/extract_2d_pose.py ../shared/data/ntu_rgb \\
        --out work_dirs/pose/ntu_rgb_random.pkl \\
        --pose-config configs/cmmvl/pose/td-hm_res18_coco-128x96_cpu.py \\
        --pose-checkpoint none --max-persons 1
"""
import argparse
import os.path as osp
import sys
import time
import warnings

import numpy as np

from kdmvnet_mm.datasets.pose_extraction import (collect_videos, iter_frames,
                                                 make_annotation, pack_poses,
                                                 parse_label, sample_name,
                                                 select_boxes,
                                                 whole_frame_box,
                                                 write_pose_pickle)
from kdmvnet_mm.datasets.validation import AnnotationError

RANDOM_WEIGHTS_WARNING = (
    'NO {WHAT} CHECKPOINT: the {what} model has RANDOM weights, so its '
    'output is meaningless. Use this only to test the code path; pass '
    '--{what}-checkpoint with trained weights for real data.')


def warn_random(what: str) -> None:
    msg = RANDOM_WEIGHTS_WARNING.format(what=what, WHAT=what.upper())
    warnings.warn(msg)
    print(f'\n*** {msg} ***\n', file=sys.stderr)


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__.split('\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog='Without --det-config the whole frame is the only person '
        'box of every frame (right for clips of one centred person only).')
    p.add_argument('inputs', nargs='+',
                   help='video files, directories or .txt list files')
    p.add_argument('--out', required=True, help='output pickle')
    p.add_argument('--pose-config', required=True,
                   help='mmpose top-down config')
    p.add_argument('--pose-checkpoint', default=None,
                   help='mmpose checkpoint (path or URL); omitted or "none": '
                   'random weights, for testing the code path only')
    p.add_argument('--det-config', default=None,
                   help='mmdet detector config; omitted: the whole frame is '
                   'one person box')
    p.add_argument('--det-checkpoint', default=None,
                   help='mmdet checkpoint, needed with --det-config ("none": '
                   'random weights, for testing the code path only)')
    p.add_argument('--det-score-thr', type=float, default=0.5,
                   help='keep person boxes scoring at least this '
                   '(default: %(default)s)')
    p.add_argument('--det-cat-id', type=int, default=0,
                   help='detector class id of "person" (default: '
                   '%(default)s, COCO)')
    p.add_argument('--max-persons', type=int, default=2,
                   help='persons kept per frame, by box score (default: '
                   '%(default)s, as in NTU)')
    p.add_argument('--label', type=int, default=-1,
                   help='label of videos whose names are not NTU names '
                   '(default: %(default)s, unknown)')
    p.add_argument('--split', default='all',
                   help='name of the split listing every video (default: '
                   '%(default)s)')
    p.add_argument('--device', default=None,
                   help='cpu, cuda:0, ... (default: cuda:0 when available)')
    p.add_argument('--allow-short', action='store_true',
                   help='keep the decoded frames of a video that ends '
                   'before the frame count of its header')
    args = p.parse_args(argv)
    if args.max_persons < 1:
        p.error('--max-persons must be at least 1')
    if (args.det_config is None) != (args.det_checkpoint is None):
        p.error('--det-config and --det-checkpoint go together')
    for field in ('pose_checkpoint', 'det_checkpoint'):
        value = getattr(args, field)
        if value is not None and value.lower() == 'none':
            setattr(args, field, None)
    return args


def check_files(args) -> None:
    """Missing config or checkpoint files fail before any video is read."""
    for field in ('pose_config', 'pose_checkpoint', 'det_config',
                  'det_checkpoint'):
        path = getattr(args, field)
        if path is None or path.startswith(('http://', 'https://')):
            continue
        if not osp.isfile(path):
            raise AnnotationError(path, '--' + field.replace('_', '-'),
                                  'file not found')


class PoseExtractor:
    """A detector (optional) and an mmpose top-down model, on one frame."""

    def __init__(self, args):
        import torch
        from kdmvnet_mm.compat import prepare_mmpose
        prepare_mmpose()
        from mmengine.registry import DefaultScope
        from mmpose.apis import inference_topdown, init_model
        self._scope = DefaultScope.overwrite_default_scope
        self._topdown = inference_topdown
        self.args = args
        device = args.device or ('cuda:0'
                                 if torch.cuda.is_available() else 'cpu')
        if args.pose_checkpoint is None:
            warn_random('pose')
        # mmpose and mmdet switch the default registry scope; keep them
        # from changing the caller's (e.g. mmaction) scope.
        with self._scope('mmpose'):
            self.pose_model = init_model(
                args.pose_config, args.pose_checkpoint, device=device)
        self.num_keypoints = self.pose_model.dataset_meta['num_keypoints']
        self.detector = None
        if args.det_config is not None:
            from mmdet.apis import inference_detector, init_detector
            self._detect = inference_detector
            if args.det_checkpoint is None:
                warn_random('det')
            with self._scope('mmdet'):
                self.detector = init_detector(
                    args.det_config, args.det_checkpoint, device=device)

    def boxes(self, frame):
        """Person boxes [N, 4] (xyxy) and scores [N], best first."""
        if self.detector is None:
            return whole_frame_box(frame.shape)
        with self._scope('mmdet'):
            pred = self._detect(self.detector, frame).pred_instances
        pred = pred.cpu().numpy()
        person = pred.labels == self.args.det_cat_id
        return select_boxes(pred.bboxes[person], pred.scores[person],
                            self.args.max_persons, self.args.det_score_thr)

    def __call__(self, frame):
        """Keypoints [N, K, 2] and scores [N, K] of the frame's persons."""
        bboxes, _ = self.boxes(frame)
        bboxes = bboxes[:self.args.max_persons]
        K = self.num_keypoints
        if len(bboxes) == 0:  # inference_topdown would use the whole frame
            return np.zeros((0, K, 2)), np.zeros((0, K))
        with self._scope('mmpose'):
            samples = self._topdown(self.pose_model, frame, bboxes, 'xyxy')
        kp = np.concatenate([s.pred_instances.keypoints for s in samples])
        sc = np.concatenate(
            [s.pred_instances.keypoint_scores for s in samples])
        return kp, sc


def extract_video(video: str, extractor, label: int = -1,
                  allow_short: bool = False) -> dict:
    """One annotation (see the module docstring) for one video."""
    poses, shape = [], None
    for frame in iter_frames(video, allow_short=allow_short):
        shape = frame.shape
        poses.append(extractor(frame))
    keypoint, score = pack_poses(poses, extractor.num_keypoints)
    name = sample_name(video)
    return make_annotation(name, parse_label(name, label), keypoint, score,
                           shape)


def main(argv=None) -> int:
    from mmengine.utils import ProgressBar
    args = parse_args(argv)
    t0 = time.perf_counter()
    try:
        check_files(args)
        videos = collect_videos(args.inputs)
        extractor = PoseExtractor(args)
        annos = []
        bar = ProgressBar(len(videos), file=sys.stderr)
        for video in videos:
            annos.append(
                extract_video(video, extractor, args.label, args.allow_short))
            bar.update()
        write_pose_pickle(annos, args.out, args.split,
                          extractor.num_keypoints)
    except (AnnotationError, FileNotFoundError, ImportError) as e:
        print(f'\nerror: {e}\nnothing written to {args.out}', file=sys.stderr)
        return 1
    frames = sum(a['total_frames'] for a in annos)
    persons = max(a['keypoint'].shape[0] for a in annos)
    print(f'\n{len(annos)} videos, {frames} frames, up to {persons} '
          f'person(s) a frame, {extractor.num_keypoints} keypoints -> '
          f'{args.out} ({time.perf_counter() - t0:.1f} s)')
    for what in ('pose', 'det'):
        if getattr(args, what + '_checkpoint') is None and (
                what == 'pose' or args.det_config is not None):
            msg = RANDOM_WEIGHTS_WARNING.format(what=what, WHAT=what.upper())
            print(f'*** {msg} ***', file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
