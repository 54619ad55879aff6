from . import (backbones, data_preprocessors, distillers,  # noqa: F401
               heads, losses, necks, recognizers, selfsup, utils)
