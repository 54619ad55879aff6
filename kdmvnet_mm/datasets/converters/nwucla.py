"""N-UCLA skeleton JSON (CTR-GCN's "all_sqe") -> mmaction2 skeleton pickle.

Input: files ``aAA_sSS_eEE_vVV.json`` (action, subject, episode, view), each
``{"file_name": "aAA_sSS_eEE_vVV", "skeletons": [T][20][3], "label": 1..10}``
(Kinect v1 camera-space metres, one person; ``label`` already compact:
a01..a06 -> 1..6, a08 -> 7, a09 -> 8, a11 -> 9, a12 -> 10), in a directory
tree or a tar archive (e.g. ``all_sqe.tar.xz``) read without unpacking.

Output: the pickle ``mmaction.datasets.PoseDataset`` reads::

    {'split': {'xview_train': v01 + v02 names, 'xview_val': v03 names,
               'v01': [...], 'v02': [...], 'v03': [...]},
     'annotations': [{'frame_dir': 'a01_s01_e00_v01', 'label': 0..9,
                      'keypoint': float32 [1, T, 20, 3],
                      'total_frames': T}, ...]}

Entries carry the same fields as mmaction2's own 3D NTU pickles
(``tools/data/skeleton/gen_ntu_rgbd_raw.py``): no ``keypoint_score`` and no
``img_shape``, which 2D pipelines would read as pixel sizes. Names and
entries are sorted, so the file does not depend on archive order.
"""
import json
import lzma
import os
import os.path as osp
import sys
import tarfile
import zlib
from collections import Counter
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import numpy as np

from ...utils.io import dump_pickle_atomic
from ..recording_keys import KeyParseError, parse_nwucla
from ..validation import AnnotationError, validate_annotation
from .summary import frames_line, pickle_stats, splits_line

NUM_JOINTS = 20
NUM_CLASSES = 10
VIEWS = (1, 2, 3)
#: Action id in the file name -> 0-based label (a07 and a10 are not in N-UCLA).
ACTION_TO_LABEL = {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 8: 6, 9: 7, 11: 8,
                   12: 9}
#: Standard cross-view protocol: train on cameras 1 and 2, test on camera 3.
XVIEW_TRAIN_VIEWS = (1, 2)
XVIEW_VAL_VIEWS = (3, )

# (path shown in errors, sample name, raw bytes)
Source = Tuple[str, str, bytes]


# N-UCLA's ten actions, label 0..9 (the files' 1..10).
NWUCLA_CLASSES = ('pick up with one hand', 'pick up with two hands',
                  'drop trash', 'walk around', 'sit down', 'stand up',
                  'donning', 'doffing', 'throw', 'carry')


def _iter_directory(src: Path) -> Tuple[int, Iterator[Source]]:
    files = sorted(p for p in src.rglob('*.json') if p.is_file())

    def gen():
        for p in files:
            yield str(p), p.stem, p.read_bytes()

    return len(files), gen()


def _iter_archive(src: Path) -> Tuple[int, Iterator[Source]]:
    """Read every ``*.json`` member in one pass (a compressed tar has no
    cheap random access; the N-UCLA set is about 40 MB unpacked), then
    hand them out sorted by member name."""
    members = []
    try:
        with tarfile.open(src, 'r:*') as tar:
            for m in tar:
                if m.isfile() and m.name.endswith('.json'):
                    name = osp.splitext(osp.basename(m.name))[0]
                    members.append((f'{src}:{m.name}', name,
                                    tar.extractfile(m).read()))
    except (tarfile.TarError, EOFError, OSError, lzma.LZMAError,
            zlib.error) as e:
        raise AnnotationError(src, '<archive>',
                              f'unreadable or truncated archive ({e!r})'
                              ) from e
    members.sort(key=lambda s: s[0])
    return len(members), iter(members)


def iter_sources(src) -> Tuple[int, Iterator[Source]]:
    """(number of JSON files, iterator of (path, name, bytes)) for a
    directory tree or a tar archive, in sorted order."""
    src = Path(src)
    if src.is_dir():
        return _iter_directory(src)
    if src.is_file():
        if not tarfile.is_tarfile(src):
            raise AnnotationError(src, '<source>',
                                  'neither a directory nor a tar archive')
        return _iter_archive(src)
    raise FileNotFoundError(f'{src}: N-UCLA source not found')


