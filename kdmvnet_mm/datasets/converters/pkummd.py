"""PKU-MMD skeletons + action intervals -> mmaction2 skeleton pickle.

PKU-MMD (Liu et al., 2017) films long untrimmed sequences with three
synchronised Kinect v2 cameras; every sequence has one file per camera.

Published layout (the parts this converter reads)::

    Data/skeleton/<video>.txt          one file per video
    Label/Train_Label_PKU_final/<video>.txt
    Split/cross-subject.txt            Phase I and II
    Split/cross-view.txt               Phase I only

Video names: Phase I ``NNNN-V`` (``0002-L``: sequence 0002 filmed by the
left / middle / right camera L / M / R); Phase II ``AaaNnn-V``
(``A01N01-L``). Phase II also accepts Phase I style names.

- Skeleton file: one line per frame, 150 whitespace-separated floats,
  2 bodies x 25 joints (Kinect v2 order, as NTU RGB+D) x (x, y, z) in
  camera-space metres; a missing second body is written as zeros.
- Label file: one line per labelled interval,
  ``label,start,end,confidence``: label 1..51 (Phase I) / 1..41
  (Phase II), ``start`` / ``end`` frame numbers, ``confidence`` 1 or 2.
  Frame numbers are taken as **1-based and inclusive** (the official
  description): the interval covers skeleton lines ``start..end`` and needs
  ``1 <= start <= end <= T``. ``first_frame=0`` reads them as 0-based
  inclusive instead.
- Split file: a header line ``Training videos:`` followed by a line of
  comma-separated video names, then ``Validataion videos:`` (sic) and its
  line. Any header starting with ``train`` or ``val``/``valid``/``test``
  (any case, typo or not) is accepted; names may follow on the header line
  itself or spread over several lines, separated by commas and/or blanks.

Clips. Each labelled interval of each video becomes one sample named
``NNNN-V_kk``: ``NNNN`` the sequence (Phase II ``AaaNnn`` becomes ``aann``,
e.g. ``A01N01`` -> ``0101``, so names fit the ``pkummd`` key parser),
``V`` the camera and ``kk`` the interval index, 1-based, at least two
digits. :func:`kdmvnet_mm.datasets.recording_keys.parse_pkummd` maps
``0002-L_03``, ``0002-M_03`` and ``0002-R_03`` to the one recording
``0002_03`` (views 1, 2, 3), as :class:`MultiViewPoseDataset` needs.

Matching intervals across views. The three label files of a sequence may
differ slightly in frame bounds, so intervals are matched by label and
order, not by bounds: in each view the intervals are sorted by
(start, end) and the j-th interval with label ``a`` in one view is the
j-th interval with label ``a`` in the others. A matched group must overlap
in time (the latest start <= the earliest end). The groups are numbered
``kk = 1, 2, ...`` in order of their earliest start (then label), the same
number in every view. Each view cuts its clip with its *own* bounds. In
strict mode a label missing from a view, a different count of one label, or
non-overlapping matches raise :class:`AnnotationError`; with
``strict=False`` a group missing from some views keeps the views that have
it and a non-overlapping group is dropped (both listed in ``skipped``).

Bodies. A clip keeps the second body only where it has a non-zero
coordinate somewhere in the clip: ``keypoint`` is ``[1, T, 25, 3]`` or
``[2, T, 25, 3]`` (mmaction2's NTU pickles also vary M; ``FormatGCNInput``
pads to ``num_person``). A clip with no body at all is an error.

Output::

    {'split': {'xsub_train', 'xsub_val', 'xview_train', 'xview_val'},
     'annotations': [{'frame_dir': '0002-L_01', 'label': 0..50,
                      'keypoint': float32 [M, T, 25, 3],
                      'total_frames': T}, ...]}

Phase II has only ``xsub_train`` / ``xsub_val``. A split holds the clips of
the videos its list names; names and entries are sorted.
"""
import os
import re
import sys
import warnings
from collections import Counter, OrderedDict
from pathlib import Path
from typing import Dict, List, NamedTuple, Optional, Tuple

import numpy as np

from ...utils.io import dump_pickle_atomic
from ..recording_keys import parse_pkummd
from ..validation import AnnotationError, validate_annotation
from .summary import frames_line, pickle_stats, splits_line

