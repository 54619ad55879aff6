from .prototype_hook import PrototypeHook  # noqa: F401
from .rng_state_hook import RNGStateHook  # noqa: F401
