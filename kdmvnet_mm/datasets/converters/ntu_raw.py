"""NTU RGB+D raw ``.skeleton`` text files -> mmaction2 skeleton pickle.

Input: the official Kinect v2 files ``SsssCcccPpppRrrrAaaa.skeleton``
(``nturgb+d_skeletons/``, LF or CRLF line endings), searched recursively.
Each file is::

    T                                  number of frames
    per frame:  B                      number of bodies (0, 1, 2, ...)
      per body: bodyID clipedEdges handLeftConfidence handLeftState
                handRightConfidence handRightState isResticted leanX leanY
                trackingState          (10 values)
                25                     number of joints
                per joint: x y z depthX depthY colorX colorY orientationW
                           orientationX orientationY orientationZ
                           trackingState       (12 values)

Person selection (a simplified CTR-GCN ``get_raw_denoised_data``):

1. Bodies are tracked across frames by ``bodyID`` (kept as the exact
   integer string: the 17-digit ids do not survive a float64 round trip).
   A bodyID that appears twice in one frame is split into separate tracks.
2. Each track's *motion* is the sum over joints and x/y/z of the variance
   over the frames it appears in, ``var(xyz[T_b, 25, 3], axis=0).sum()``.
3. Tracks are taken in decreasing motion (ties: first to appear). Each
   goes into the first of at most two *actors* whose frame span
   ``[first, last]`` it does not overlap; the first track opens actor 1,
   the first track that overlaps actor 1 opens actor 2, and a track that
   overlaps both is dropped. So a person whose bodyID changes when the
   Kinect re-acquires them stays one actor, and at most two are kept.
4. Each actor is written into its frames; frames where it is absent are
   zero. Actors are ordered by the motion of their first track.

Unlike CTR-GCN there is no denoising by track length, x/y spread or
missing-joint ratio, and no centring: the coordinates are the camera-space
values as recorded. Unlike mmaction2's ``gen_ntu_rgbd_raw.py`` bodies are
matched by ``bodyID`` (not by their position in the frame's body list),
and the arrays stay float32 (not float16).

Output: the pickle ``mmaction.datasets.PoseDataset`` reads::

    {'split': {'xsub_train', 'xsub_val', 'xview_train', 'xview_val'}
              (NTU120: 'xsub_*' and 'xset_*'),
     'annotations': [{
        'frame_dir': 'S001C001P001R001A001',
        'label': action id - 1,
        'total_frames': T,
        'keypoint': float32 [M, T, 25, 3]   x, y, z in metres (M = 1 or 2),
        # with_2d=True (default) also:
        'keypoint_color': float32 [M, T, 25, 2]  colorX, colorY in pixels
                          of the 1920x1080 RGB frame,
        'tracking_score': float32 [M, T, 25]  joint trackingState
                          2 tracked -> 1.0, 1 inferred -> 0.5,
                          0 not tracked -> 0.0; 0.0 in padded frames,
        'img_shape': (1080, 1920), 'original_shape': (1080, 1920)}, ...]}

The per-joint score is stored as ``tracking_score``, not
``keypoint_score``: mmaction2's ``GenSkeFeat`` asserts that 3D entries
have no ``keypoint_score`` and ``FormatGCNInput`` would append it to the
x/y/z channels, so a 3D pickle carrying it would break every 3D config.
:func:`ntu_2d_annotation` turns an entry into a 2D one (``keypoint`` =
colour-pixel coordinates, ``keypoint_score`` = tracking score).

Protocols (Shahroudy et al. 2016; Liu et al. 2020), as in mmaction2's
pickles: NTU60 cross-subject trains on :data:`XSUB_TRAIN_PERFORMERS_60`,
cross-view on cameras 2 and 3; NTU120 cross-subject trains on
:data:`XSUB_TRAIN_PERFORMERS_120`, cross-setup on even setup ids.
"""
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Tuple, Union

import numpy as np

