"""Videos -> mmaction2 2D skeleton pickles: the parts that need no mmpose.

``tools/data/extract_2d_pose.py`` runs the detector and the mmpose top-down
model; this module finds the videos, decodes them, names and labels the
samples, picks the persons and writes the pickle, so it can be tested
without mmpose. Errors name the file and the field
(:class:`~kdmvnet_mm.datasets.validation.AnnotationError`).
"""
import os
import os.path as osp
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np

from ..utils.io import dump_pickle_atomic
from .recording_keys import KeyParseError, parse_ntu
from .validation import AnnotationError, validate_annotation

VIDEO_EXTS = ('.avi', '.mp4', '.mkv', '.mov', '.webm', '.mpg', '.mpeg',
              '.m4v')
LIST_EXTS = ('.txt', '.list', '.lst')
# NTU60 ends at setup 17 / action 60; NTU120 goes on to 32 / 120.
NTU60_MAX_SETUP, NTU60_MAX_ACTION = 17, 60


def collect_videos(inputs: Sequence[str]) -> List[str]:
    """Video paths from files, directories (searched recursively for
    :data:`VIDEO_EXTS`) and list files (:data:`LIST_EXTS`: one path a line,
    relative paths taken from the list's folder, ``#`` comments)."""
    videos = []
    for src in inputs:
        src = str(src)
        if osp.isdir(src):
            found = sorted(
                osp.join(d, f) for d, _, files in os.walk(src)
                for f in files if f.lower().endswith(VIDEO_EXTS))
            if not found:
                raise AnnotationError(
                    src, 'videos',
                    f'directory holds no video ({", ".join(VIDEO_EXTS)})')
            videos += found
        elif osp.isfile(src) and src.lower().endswith(LIST_EXTS):
            videos += _read_list(src)
        elif osp.isfile(src):
            videos.append(src)
        else:
            raise AnnotationError(src, 'videos', 'no such file or directory')
    if not videos:
        raise AnnotationError(', '.join(map(str, inputs)) or '<none>',
                              'videos', 'no input video')
    names = {}
    for v in videos:
        other = names.setdefault(sample_name(v), v)
        if other != v:
            raise AnnotationError(
                v, 'frame_dir',
                f'sample name {sample_name(v)!r} also given by {other}')
    return videos


def _read_list(path: str) -> List[str]:
    root = osp.dirname(osp.abspath(path))
    out = []
    with open(path, encoding='utf-8') as f:
        for i, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            video = line if osp.isabs(line) else osp.join(root, line)
            if not osp.isfile(video):
                raise AnnotationError(path, 'videos',
                                      f'line {i}: {video} not found')
            out.append(video)
    return out


def sample_name(video: str) -> str:
    """``.../S001C001P001R001A001_rgb.avi`` -> ``S001C001P001R001A001``:
    the file stem without NTU's ``_rgb`` suffix, so names match the NTU
    skeleton pickles and split lists."""
    stem = osp.splitext(osp.basename(str(video)))[0]
    return stem[:-len('_rgb')] if stem.endswith('_rgb') else stem


def parse_label(name: str, default: int = -1) -> int:
    """0-based action label from an NTU name (``...A001`` -> 0); ``default``
    for any other name."""
    try:
        return parse_ntu(sample_name(name)).action - 1
    except KeyParseError:
        return default


def iter_frames(video: str,
                allow_short: bool = False) -> Iterator[np.ndarray]:
    """Yield the BGR frames of ``video`` one at a time (a full-HD clip of
    a few hundred frames would not fit in memory at once).

    Raises :class:`AnnotationError` when the file cannot be opened, yields
    no frame, changes frame size, or (unless ``allow_short``) ends before
    the frame count its header announces (a truncated or corrupt file).
    """
    import cv2
    if not osp.isfile(video):
        raise AnnotationError(video, 'video', 'file not found')
    cap = cv2.VideoCapture(video)
    try:
        if not cap.isOpened():
            raise AnnotationError(
                video, 'video',
                'cannot be opened by OpenCV (corrupt, empty, or no decoder '
                'for its format)')
        announced = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        n, shape = 0, None
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            if shape is None:
                shape = frame.shape
            elif frame.shape != shape:
                raise AnnotationError(
                    video, 'video', f'frame {n} is {frame.shape[:2]}, '
                    f'earlier frames {shape[:2]}')
            n += 1
            yield frame
    finally:
        cap.release()
    if n == 0:
        raise AnnotationError(video, 'video', 'no frame could be decoded')
    if n < announced and not allow_short:
        raise AnnotationError(
            video, 'total_frames',
            f'decoded {n} of the {announced} frames the header announces '
            '(truncated or corrupt file; --allow-short keeps the decoded '
            'frames)')


