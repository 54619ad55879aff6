"""The result a finished run leaves in its work dir, and when a later call
may read it back instead of training again (``seeds.py``, the N-UCLA
recipe's ``--reuse``)."""
import json
from typing import Dict, Optional

from mmengine.config import Config

from kdmvnet_mm.utils import atomic_write
from .experiment import config_digest


def write_run_result(path: str, digest: str, result: Dict,
                     **stamps) -> Dict:
    """Write ``result`` to ``path`` (JSON, atomically) with ``digest``, the
    :func:`config_digest` of the config taken before it trained, and the
    ``stamps`` that must match for it to be reused (a seed, a teacher
    checkpoint ...). Returns what was written."""
    out = dict(result, config_sha1=digest, **stamps)
    with atomic_write(path, 'w') as f:
        json.dump(out, f, indent=1)
    return out


def read_run_result(path: str, cfg: Config, strict: bool = False,
                    **stamps) -> Optional[Dict]:
    """The result at ``path`` if it was written for this very ``cfg`` and
    these ``stamps``; else None, or with ``strict`` a ``ValueError`` naming
    the file and the field that differs. A missing file is None either way;
    an unreadable one is None, or the error with ``strict``."""
    try:
        with open(path) as f:
            res = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        if strict:
            raise ValueError(f'{path}: not a readable run result ({e})')
        return None
    # the stamps first: they say more to a reader than a digest does
    want = dict(stamps, config_sha1=config_digest(cfg))
    for key, value in want.items():
        if res.get(key) != value:
            if strict:
                raise ValueError(
                    f'{path}: field {key} is {res.get(key)!r}, but this run '
                    f'has {value!r}; use another --work-dir or delete the '
                    'file')
            return None
    return res
