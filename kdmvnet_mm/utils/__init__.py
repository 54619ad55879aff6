from .io import atomic_write, dump_pickle_atomic

__all__ = ['atomic_write', 'dump_pickle_atomic']
