"""RGB mode of the synthetic multi-view set: every view's skeleton rendered
into small video frames, with its 2D keypoints, for CMMVL on the CPU.

For each view of
:func:`~kdmvnet_mm.datasets.synthetic.make_synthetic_multiview` the
camera-frame 3D skeleton ``[M, T, 25, 3]`` (x right, y up, z away) is
projected by a pinhole, ``u = x / z``, ``v = −y / z``, and fitted into a
``size × size`` frame with a 10 % margin by one scale and offset per
sequence (what a person crop does before pose estimation). Bones are drawn
as lines, coloured by body side (left limbs red, right limbs blue, spine and
head green) on a dark background whose grey level depends on the camera,
so views differ in appearance as well as in geometry. Videos are MJPG
``.avi`` files that mmaction2's ``OpenCVInit`` / ``OpenCVDecode`` read.

Output: ``<out>/videos/<frame_dir>.avi`` and ``<out>/<name>.pkl``, an
mmaction2 pose pickle whose entries hold ``filename`` (relative to
``videos/``: set the datasets' ``data_prefix=dict(video=<out>/videos)``),
``keypoint [M, T, 25, 2]`` in pixels, ``keypoint_score [M, T, 25]`` (ones),
``img_shape`` / ``original_shape``, ``label`` and ``total_frames``, with
the skeleton set's splits naming the video files (mmaction2's rule for
entries with a ``filename``).
"""
import os
import os.path as osp
from typing import Dict, Tuple

import numpy as np

from ..utils import dump_pickle_atomic
from .synthetic import PARENTS, make_synthetic_multiview

# NTU joints (0-based) of the left arm and leg, and of the right ones.
LEFT = {4, 5, 6, 7, 21, 22, 12, 13, 14, 15}
RIGHT = {8, 9, 10, 11, 23, 24, 16, 17, 18, 19}
# BGR, as OpenCV writes frames.
COLOURS = dict(left=(40, 40, 230), right=(230, 90, 40), centre=(60, 220, 60))
BACKGROUND = {1: 20, 2: 45, 3: 70}


def project_to_image(kp3d: np.ndarray, size: int,
                     margin: float = 0.1) -> np.ndarray:
    """Camera-frame ``[M, T, J, 3]`` -> pixel ``[M, T, J, 2]``."""
    z = np.maximum(kp3d[..., 2], 1e-3)
    uv = np.stack([kp3d[..., 0] / z, -kp3d[..., 1] / z], axis=-1)
    lo, hi = uv.reshape(-1, 2).min(0), uv.reshape(-1, 2).max(0)
    scale = (1 - 2 * margin) * size / max(float((hi - lo).max()), 1e-6)
    centre = (lo + hi) / 2
    return ((uv - centre) * scale + size / 2).astype(np.float32)


def _bone_colour(j: int) -> Tuple[int, int, int]:
    if j in LEFT:
        return COLOURS['left']
    if j in RIGHT:
        return COLOURS['right']
    return COLOURS['centre']


def render_frames(kp2d: np.ndarray, size: int,
                  background: int = 30) -> np.ndarray:
    """Pixel keypoints ``[M, T, J, 2]`` -> BGR ``[T, size, size, 3]``."""
    import cv2
    M, T = kp2d.shape[:2]
    frames = np.full((T, size, size, 3), background, np.uint8)
    pts = np.round(kp2d).astype(np.int32)
    for t in range(T):
        for m in range(M):
            for j, parent in enumerate(PARENTS):
                if parent < 0:
                    continue
                cv2.line(frames[t], tuple(map(int, pts[m, t, j])),
                         tuple(map(int, pts[m, t, parent])),
                         _bone_colour(j), 1, cv2.LINE_AA)
    return frames


def write_video(frames: np.ndarray, path: str, fps: float = 30.0) -> None:
    """Write BGR frames as an MJPG ``.avi``; no file is left on failure."""
    import cv2
    T, H, W = frames.shape[:3]
    tmp = osp.join(osp.dirname(path), '.tmp_' + osp.basename(path))
    writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*'MJPG'), fps,
                             (W, H))
    try:
        if not writer.isOpened():
            raise OSError(f'{path}: OpenCV cannot write MJPG video here')
        for f in frames:
            writer.write(f)
        writer.release()
        os.replace(tmp, path)
    except BaseException:
        writer.release()
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def write_synthetic_rgb_multiview(out: str, seed: int = 0, size: int = 32,
                                  name: str = 'rgbpose', **kw) -> Dict:
    """Render the synthetic set (options of ``make_synthetic_multiview``)
    into ``out``; returns the pickle's dict."""
    data = make_synthetic_multiview(seed=seed, **kw)
    video_dir = osp.join(out, 'videos')
    os.makedirs(video_dir, exist_ok=True)
    annos = []
    for a in data['annotations']:
        kp2d = project_to_image(a['keypoint'], size)
        cam = int(a['frame_dir'][5:8])
        filename = a['frame_dir'] + '.avi'
        write_video(render_frames(kp2d, size, BACKGROUND.get(cam, 30)),
                    osp.join(video_dir, filename))
        M, T, J = kp2d.shape[:3]
        annos.append(
            dict(frame_dir=a['frame_dir'], filename=filename,
                 label=a['label'], total_frames=T, keypoint=kp2d,
                 keypoint_score=np.ones((M, T, J), np.float32),
                 img_shape=(size, size), original_shape=(size, size)))
    # splits name the files, as mmaction2's PoseDataset expects with them
    split = {k: [n + '.avi' for n in v] for k, v in data['split'].items()}
    out_data = dict(split=split, annotations=annos)
    dump_pickle_atomic(out_data, osp.join(out, name + '.pkl'))
    return out_data
