from .egssm import EGSSM  # noqa: F401