NUM_JOINTS = 25
NUM_BODIES = 2
VALUES_PER_FRAME = NUM_BODIES * NUM_JOINTS * 3  # 150
#: Number of action classes per phase.
PHASE_CLASSES = {1: 51, 2: 41}
#: Protocol -> accepted split file names, per phase.
SPLIT_FILES = {
    1: OrderedDict(
        xsub=('cross-subject.txt', 'cross_subject.txt'),
        xview=('cross-view.txt', 'cross_view.txt')),
    2: OrderedDict(
        xsub=('cross-subject.txt', 'cross_subject.txt',
              'cross-subject_v2.txt', 'cross_subject_v2.txt')),
}
VIEW_LETTERS = ('L', 'M', 'R')

_P1_VIDEO = re.compile(r'^(\d{4})-([LMR])$')
_P2_VIDEO = re.compile(r'^A(\d{2})N(\d{2})-([LMR])$')
_HEADER = re.compile(r'^\s*([A-Za-z][A-Za-z ]*?)\s*:(.*)$')


class Interval(NamedTuple):
    """One line of a label file (frame numbers as written)."""
    label: int  # 1-based, as in the file
    start: int
    end: int
    confidence: float
    line: int  # line number in the label file, 1-based


def video_key(name: str, phase: int = 1) -> Tuple[str, str]:
    """Video name -> (4-digit sequence code, view letter).

    ``0002-L`` -> ``('0002', 'L')``; Phase II ``A01N07-R`` ->
    ``('0107', 'R')``. Raises ``ValueError`` for other names.
    """
    m = _P1_VIDEO.match(name)
    if m is not None:
        return m.group(1), m.group(2)
    if phase == 2:
        m = _P2_VIDEO.match(name)
        if m is not None:
            return m.group(1) + m.group(2), m.group(3)
    form = 'NNNN-L/M/R' if phase == 1 else 'AaaNnn-L/M/R or NNNN-L/M/R'
    raise ValueError(f'video name {name!r} is not PKU-MMD Phase {phase} '
                     f'{form}')


def clip_name(seq: str, view: str, index: int) -> str:
    """``('0002', 'L', 3)`` -> ``'0002-L_03'`` (parses with parse_pkummd)."""
    return f'{seq}-{view}_{index:02d}'


# ------------------------------------------------------------------ parsers
def parse_pkummd_skeleton(text: str, path) -> np.ndarray:
    """Skeleton file text -> float32 ``[2, T, 25, 3]`` (both bodies kept;
    an absent body is zeros). Blank lines are ignored.

    Raises :class:`AnnotationError` (field ``'keypoint'``) naming the line
    for a wrong number of values, a non-number, NaN/inf, or 0 frames.
    """
    lines = text.splitlines()
    frames = []  # (line number, text) of the non-blank lines
    for i, ln in enumerate(lines, 1):
        n = len(ln.split())
        if n == 0:
            continue
        if n != VALUES_PER_FRAME:
            raise AnnotationError(
                path, 'keypoint',
                f'line {i}: {n} values, expected {VALUES_PER_FRAME} '
                f'({NUM_BODIES} bodies x {NUM_JOINTS} joints x 3)')
        frames.append(i)
    if not frames:
        raise AnnotationError(path, 'keypoint', '0 frames')
    T = len(frames)
    with warnings.catch_warnings():
        # fromstring warns (and stops) at the first non-number.
        warnings.simplefilter('ignore')
        try:
            flat = np.fromstring(text, dtype=np.float64, sep=' ')
        except ValueError:
            flat = np.empty(0)
    if flat.size != T * VALUES_PER_FRAME:
        for i in frames:
            try:
                np.array(lines[i - 1].split(), dtype=np.float64)
            except ValueError as e:
                raise AnnotationError(path, 'keypoint',
                                      f'line {i}: not a number ({e})'
                                      ) from None
        raise AnnotationError(path, 'keypoint', 'unreadable numbers')
    finite = np.isfinite(flat)
    if not finite.all():
        t = int(np.argmin(finite)) // VALUES_PER_FRAME
        bad = int((~finite).sum())
        raise AnnotationError(
            path, 'keypoint',
            f'{bad} NaN/inf values, first on line {frames[t]}')
    ske = flat.astype(np.float32).reshape(T, NUM_BODIES, NUM_JOINTS, 3)
    return np.ascontiguousarray(ske.transpose(1, 0, 2, 3))


