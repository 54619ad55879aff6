from . import (backbones, distillers, heads, losses, necks,  # noqa: F401
               recognizers, utils)