from ...utils.io import dump_pickle_atomic
from ..recording_keys import KeyParseError, parse_ntu
from ..validation import AnnotationError, validate_annotation
from .summary import frames_line, pickle_stats, splits_line

NUM_JOINTS = 25
MAX_PERSONS = 2
#: Colour frame size as mmaction2's ``img_shape``: (height, width).
COLOR_SHAPE = (1080, 1920)
NTU60_MAX_SETUP = 17
NTU60_MAX_ACTION = 60
NTU120_MAX_SETUP = 32
NTU120_MAX_ACTION = 120
NUM_CAMERAS = 3

XSUB_TRAIN_PERFORMERS_60 = (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19,
                            25, 27, 28, 31, 34, 35, 38)
XSUB_TRAIN_PERFORMERS_120 = XSUB_TRAIN_PERFORMERS_60 + (
    45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81,
    82, 83, 84, 85, 86, 89, 91, 92, 93, 94, 95, 97, 98, 100, 103)
XVIEW_TRAIN_CAMERAS = (2, 3)

_BODY_VALUES = 10
_JOINT_VALUES = 12
_SUFFIX = '.skeleton'


# ------------------------------------------------------------------ parsing
class _Track:
    __slots__ = ('frames', 'xyz', 'color', 'state')

    def __init__(self):
        self.frames: List[int] = []
        self.xyz: List[np.ndarray] = []
        self.color: List[np.ndarray] = []
        self.state: List[np.ndarray] = []


def _decode(data: Union[str, bytes], path) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError as e:
        raise AnnotationError(path, '<file>',
                              f'not a text file ({e})') from None


def _read_tracks(data: Union[str, bytes],
                 path) -> Tuple[int, Dict[str, _Track]]:
    """(number of frames, bodyID -> track) from one ``.skeleton`` text."""
    lines = _decode(data, path).splitlines()  # LF and CRLF alike
    n_lines = len(lines)
    if not n_lines or not lines[0].strip():
        raise AnnotationError(path, '<file>', 'empty file')

    def count(i: int, field: str, what: str) -> int:
        if i >= n_lines:
            raise AnnotationError(
                path, field, f'truncated: file ends at line {n_lines} '
                f'where {what} was expected')
        try:
            n = int(lines[i])
        except ValueError:
            raise AnnotationError(
                path, field, f'line {i + 1}: {lines[i].strip()[:40]!r} is '
                f'not a count ({what})') from None
        if n < 0:
            raise AnnotationError(path, field,
                                  f'line {i + 1}: negative count {n}')
        return n

    T = count(0, 'numFrame', 'the frame count')
    if T == 0:
        raise AnnotationError(path, 'numFrame', '0 frames')
    tracks: Dict[str, _Track] = {}
    pos = 1
    for t in range(T):
        where = f'frame {t + 1} of {T}'
        n_bodies = count(pos, 'numBody', f'the body count of {where}')
        pos += 1
        seen = Counter()
        for _ in range(n_bodies):
            if pos >= n_lines:
                raise AnnotationError(
                    path, 'bodyInfo', f'truncated: file ends at line '
                    f'{n_lines} in {where}')
            info = lines[pos].split()
            if len(info) != _BODY_VALUES:
                raise AnnotationError(
                    path, 'bodyInfo', f'line {pos + 1} ({where}): '
                    f'{len(info)} values, expected {_BODY_VALUES}')
            try:
                body_id = str(int(info[0]))
                [float(v) for v in info[1:]]
            except ValueError:
                raise AnnotationError(
                    path, 'bodyInfo', f'line {pos + 1} ({where}): '
                    f'non-numeric value in {lines[pos].strip()[:60]!r}'
                ) from None
            pos += 1
            n_joints = count(pos, 'numJoint', f'the joint count of {where}')
            if n_joints != NUM_JOINTS:
                raise AnnotationError(
                    path, 'numJoint', f'line {pos + 1} ({where}): '
                    f'{n_joints} joints, NTU RGB+D has {NUM_JOINTS}')
            pos += 1
            joints = _parse_joints(lines, pos, path, where)
            pos += NUM_JOINTS
            # A bodyID twice in one frame: keep the copies as separate
            # tracks rather than mixing two skeletons in one.
            seen[body_id] += 1
            key = body_id if seen[body_id] == 1 else \
                f'{body_id}/{seen[body_id]}'
            tr = tracks.setdefault(key, _Track())
            tr.frames.append(t)
            tr.xyz.append(joints[:, 0:3])
            tr.color.append(joints[:, 5:7])
            tr.state.append(joints[:, 11])
    rest = [i for i in range(pos, n_lines) if lines[i].strip()]
    if rest:
        raise AnnotationError(
            path, 'numFrame', f'says {T} frames but {len(rest)} more '
            f'non-empty lines follow them (from line {rest[0] + 1})')
    return T, tracks