def _int_field(tok: str, path, field: str, lineno: int) -> int:
    try:
        return int(tok)
    except ValueError:
        pass
    try:
        v = float(tok)
    except ValueError:
        v = float('nan')
    if not v.is_integer():
        raise AnnotationError(path, field,
                              f'line {lineno}: {tok!r} is not an integer')
    return int(v)


def parse_pkummd_labels(text: str, path,
                        num_classes: int) -> List[Interval]:
    """Label file text -> intervals in file order.

    Each non-blank line is ``label,start,end,confidence``. Raises
    :class:`AnnotationError` naming the line and the field (``'<line>'``
    for a wrong field count, ``'label'`` out of 1..num_classes,
    ``'start'`` / ``'end'`` not integers, ``start < 0`` or
    ``start > end``, ``'confidence'`` not a finite number; ``'label'``
    also when the file has no interval). Bounds against the sequence
    length are checked by :func:`convert_pkummd`.
    """
    out = []
    for i, ln in enumerate(text.splitlines(), 1):
        if not ln.strip():
            continue
        parts = [p.strip() for p in ln.strip().strip(',').split(',')]
        if len(parts) != 4:
            raise AnnotationError(
                path, '<line>',
                f'line {i}: {len(parts)} fields, expected 4 '
                '(label,start,end,confidence)')
        label = _int_field(parts[0], path, 'label', i)
        start = _int_field(parts[1], path, 'start', i)
        end = _int_field(parts[2], path, 'end', i)
        try:
            conf = float(parts[3])
        except ValueError:
            conf = float('nan')
        if not np.isfinite(conf):
            raise AnnotationError(
                path, 'confidence',
                f'line {i}: {parts[3]!r} is not a finite number')
        if not 1 <= label <= num_classes:
            raise AnnotationError(
                path, 'label',
                f'line {i}: {label} out of range 1..{num_classes}')
        if start < 0:
            raise AnnotationError(path, 'start',
                                  f'line {i}: negative frame {start}')
        if start > end:
            raise AnnotationError(path, 'start',
                                  f'line {i}: start {start} > end {end}')
        out.append(Interval(label, start, end, conf, i))
    if not out:
        raise AnnotationError(path, 'label', 'no labelled interval')
    return out


def parse_pkummd_split(text: str, path) -> Dict[str, List[str]]:
    """Official split file text -> ``{'train': [...], 'val': [...]}``.

    Video names keep the file's order. Raises :class:`AnnotationError`
    (field: the header, or ``'<file>'``) for names before any header, an
    unknown or repeated section, a missing or empty section, a name twice,
    or a name in both sections.
    """
    sections: Dict[str, List[str]] = {}
    headers: Dict[str, str] = {}
    cur = None
    for i, ln in enumerate(text.splitlines(), 1):
        m = _HEADER.match(ln)
        if m is not None:
            head, rest = m.group(1), m.group(2)
            low = head.lower()
            if low.startswith('train'):
                cur = 'train'
            elif low.startswith(('val', 'test')):
                cur = 'val'
            else:
                raise AnnotationError(path, head,
                                      f'line {i}: unknown section header')
            if cur in sections:
                raise AnnotationError(
                    path, head, f'line {i}: second {cur} section '
                    f'(first: {headers[cur]!r})')
            sections[cur], headers[cur] = [], head
        else:
            rest = ln
        names = [n for n in re.split(r'[,\s]+', rest) if n]
        if names and cur is None:
            raise AnnotationError(
                path, '<file>',
                f'line {i}: video names before a "Training videos:" or '
                '"Validation videos:" header')
        if names:
            sections[cur].extend(names)
    for key, head in (('train', 'Training videos'),
                      ('val', 'Validation videos')):
        if key not in sections:
            raise AnnotationError(path, head, 'section missing')
        if not sections[key]:
            raise AnnotationError(path, headers[key], 'no video names')
    for key in ('train', 'val'):
        dup = [n for n, c in Counter(sections[key]).items() if c > 1]
        if dup:
            raise AnnotationError(path, headers[key],
                                  f'listed twice: {sorted(dup)[:5]}')
    both = set(sections['train']) & set(sections['val'])
    if both:
        raise AnnotationError(
            path, headers['val'],
            f'{len(both)} videos also in the training list, e.g. '
            f'{sorted(both)[:5]}')
    return dict(train=sections['train'], val=sections['val'])


