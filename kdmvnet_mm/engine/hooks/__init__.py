from .prototype_hook import PrototypeHook  # noqa: F401