def _parse_joints(lines: List[str], pos: int, path,
                  where: str) -> np.ndarray:
    block = lines[pos:pos + NUM_JOINTS]
    if len(block) < NUM_JOINTS:
        raise AnnotationError(
            path, 'jointInfo', f'truncated: file ends at line {len(lines)} '
            f'after {len(block)} of {NUM_JOINTS} joints in {where}')
    tokens = ' '.join(block).split()
    if len(tokens) != NUM_JOINTS * _JOINT_VALUES:
        for k, line in enumerate(block):
            n = len(line.split())
            if n != _JOINT_VALUES:
                raise AnnotationError(
                    path, 'jointInfo', f'line {pos + k + 1} ({where}): '
                    f'{n} values, expected {_JOINT_VALUES}')
    try:
        joints = np.array(tokens, dtype=np.float64)
    except ValueError:
        for k, line in enumerate(block):
            try:
                [float(v) for v in line.split()]
            except ValueError:
                raise AnnotationError(
                    path, 'jointInfo', f'line {pos + k + 1} ({where}): '
                    f'non-numeric value in {line.strip()[:60]!r}') from None
        raise  # pragma: no cover  (every line parsed on its own)
    joints = joints.reshape(NUM_JOINTS, _JOINT_VALUES)
    if not np.isfinite(joints).all():
        k = int(np.nonzero(~np.isfinite(joints).all(1))[0][0])
        raise AnnotationError(
            path, 'jointInfo', f'line {pos + k + 1} ({where}): '
            'NaN/inf value')
    state = joints[:, 11]
    bad = ~np.isin(state, (0, 1, 2))
    if bad.any():
        k = int(np.nonzero(bad)[0][0])
        raise AnnotationError(
            path, 'trackingState', f'line {pos + k + 1} ({where}): '
            f'{state[k]:g} is not 0, 1 or 2')
    return joints


def _motion(track: _Track) -> float:
    return float(np.var(np.stack(track.xyz), axis=0).sum())


def select_actors(tracks: Dict[str, _Track],
                  max_persons: int = MAX_PERSONS) -> List[List[str]]:
    """Group bodyID tracks into at most ``max_persons`` actors (lists of
    bodyIDs), see the module docstring."""
    order = sorted(tracks, key=lambda b: -_motion(tracks[b]))  # stable
    actors: List[List] = []  # [ids, first frame, last frame]
    for b in order:
        s, e = tracks[b].frames[0], tracks[b].frames[-1]
        for a in actors:
            if e < a[1] or s > a[2]:
                a[0].append(b)
                a[1], a[2] = min(a[1], s), max(a[2], e)
                break
        else:
            if len(actors) < max_persons:
                actors.append([[b], s, e])
    return [a[0] for a in actors]


