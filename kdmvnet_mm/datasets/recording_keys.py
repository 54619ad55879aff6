"""Recording-key parsers: sample name -> (recording key, view, fields).

A *recording* is one performance filmed by several synchronised cameras; each
camera's sequence is a *view* (../shared/DESIGN.md §1). Parsers are looked up
by name in :data:`KEY_PARSERS`; add one with :func:`register_key_parser`.
"""
import os.path as osp
import re
from typing import Callable, Dict, NamedTuple


class RecordingKey(NamedTuple):
    """What a sample name says about its recording."""
    recording: str  # the name without its view part
    view: int  # camera / view id, 1-based as in the dataset's naming
    subject: int  # performer id
    setup: int  # setup (NTU), episode (N-UCLA); 0 where the name has none
    action: int  # 1-based action id in the name


class KeyParseError(ValueError):
    """A sample name does not follow the dataset's naming scheme."""


_NTU = re.compile(r'^S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})$')
_NWUCLA = re.compile(r'^a(\d{2})_s(\d{2})_e(\d{2})_v(\d{2})$')
_PKU = re.compile(r'^(\d{4})-([LMR])(?:_(\d+))?$')
_PKU_VIEWS = {'L': 1, 'M': 2, 'R': 3}


def _stem(name: str) -> str:
    return osp.basename(str(name))


def parse_ntu(name: str) -> RecordingKey:
    """``S001C002P003R002A013`` -> recording ``S001P003R002A013``, view 2."""
    m = _NTU.match(_stem(name))
    if m is None:
        raise KeyParseError(
            f'sample name {name!r} is not NTU SsssCcccPpppRrrrAaaa')
    s, c, p, r, a = (int(g) for g in m.groups())
    rec = f'S{s:03d}P{p:03d}R{r:03d}A{a:03d}'
    return RecordingKey(rec, c, p, s, a)


def parse_nwucla(name: str) -> RecordingKey:
    """``a01_s01_e00_v01`` -> recording ``a01_s01_e00``, view 1."""
    m = _NWUCLA.match(_stem(name))
    if m is None:
        raise KeyParseError(
            f'sample name {name!r} is not N-UCLA aAA_sSS_eEE_vVV')
    a, s, e, v = (int(g) for g in m.groups())
    return RecordingKey(f'a{a:02d}_s{s:02d}_e{e:02d}', v, s, e, a)


def parse_pkummd(name: str) -> RecordingKey:
    """``0291-L`` or a clip ``0291-L_07`` -> recording ``0291`` / ``0291_07``.

    The view letter L/M/R maps to 1/2/3. Clips cut from one labelled
    interval carry the interval index after ``_`` in every view, so the
    three views of one interval share a recording key. Subject, setup and
    action are not in the name (0); they come from the label files.
    """
    m = _PKU.match(_stem(name))
    if m is None:
        raise KeyParseError(
            f'sample name {name!r} is not PKU-MMD NNNN-L/M/R[_k]')
    seq, view, clip = m.groups()
    rec = seq if clip is None else f'{seq}_{int(clip):02d}'
    return RecordingKey(rec, _PKU_VIEWS[view], 0, 0, 0)


KEY_PARSERS: Dict[str, Callable[[str], RecordingKey]] = dict(
    ntu=parse_ntu, nwucla=parse_nwucla, pkummd=parse_pkummd)


def register_key_parser(name: str, fn: Callable[[str], RecordingKey]):
    """Make ``fn`` available as ``key_parser=name`` in dataset configs."""
    KEY_PARSERS[name] = fn
    return fn


def get_key_parser(name_or_fn) -> Callable[[str], RecordingKey]:
    if callable(name_or_fn):
        return name_or_fn
    if name_or_fn not in KEY_PARSERS:
        raise KeyError(f'unknown key_parser {name_or_fn!r}; '
                       f'known: {sorted(KEY_PARSERS)}')
    return KEY_PARSERS[name_or_fn]