# ---------------------------------------------------------------- matching
def match_intervals(per_view: Dict[str, List[Interval]],
                    paths: Dict[str, str],
                    strict: bool = True
                    ) -> Tuple[List[Dict[str, Interval]], List[str]]:
    """Group the intervals of one sequence's views (see module docstring).

    ``per_view`` maps view letter -> intervals, ``paths`` view letter ->
    label file (for messages). Returns the groups in interval-index order
    (``groups[k - 1]`` maps view -> interval) and the problems skipped
    when not ``strict``.
    """
    keyed: Dict[Tuple[int, int], Dict[str, Interval]] = {}
    for v, ivs in per_view.items():
        seen: Counter = Counter()
        for iv in sorted(ivs, key=lambda x: (x.start, x.end, x.label)):
            seen[iv.label] += 1
            keyed.setdefault((iv.label, seen[iv.label]), {})[v] = iv

    def what(label, occ, members):
        bounds = ', '.join(f'{v} {iv.start}..{iv.end}'
                           for v, iv in sorted(members.items()))
        return f'label {label} occurrence {occ} ({bounds})'

    problems = []
    # Pass 1: counts per label must agree between views.
    for (label, occ), members in keyed.items():
        lacking = sorted(set(per_view) - set(members))
        if lacking:
            v = lacking[0]
            counts = {u: sum(iv.label == label for iv in per_view[u])
                      for u in sorted(per_view)}
            msg = (f'{what(label, occ, members)} has no match in view {v}; '
                   f'intervals with label {label} per view: {counts}')
            if strict:
                raise AnnotationError(paths[v], 'label', msg)
            problems.append(f'{paths[v]}: {msg}; kept the other views')
    # Pass 2: matched intervals must overlap in time.
    groups = []
    for (label, occ), members in keyed.items():
        if max(iv.start for iv in members.values()) > min(
                iv.end for iv in members.values()):
            v = sorted(members)[-1]
            msg = (f'{what(label, occ, members)}: matched intervals do not '
                   'overlap')
            if strict:
                raise AnnotationError(paths[v], 'start', msg)
            problems.append(f'{paths[v]}: {msg}; dropped')
            continue
        groups.append(members)
    groups.sort(key=lambda g: (min(iv.start for iv in g.values()),
                               next(iter(g.values())).label))
    return groups, problems


# ---------------------------------------------------------------- convert
def _index_txt(root, what: str) -> Dict[str, Path]:
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f'{root}: PKU-MMD {what} directory not found')
    found: Dict[str, Path] = {}
    for p in sorted(root.rglob('*.txt')):
        if not p.is_file():
            continue
        if p.stem in found:
            raise AnnotationError(p, '<file>',
                                  f'duplicate {what} file, also '
                                  f'{found[p.stem]}')
        found[p.stem] = p
    return found


def _find_split_file(split_dir: Path, names) -> Path:
    for n in names:
        if (split_dir / n).is_file():
            return split_dir / n
    raise FileNotFoundError(
        f'{split_dir}: none of the split files {list(names)} found')


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode('utf-8')
    except UnicodeDecodeError as e:
        raise AnnotationError(path, '<file>',
                              f'not a text file ({e})') from None


def _check_bounds(iv: Interval, T: int, first_frame: int, path,
                  label_path) -> None:
    lo, hi = first_frame, first_frame + T - 1
    if iv.start < lo:
        raise AnnotationError(
            label_path, 'start', f'line {iv.line}: start {iv.start} before '
            f'the first frame {lo} of {Path(path).name}')
    if iv.end > hi:
        raise AnnotationError(
            label_path, 'end', f'line {iv.line}: end {iv.end} after the '
            f'last frame {hi} of {Path(path).name} ({T} frames)')