def parse_ntu_skeleton(data: Union[str, bytes], path,
                       max_persons: int = MAX_PERSONS) -> Dict:
    """One ``.skeleton`` text (str or bytes, LF or CRLF) -> arrays.

    Returns ``dict(keypoint=float32 [M, T, 25, 3], keypoint_color=float32
    [M, T, 25, 2], tracking_score=float32 [M, T, 25], total_frames=T,
    body_ids=[[bodyID, ...] per actor])`` with at most ``max_persons``
    actors chosen as the module docstring describes. Raises
    :class:`AnnotationError` naming ``path`` and the field at fault
    (empty, truncated or non-numeric file, joint count other than 25,
    frame count not matching the content, NaN, 0 frames, no body at all).
    """
    T, tracks = _read_tracks(data, path)
    if not tracks:
        raise AnnotationError(
            path, 'numBody', f'no body in any of the {T} frames (a sample '
            'with missing skeletons; see the official missing list)')
    actors = select_actors(tracks, max_persons)
    M = len(actors)
    kp = np.zeros((M, T, NUM_JOINTS, 3), np.float32)
    color = np.zeros((M, T, NUM_JOINTS, 2), np.float32)
    score = np.zeros((M, T, NUM_JOINTS), np.float32)
    for m, ids in enumerate(actors):
        for b in ids:
            tr = tracks[b]
            kp[m, tr.frames] = np.stack(tr.xyz)
            color[m, tr.frames] = np.stack(tr.color)
            score[m, tr.frames] = np.stack(tr.state) * 0.5
    return dict(keypoint=kp, keypoint_color=color, tracking_score=score,
                total_frames=T, body_ids=actors)


def ntu_2d_annotation(anno: Dict) -> Dict:
    """A 2D mmaction2 entry from a converted one: ``keypoint`` = colour
    pixels ``[M, T, 25, 2]``, ``keypoint_score`` = tracking score."""
    if 'keypoint_color' not in anno:
        raise AnnotationError('<annotation>', 'keypoint_color',
                              'missing (converted with with_2d=False?)',
                              anno.get('frame_dir'))
    out = {k: v for k, v in anno.items()
           if k not in ('keypoint', 'keypoint_color', 'tracking_score')}
    out.update(keypoint=anno['keypoint_color'],
               keypoint_score=anno['tracking_score'],
               img_shape=COLOR_SHAPE, original_shape=COLOR_SHAPE)
    return out


# ------------------------------------------------------------ protocols
def _check_name(name: str, ntu120: bool):
    """The name's key; KeyParseError for names outside the dataset."""
    key = parse_ntu(name)
    max_setup = NTU120_MAX_SETUP if ntu120 else NTU60_MAX_SETUP
    max_action = NTU120_MAX_ACTION if ntu120 else NTU60_MAX_ACTION
    which = 'NTU RGB+D 120' if ntu120 else 'NTU RGB+D 60'
    if not 1 <= key.view <= NUM_CAMERAS:
        raise KeyParseError(f'{name}: camera C{key.view:03d} is not 1..3')
    if key.subject < 1 or key.setup < 1:
        raise KeyParseError(f'{name}: performer and setup start at 1')
    if key.setup > max_setup:
        raise KeyParseError(f'{name}: setup S{key.setup:03d} is not in '
                            f'{which} (S001..S{max_setup:03d})')
    if not 1 <= key.action <= max_action:
        raise KeyParseError(f'{name}: action A{key.action:03d} is not in '
                            f'{which} (A001..A{max_action:03d})')
    return key


def build_ntu_splits(names: Iterable[str],
                     ntu120: bool = False) -> Dict[str, List[str]]:
    """The official protocols, split names as in mmaction2's pickles.

    NTU60 (``ntu120=False``): ``xsub_train/val`` (performers
    :data:`XSUB_TRAIN_PERFORMERS_60` train) and ``xview_train/val``
    (cameras 2, 3 train). NTU120: ``xsub_train/val``
    (:data:`XSUB_TRAIN_PERFORMERS_120`) and ``xset_train/val`` (even setup
    ids train). Raises :class:`KeyParseError` for a name that is not of
    the dataset (with ``ntu120=False``: setup > 17 or action > 60).
    """
    names = sorted(names)
    keys = {n: _check_name(n, ntu120) for n in names}
    if ntu120:
        subj = set(XSUB_TRAIN_PERFORMERS_120)
        second, train2 = 'xset', (lambda k: k.setup % 2 == 0)
    else:
        subj = set(XSUB_TRAIN_PERFORMERS_60)
        second = 'xview'
        train2 = (lambda k: k.view in XVIEW_TRAIN_CAMERAS)
    split = {
        'xsub_train': [n for n in names if keys[n].subject in subj],
        'xsub_val': [n for n in names if keys[n].subject not in subj],
        f'{second}_train': [n for n in names if train2(keys[n])],
        f'{second}_val': [n for n in names if not train2(keys[n])],
    }
    return split


