"""File output that never leaves a partial file behind."""
import contextlib
import os
import os.path as osp
import pickle
import tempfile


@contextlib.contextmanager
def atomic_write(path: str, mode: str = 'wb'):
    """Open a temporary file beside ``path``; rename it over ``path`` only
    when the block finishes without an exception, otherwise delete it."""
    path = str(path)
    d = osp.dirname(osp.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix='.' + osp.basename(path) + '.')
    try:
        with os.fdopen(fd, mode) as f:
            yield f
        # mkstemp creates 0600; give the file the usual umask-based mode.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def dump_pickle_atomic(obj, path: str) -> None:
    with atomic_write(path) as f:
        pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
