"""One skeleton stream through a (pretrained, frozen) encoder, pooled."""
import os.path as osp
from typing import Dict, Optional, Sequence

from mmengine.logging import MMLogger
from mmengine.model import BaseModule
from mmengine.runner.checkpoint import _load_checkpoint
from torch import Tensor

from mmaction.registry import MODELS
from ..distillers.teacher_utils import resolve_checkpoint
from .stream_utils import check_streams, pool_features, select_stream


@MODELS.register_module()
class PooledStreamEncoder(BaseModule):
    """The backbone of MMCV's linear evaluation (DESIGN.md §5).

    From a clip ``x [N, M, T, V, 3·S]`` that stacks the ``streams`` on the
    channel axis (``GenSkeFeat(feats=['j', 'jm', 'b'])``) it takes the
    channels of ``stream``, runs ``encoder`` and pools its output
    (:func:`pool_features`) to ``f [N, D]``, returned as
    ``[N, 1, D, 1, 1]`` so mmaction2's ``GCNHead`` (pool, then a fresh
    ``fc``) classifies it inside ``RecognizerGCN``.

    ``checkpoint`` (a file, or a work dir whose ``last_checkpoint`` names
    one) is loaded when the model is built: the keys ``prefix + name`` of
    its ``state_dict`` must match ``encoder`` exactly, otherwise a
    ValueError names the file and the missing / unexpected keys. The
    default prefix is the query encoder of the stream in a
    :class:`CrossViewMutualLearner` checkpoint,
    ``encoder_q.<stream>.backbone.``. ``checkpoint=None`` keeps the random
    initialisation (the baseline of the linear-evaluation protocol).
    With ``frozen`` the encoder gets no gradients and stays in eval mode.

    Args:
        encoder: backbone config (``BIGRU`` or an mmaction2 GCN backbone).
        stream: ``'joint'``, ``'motion'`` or ``'bone'``.
        streams: the streams stacked in the input, in order.
        checkpoint: pretraining checkpoint or work dir, or None.
        prefix: key prefix in the checkpoint; None for the default.
        frozen: freeze the encoder.
    """

    def __init__(self,
                 encoder: Dict,
                 stream: str = 'joint',
                 streams: Sequence[str] = ('joint', 'motion', 'bone'),
                 checkpoint: Optional[str] = None,
                 prefix: Optional[str] = None,
                 frozen: bool = True,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.streams = check_streams(streams)
        check_streams([stream], 'stream')
        if stream not in self.streams:
            raise ValueError(f'stream: {stream!r} is not one of streams '
                             f'{list(self.streams)}')
        self.stream = stream
        self.frozen = frozen
        self.encoder = MODELS.build(encoder)
        self.prefix = prefix if prefix is not None \
            else f'encoder_q.{stream}.backbone.'
        self.checkpoint = checkpoint
        if checkpoint is not None:
            self._load(checkpoint)
            # the Runner's init_weights must not overwrite it
            self._is_init = True
            MMLogger.get_current_instance().info(
                f'PooledStreamEncoder: {stream} encoder loaded from '
                f'{checkpoint} ({self.prefix}*)')
        if frozen:
            self.encoder.requires_grad_(False)
            self.encoder.eval()

    def _load(self, checkpoint: str) -> None:
        """Load ``prefix``-keys of ``checkpoint`` into the encoder, strictly;
        errors name the file and the keys."""
        path = resolve_checkpoint(checkpoint, 'pretrained encoder')
        if not path or not osp.isfile(path):
            raise FileNotFoundError(
                f'pretrained encoder checkpoint {path} not found')
        ckpt = _load_checkpoint(path, map_location='cpu')
        state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) \
            else None
        if not isinstance(state, dict):
            raise ValueError(f'{path}: field state_dict: not a state dict')
        state = {(k[7:] if k.startswith('module.') else k): v
                 for k, v in state.items()}
        own = {k[len(self.prefix):]: v for k, v in state.items()
               if k.startswith(self.prefix)}
        if not own:
            roots = sorted({k.split('.')[0] for k in state})
            raise ValueError(
                f'pretrained encoder checkpoint {path}: no keys '
                f'{self.prefix}* (the {self.stream} encoder); its '
                f'state_dict has top-level keys {roots[:10]}')
        want = self.encoder.state_dict()
        missing = sorted(set(want) - set(own))
        unexpected = sorted(set(own) - set(want))
        shape = sorted(k for k in set(want) & set(own)
                       if want[k].shape != own[k].shape)
        if missing or unexpected or shape:
            raise ValueError(
                f'pretrained encoder checkpoint {path}: keys {self.prefix}* '
                f'do not match the encoder config: missing {missing[:8]}, '
                f'unexpected {unexpected[:8]}, shape mismatch {shape[:8]}')
        self.encoder.load_state_dict(own, strict=True)

    def train(self, mode: bool = True):
        super().train(mode)
        if self.frozen:
            self.encoder.eval()  # BN statistics and dropout stay frozen
        return self

    def forward(self, x: Tensor) -> Tensor:
        x = select_stream(x, self.stream, self.streams)
        f = pool_features(self.encoder(x))
        return f[:, None, :, None, None]