def load_missing_list(path) -> List[str]:
    """Sample names from an official ``*_samples_with_missing_skeletons.txt``
    (LF or CRLF; header lines before the first id are skipped; ids may carry
    a ``.skeleton`` suffix). Returns them sorted and unique.

    Raises :class:`AnnotationError` for a malformed line among the ids, or
    when the header's count (``302 of the captured samples ...``) disagrees
    with the ids read (a truncated copy).
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError as e:
        raise AnnotationError(path, '<file>',
                              f'not a text file ({e})') from None
    ids: List[str] = []
    claimed = None
    for i, line in enumerate(text.splitlines()):
        s = line.strip()
        if s.endswith(_SUFFIX):
            s = s[:-len(_SUFFIX)]
        if not s:
            continue
        try:
            parse_ntu(s)
        except KeyParseError:
            if ids:
                raise AnnotationError(
                    path, f'line {i + 1}',
                    f'{line.strip()[:60]!r} is not an NTU sample id') \
                    from None
            head = s.split()
            if claimed is None and head and head[0].isdigit():
                claimed = int(head[0])
            continue
        ids.append(s)
    if not ids:
        raise AnnotationError(path, '<file>', 'no NTU sample ids found')
    unique = sorted(set(ids))
    if claimed is not None and claimed != len(unique):
        raise AnnotationError(
            path, '<header>', f'says {claimed} samples but '
            f'{len(unique)} ids follow (truncated or edited copy?)')
    return unique


# ---------------------------------------------------------------- convert
def _find(src: Path) -> List[Path]:
    if not src.exists():
        raise FileNotFoundError(f'{src}: NTU skeleton directory not found')
    if not src.is_dir():
        raise AnnotationError(
            src, '<source>', 'not a directory (unzip the official '
            'nturgbd_skeletons_*.zip and pass the folder)')
    return sorted(p for p in src.rglob('*' + _SUFFIX) if p.is_file())


def convert_ntu_raw(src,
                    out,
                    ntu120: bool = False,
                    missing: Union[None, str, os.PathLike,
                                   Iterable[str]] = None,
                    strict: bool = True,
                    progress: bool = False,
                    with_2d: bool = True) -> Dict:
    """Convert every ``*.skeleton`` under ``src`` into the pickle ``out``;
    return a summary (see :func:`format_ntu_summary`).

    ``missing``: the official missing-skeleton list (a path) or names;
    those samples are skipped and counted. With ``ntu120=False`` samples
    outside NTU60 (setup > 17 or action > 60, i.e. NTU120-only ones) are
    skipped and counted as ``skipped_not_ntu60``, so a merged NTU120
    folder gives the NTU60 set. With ``strict`` (default) the first bad
    file raises :class:`AnnotationError` and nothing is written; with
    ``strict=False`` it is skipped and listed in ``skipped_bad``. ``out``
    is written atomically: complete or untouched. ``with_2d=False`` leaves
    out ``keypoint_color``, ``tracking_score`` and the image shapes.
    """
    src = Path(src)
    files = _find(src)
    if missing is None:
        skip = set()
    elif isinstance(missing, (str, os.PathLike)):
        skip = set(load_missing_list(missing))
    else:
        skip = {str(n) for n in missing}
    num_classes = NTU120_MAX_ACTION if ntu120 else NTU60_MAX_ACTION

    bar = None
    if progress and files:
        from mmengine.utils import ProgressBar
        bar = ProgressBar(len(files), file=sys.stdout)

    annos: Dict[str, Dict] = {}
    where: Dict[str, str] = {}
    skipped_missing: List[str] = []
    not_ntu60: List[str] = []
    bad: List[str] = []
    for p in files:
        name = p.name[:-len(_SUFFIX)]
        try:
            if name in skip:
                skipped_missing.append(name)
                continue
            try:
                key = _check_name(name, True)
            except KeyParseError as e:
                raise AnnotationError(p, '<file name>', str(e)) from None
            if not ntu120 and (key.setup > NTU60_MAX_SETUP
                               or key.action > NTU60_MAX_ACTION):
                not_ntu60.append(name)
                continue
            if name in annos:
                raise AnnotationError(p, 'frame_dir',
                                      f'duplicate sample {name!r}, '
                                      f'also in {where[name]}')
            annos[name] = _annotation(p, name, key.action - 1, num_classes,
                                      with_2d)
            where[name] = str(p)
        except AnnotationError as e:
            if strict:
                raise
            bad.append(str(e))
        finally:
            if bar is not None:
                bar.update()
    if bar is not None:
        sys.stdout.write('\n')
    if not annos:
        raise AnnotationError(src, '<source>',
                              'no usable NTU *.skeleton files found')

    names = sorted(annos)
    data = dict(split=build_ntu_splits(names, ntu120),
                annotations=[annos[n] for n in names])
    dump_pickle_atomic(data, os.fspath(out))
    return _summary(data, out, ntu120, skipped_missing, not_ntu60, bad)


def _annotation(path: Path, name: str, label: int, num_classes: int,
                with_2d: bool) -> Dict:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise AnnotationError(path, '<file>', f'unreadable ({e})') from None
    res = parse_ntu_skeleton(raw, path)
    anno = dict(frame_dir=name, label=label,
                keypoint=res['keypoint'],
                total_frames=res['total_frames'])
    if with_2d:
        anno.update(keypoint_color=res['keypoint_color'],
                    tracking_score=res['tracking_score'],
                    img_shape=COLOR_SHAPE, original_shape=COLOR_SHAPE)
    validate_annotation(anno, path=str(path), num_joints=NUM_JOINTS,
                        num_classes=num_classes)
    return anno


def _summary(data: Dict, out, ntu120: bool, skipped_missing: List[str],
             not_ntu60: List[str], bad: List[str]) -> Dict:
    annos = data['annotations']
    return dict(
        out=os.fspath(out),
        dataset='ntu120' if ntu120 else 'ntu60',
        converted=len(annos),
        **pickle_stats(data, parse_ntu),
        persons=dict(sorted(Counter(
            int(a['keypoint'].shape[0]) for a in annos).items())),
        num_labels=len({a['label'] for a in annos}),
        skipped_missing=len(skipped_missing),
        skipped_not_ntu60=len(not_ntu60),
        skipped_bad=bad)


def format_ntu_summary(summary: Dict) -> str:
    """A few human-readable lines for the command-line tool."""
    s = summary
    lines = [
        f"wrote {s['out']} ({s['dataset']}): {s['converted']} sequences of "
        f"{s['num_recordings']} recordings, {s['num_labels']} classes",
        splits_line(s),
        '  persons: ' + ', '.join(f'{k}: {n}'
                                  for k, n in s['persons'].items()),
        frames_line(s),
        f"  skipped (missing-skeleton list): {s['skipped_missing']}",
    ]
    if s['skipped_not_ntu60']:
        lines.append(f"  skipped (NTU120-only, not NTU60): "
                     f"{s['skipped_not_ntu60']}")
    if s['skipped_bad']:
        lines.append(f"  skipped {len(s['skipped_bad'])} bad files:")
        lines += [f'    {m}' for m in s['skipped_bad']]
    return '\n'.join(lines)
