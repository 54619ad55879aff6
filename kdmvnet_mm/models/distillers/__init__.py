from .kdmvnet_distiller import KDMVNetDistiller

__all__ = ['KDMVNetDistiller']
