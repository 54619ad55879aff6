from .cmmvl_distiller import CMMVLDistiller
from .kdmvnet_distiller import KDMVNetDistiller

__all__ = ['CMMVLDistiller', 'KDMVNetDistiller']