def _cut(ske: np.ndarray, iv: Interval, first_frame: int, path,
         name: str, label_path) -> np.ndarray:
    """The clip of ``iv`` (bounds already checked) as [M, T, 25, 3]."""
    clip = ske[:, iv.start - first_frame:iv.end - first_frame + 1]
    present = [m for m in range(NUM_BODIES) if clip[m].any()]
    if not present:
        raise AnnotationError(
            path, 'keypoint', f'frames {iv.start}..{iv.end} (label file '
            f'line {iv.line}) hold no body (all zeros)', name)
    # Keep body 1 always (its slot is the main actor); body 2 when present.
    keep = 2 if 1 in present else 1
    return np.ascontiguousarray(clip[:keep])


def convert_pkummd(skeleton_dir,
                   label_dir,
                   split_dir,
                   out,
                   phase: int = 1,
                   strict: bool = True,
                   progress: bool = False,
                   first_frame: int = 1) -> Dict:
    """Cut every labelled interval of the PKU-MMD videos into a clip and
    write the pickle ``out`` (layout and rules: module docstring); return a
    summary.

    ``skeleton_dir`` / ``label_dir`` are searched recursively for
    ``<video>.txt``; ``split_dir`` holds the official split files.
    Converted videos: those named in a split list plus those with a label
    file. With ``strict`` (default) the first problem raises
    :class:`AnnotationError` naming the file and field and nothing is
    written; with ``strict=False`` bad videos / clips are skipped and
    listed in ``summary['skipped']``. ``out`` is written atomically.
    """
    if phase not in PHASE_CLASSES:
        raise ValueError(f'phase must be 1 or 2, got {phase!r}')
    if first_frame not in (0, 1):
        raise ValueError(f'first_frame must be 0 or 1, got {first_frame!r}')
    num_classes = PHASE_CLASSES[phase]
    skipped: List[str] = []

    def fail(err: AnnotationError):
        if strict:
            raise err
        skipped.append(str(err))

    # Split lists.
    split_dir = Path(split_dir)
    if not split_dir.is_dir():
        raise FileNotFoundError(f'{split_dir}: split directory not found')
    protocols: Dict[str, Dict[str, List[str]]] = OrderedDict()
    listed: Dict[str, Tuple[Path, str]] = {}  # video -> (split file, key)
    for proto, names in SPLIT_FILES[phase].items():
        sp = _find_split_file(split_dir, names)
        sections = parse_pkummd_split(_read_text(sp), sp)
        for key, videos in sections.items():
            for v in videos:
                try:
                    video_key(v, phase)
                except ValueError as e:
                    raise AnnotationError(sp, f'{key} videos',
                                          str(e)) from None
                listed.setdefault(v, (sp, key))
        protocols[proto] = sections

    skel_files = _index_txt(skeleton_dir, 'skeleton')
    label_files = _index_txt(label_dir, 'label')

    def is_video(n):
        try:
            video_key(n, phase)
            return True
        except ValueError:
            return False

    videos = sorted(set(listed) | {n for n in label_files if is_video(n)})
    ignored = sorted(n for n in set(skel_files) | set(label_files)
                     if not is_video(n))
    unsplit = sorted(set(videos) - set(listed))

    # Sequence code -> {view letter: video name}; refuse code clashes.
    seqs: Dict[str, Dict[str, str]] = OrderedDict()
    for v in videos:
        seq, view = video_key(v, phase)
        other = seqs.setdefault(seq, {}).get(view)
        if other is not None:
            raise AnnotationError(
                label_files.get(v, skeleton_dir), '<file name>',
                f'videos {other!r} and {v!r} both map to sequence {seq} '
                f'view {view}')
        seqs[seq][view] = v

    bar = None
    if progress and videos:
        from mmengine.utils import ProgressBar
        bar = ProgressBar(len(videos), file=sys.stdout)

    annos: Dict[str, Dict] = {}
    clips_of: Dict[str, List[str]] = {}  # video -> clip names
    for seq, views in seqs.items():
        skes, ivs, lpaths, spaths = {}, {}, {}, {}
        for view in sorted(views):
            v = views[view]
            try:
                if v not in skel_files or v not in label_files:
                    missing = ('skeleton' if v not in skel_files else
                               'label')
                    where = (skeleton_dir if missing == 'skeleton' else
                             label_dir)
                    if v in listed:
                        sp, key = listed[v]
                        raise AnnotationError(
                            sp, f'{key} videos', f'video {v} has no '
                            f'{missing} file {v}.txt under {where}')
                    raise AnnotationError(
                        label_files.get(v, skel_files.get(v)), '<file>',
                        f'video {v} has no {missing} file {v}.txt '
                        f'under {where}')
                sp_, lp = skel_files[v], label_files[v]
                ske = parse_pkummd_skeleton(_read_text(sp_), sp_)
                lab = parse_pkummd_labels(_read_text(lp), lp, num_classes)
                for iv in lab:  # before matching: a bad line names it
                    _check_bounds(iv, ske.shape[1], first_frame, sp_, lp)
                skes[view], ivs[view] = ske, lab
                spaths[view], lpaths[view] = sp_, lp
            except AnnotationError as e:
                fail(e)
            if bar is not None:
                bar.update()
        if not ivs:
            continue
        groups, problems = match_intervals(ivs, lpaths, strict)
        skipped.extend(problems)
        for k, group in enumerate(groups, 1):
            for view, iv in sorted(group.items()):
                v, name = views[view], clip_name(seq, view, k)
                try:
                    kp = _cut(skes[view], iv, first_frame, spaths[view],
                              name, lpaths[view])
                    anno = dict(frame_dir=name, label=iv.label - 1,
                                keypoint=kp,
                                total_frames=int(kp.shape[1]))
                    validate_annotation(anno, path=str(spaths[view]),
                                        num_joints=NUM_JOINTS,
                                        num_classes=num_classes)
                except AnnotationError as e:
                    fail(e)
                    continue
                annos[name] = anno
                clips_of.setdefault(v, []).append(name)
    if bar is not None:
        sys.stdout.write('\n')
    if not annos:
        raise AnnotationError(label_dir, '<source>',
                              'no usable PKU-MMD clips found')

    split = OrderedDict()
    for proto, sections in protocols.items():
        for key in ('train', 'val'):
            split[f'{proto}_{key}'] = sorted(
                c for v in sections[key] for c in clips_of.get(v, ()))
    names = sorted(annos)
    data = dict(split=dict(split), annotations=[annos[n] for n in names])
    dump_pickle_atomic(data, os.fspath(out))
    return _summary(data, out, phase, len(clips_of), skipped, unsplit,
                    ignored)