def parse_nwucla_json(raw: bytes, path: str, name: str) -> Dict:
    """One JSON file -> one validated mmaction2 annotation.

    Raises :class:`AnnotationError` naming ``path`` and the field at fault.
    """
    try:
        key = parse_nwucla(name)
    except KeyParseError as e:
        raise AnnotationError(path, '<file name>', str(e)) from None
    if key.view not in VIEWS:
        raise AnnotationError(path, '<file name>',
                              f'view v{key.view:02d} is not one of v01..v03')
    if key.action not in ACTION_TO_LABEL:
        raise AnnotationError(
            path, '<file name>',
            f'action a{key.action:02d} is not an N-UCLA action '
            f'(a01..a06, a08, a09, a11, a12)')
    try:
        data = json.loads(raw)
    except ValueError as e:  # JSONDecodeError and UnicodeDecodeError
        raise AnnotationError(path, '<file>',
                              f'corrupt or truncated JSON ({e})') from None
    if not isinstance(data, dict):
        raise AnnotationError(
            path, '<file>',
            f'expected a JSON object, got {type(data).__name__}')

    file_name = data.get('file_name', name)
    if file_name != name:
        # The name decides the view and so the split: refuse ambiguity.
        raise AnnotationError(path, 'file_name',
                              f'{file_name!r} differs from the file name')

    if 'skeletons' not in data:
        raise AnnotationError(path, 'skeletons', 'missing')
    try:
        ske = np.asarray(data['skeletons'], dtype=np.float32)
    except (ValueError, TypeError):
        raise AnnotationError(
            path, 'skeletons', 'not a [T][20][3] array of numbers '
            '(ragged or non-numeric)') from None
    if ske.size == 0:
        raise AnnotationError(path, 'skeletons', '0 frames')
    if ske.ndim != 3 or ske.shape[2] != 3:
        raise AnnotationError(path, 'skeletons',
                              f'shape {ske.shape}, expected [T, 20, 3]')
    if ske.shape[1] != NUM_JOINTS:
        raise AnnotationError(
            path, 'skeletons',
            f'{ske.shape[1]} joints per frame, N-UCLA has {NUM_JOINTS}')

    if 'label' not in data:
        raise AnnotationError(path, 'label', 'missing')
    label = data['label']
    if isinstance(label, bool) or not isinstance(label, int):
        raise AnnotationError(path, 'label',
                              f'expected an int in 1..10, got {label!r}')
    if not 1 <= label <= NUM_CLASSES:
        raise AnnotationError(path, 'label',
                              f'{label} out of range 1..{NUM_CLASSES}')
    expected = ACTION_TO_LABEL[key.action] + 1
    if label != expected:
        raise AnnotationError(
            path, 'label',
            f'{label} disagrees with action a{key.action:02d} in the file '
            f'name (expects {expected})')

    anno = dict(
        frame_dir=name,
        label=label - 1,
        keypoint=np.ascontiguousarray(ske[None]),
        total_frames=int(ske.shape[0]))
    validate_annotation(
        anno, path=path, num_joints=NUM_JOINTS, num_classes=NUM_CLASSES)
    return anno


def build_splits(names: List[str]) -> Dict[str, List[str]]:
    """Per-view lists and the cross-view protocol, each sorted."""
    by_view = {v: [] for v in VIEWS}
    for n in sorted(names):
        by_view[parse_nwucla(n).view].append(n)
    split = dict(
        xview_train=sorted(n for v in XVIEW_TRAIN_VIEWS for n in by_view[v]),
        xview_val=sorted(n for v in XVIEW_VAL_VIEWS for n in by_view[v]))
    split.update({f'v{v:02d}': by_view[v] for v in VIEWS})
    return split


def convert_nwucla(src,
                   out,
                   strict: bool = True,
                   progress: bool = False) -> Dict:
    """Convert N-UCLA JSON files under ``src`` (directory or tar archive)
    into the pickle ``out``; return a summary.

    With ``strict`` (default) the first bad file raises
    :class:`AnnotationError` and nothing is written. With ``strict=False``
    bad files are skipped and listed in ``summary['skipped']``. ``out`` is
    written atomically, so it is either complete or untouched.
    """
    total, sources = iter_sources(src)
    bar = None
    if progress and total:
        from mmengine.utils import ProgressBar
        bar = ProgressBar(total, file=sys.stdout)

    annos: Dict[str, Dict] = {}
    where: Dict[str, str] = {}
    skipped: List[str] = []
    for path, name, raw in sources:
        try:
            if name in annos:
                raise AnnotationError(path, 'frame_dir',
                                      f'duplicate sample {name!r}, '
                                      f'also in {where[name]}')
            annos[name] = parse_nwucla_json(raw, path, name)
            where[name] = path
        except AnnotationError as e:
            if strict:
                raise
            skipped.append(str(e))
        if bar is not None:
            bar.update()
    if bar is not None:
        sys.stdout.write('\n')
    if not annos:
        raise AnnotationError(src, '<source>',
                              'no usable N-UCLA *.json files found')

    names = sorted(annos)
    data = dict(
        split=build_splits(names), annotations=[annos[n] for n in names])
    dump_pickle_atomic(data, os.fspath(out))
    return _summary(data, out, skipped)


def _summary(data: Dict, out, skipped: List[str]) -> Dict:
    annos = data['annotations']
    return dict(
        out=os.fspath(out),
        num_annotations=len(annos),
        **pickle_stats(data, parse_nwucla),
        labels=dict(sorted(Counter(a['label'] for a in annos).items())),
        skipped=skipped)


def format_summary(summary: Dict) -> str:
    """A few human-readable lines for the command-line tool."""
    s = summary
    lines = [
        f"wrote {s['out']}: {s['num_annotations']} sequences of "
        f"{s['num_recordings']} recordings",
        splits_line(s),
        '  labels: ' + ', '.join(f'{k}: {n}' for k, n in s['labels'].items()),
        frames_line(s),
    ]
    if s['skipped']:
        lines.append(f"  skipped {len(s['skipped'])} bad files:")
        lines += [f'    {m}' for m in s['skipped']]
    return '\n'.join(lines)
