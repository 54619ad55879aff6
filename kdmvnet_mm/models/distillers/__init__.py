from .cmmvl_distiller import CMMVLDistiller
from .kdmvnet_distiller import KDMVNetDistiller
from .vicokd_distiller import ViCoKDDistiller

__all__ = ['CMMVLDistiller', 'KDMVNetDistiller', 'ViCoKDDistiller']
