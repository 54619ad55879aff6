"""kdmvnet_mm: cross-view knowledge distillation for MMAction2.

Importing the package repairs the pinned stack (:mod:`kdmvnet_mm.compat`)
and registers every dataset, transform, model, hook and metric into
mmaction2's registries, so configs only need
``custom_imports = dict(imports=['kdmvnet_mm'])``.
"""
from . import compat  # noqa: F401  (must run before mmaction.models)
from . import datasets, engine, evaluation, models  # noqa: F401,E402
from . import apis, visualization  # noqa: F401,E402

__version__ = '0.1.0'