def select_boxes(bboxes: np.ndarray,
                 scores: np.ndarray,
                 max_persons: int,
                 score_thr: float = 0.) -> Tuple[np.ndarray, np.ndarray]:
    """At most ``max_persons`` boxes ``[N, 4]`` (xyxy) with score >=
    ``score_thr``, highest score first (ties keep detector order)."""
    bboxes = np.asarray(bboxes, np.float32).reshape(-1, 4)
    scores = np.asarray(scores, np.float32).reshape(-1)
    if len(bboxes) != len(scores):
        raise ValueError(f'{len(bboxes)} boxes but {len(scores)} scores')
    keep = np.flatnonzero(scores >= score_thr)
    order = keep[np.argsort(-scores[keep], kind='stable')][:max_persons]
    return bboxes[order], scores[order]


def whole_frame_box(shape) -> Tuple[np.ndarray, np.ndarray]:
    """The whole ``(H, W, ...)`` frame as one box of score 1."""
    h, w = shape[:2]
    return (np.array([[0, 0, w, h]], np.float32), np.ones(1, np.float32))


def pack_poses(frames: Sequence[Tuple[np.ndarray, np.ndarray]],
               num_keypoints: int) -> Tuple[np.ndarray, np.ndarray]:
    """Per-frame poses -> mmaction2 arrays.

    ``frames[t] = (keypoints [N_t, K, 2], scores [N_t, K])`` with persons in
    the order :func:`select_boxes` gave (person m of frame t is the m-th
    best box; no identity tracking). Returns ``keypoint`` float32
    ``[M, T, K, 2]`` and ``keypoint_score`` float32 ``[M, T, K]`` with
    ``M = max(1, max_t N_t)``; absent persons are zeros (score 0).
    """
    T = len(frames)
    M = max([1] + [len(kp) for kp, _ in frames])
    keypoint = np.zeros((M, T, num_keypoints, 2), np.float32)
    score = np.zeros((M, T, num_keypoints), np.float32)
    for t, (kp, sc) in enumerate(frames):
        kp = np.asarray(kp, np.float32).reshape(-1, num_keypoints, 2)
        sc = np.asarray(sc, np.float32).reshape(-1, num_keypoints)
        keypoint[:len(kp), t] = kp
        score[:len(sc), t] = sc
    return keypoint, score


def make_annotation(name: str, label: int, keypoint: np.ndarray,
                    keypoint_score: np.ndarray, img_shape) -> Dict:
    """One entry in the layout of mmaction2's 2D pickles (``ntu60_2d.pkl``
    and ``tools/data/skeleton/ntu_pose_extraction.py``)."""
    img_shape = tuple(int(s) for s in img_shape[:2])
    return dict(
        frame_dir=name,
        label=int(label),
        img_shape=img_shape,
        original_shape=img_shape,
        total_frames=int(keypoint.shape[1]),
        keypoint=keypoint.astype(np.float32),
        keypoint_score=keypoint_score.astype(np.float32))


def build_splits(names: Sequence[str], split: str = 'all') -> Dict:
    """``{split: names}``; when every name is an NTU name, also the official
    cross-subject and cross-view (NTU60) / cross-setup (NTU120) splits."""
    from .converters.ntu_raw import build_ntu_splits
    splits = {split: list(names)}
    try:
        keys = [parse_ntu(n) for n in names]
    except KeyParseError:
        return splits
    ntu120 = any(k.setup > NTU60_MAX_SETUP or k.action > NTU60_MAX_ACTION
                 for k in keys)
    try:
        splits.update(build_ntu_splits(names, ntu120=ntu120))
    except KeyParseError:  # e.g. camera C004: not an official protocol
        pass
    return splits


def write_pose_pickle(annotations: List[Dict],
                      out: str,
                      split: str = 'all',
                      num_keypoints: Optional[int] = None) -> Dict:
    """Check every entry, then write ``dict(split, annotations)``
    atomically: a failure leaves no (partial) ``out``."""
    for a in annotations:
        # label -1 (unknown) is allowed here: the pickle may be for testing.
        checked = {k: v for k, v in a.items()
                   if k != 'label' or v >= 0}
        validate_annotation(checked, out, num_joints=num_keypoints,
                            need_label=False)
        if a['keypoint'].shape[-1] != 2:
            raise AnnotationError(out, 'keypoint',
                                  f'expected 2D [M, T, V, 2], got '
                                  f'{a["keypoint"].shape}', a['frame_dir'])
    data = dict(
        split=build_splits([a['frame_dir'] for a in annotations], split),
        annotations=annotations)
    dump_pickle_atomic(data, out)
    return data
