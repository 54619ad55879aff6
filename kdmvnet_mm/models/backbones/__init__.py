from .bigru import BIGRU  # noqa: F401
from .pooled_stream_encoder import PooledStreamEncoder  # noqa: F401