def _summary(data: Dict, out, phase: int, num_videos: int,
             skipped: List[str], unsplit: List[str],
             ignored: List[str]) -> Dict:
    annos = data['annotations']
    return dict(
        out=os.fspath(out),
        phase=phase,
        num_videos=num_videos,
        num_annotations=len(annos),
        **pickle_stats(data, parse_pkummd),
        two_person=sum(a['keypoint'].shape[0] == 2 for a in annos),
        labels=dict(sorted(Counter(a['label'] for a in annos).items())),
        unsplit=unsplit,
        ignored=ignored,
        skipped=skipped)


def format_pkummd_summary(summary: Dict, limit: Optional[int] = 20) -> str:
    """A few human-readable lines for the command-line tool."""
    s = summary
    lines = [
        f"wrote {s['out']}: PKU-MMD phase {s['phase']}, "
        f"{s['num_annotations']} clips ({s['two_person']} with 2 bodies) "
        f"of {s['num_recordings']} intervals from {s['num_videos']} videos",
        splits_line(s),
        '  labels: ' + ', '.join(f'{k}: {n}' for k, n in s['labels'].items()),
        frames_line(s),
    ]
    for key, what in (('unsplit', 'videos in no split list'),
                      ('ignored', 'files with non-video names ignored'),
                      ('skipped', 'problems skipped')):
        items = s[key]
        if items:
            lines.append(f'  {len(items)} {what}:')
            shown = items if limit is None else items[:limit]
            lines += [f'    {m}' for m in shown]
            if len(shown) < len(items):
                lines.append(f'    ... {len(items) - len(shown)} more')
    return '\n'.join(lines)
