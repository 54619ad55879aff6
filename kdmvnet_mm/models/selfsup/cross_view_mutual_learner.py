"""MMCV: multi-mode cross-view mutual learning, self-supervised."""
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel, ExponentialMovingAverage
from torch import Tensor, nn

from mmaction.registry import MODELS
from ..backbones.stream_utils import check_streams, select_stream
from .momentum_queue_utils import ProjectedEncoder, enqueue_, gather_batch


@MODELS.register_module()
class CrossViewMutualLearner(BaseModel):
    """Self-supervised pretraining of MMCV (Xie, Gong, Zou 2025; DESIGN.md
    §5), which builds on CMD.

    The "views" are skeleton modalities, ``streams`` (joint, motion, bone),
    stacked on the channel axis of the input. A training item holds two
    temporal crops of one sample, ``inputs [N, 2, M, T, V, 3·S]``
    (:class:`TemporalCropResize` with ``num_crops=2``). Per stream ``m``:

    - a query encoder ``f^q_m`` (trained) embeds crop 1: ``q_m``;
    - two momentum encoders embed crop 2: ``k_m`` with ``θ_k ← μ_k θ_k +
      (1 − μ_k) θ_q``, ``μ_k = momenta[0]`` (0.999), and ``p_m`` with
      ``μ_p = momenta[1]`` (0.995); both are updated (mmengine's
      ``ExponentialMovingAverage``, mmengine momentum ``1 − μ``) before
      they embed, as in MoCo;
    - two queues ``Q^k_m, Q^p_m [K, D]`` of past ``k_m`` / ``p_m``.

    Every encoder is ``normalize(fc(pool(backbone(x))))``
    (:class:`ProjectedEncoder`), the backbone a config choice: ``BIGRU`` or
    an mmaction2 GCN backbone such as ``STGCN``. The loss is
    ``cvcl_loss`` (:class:`CVCLLoss`) + ``cvkd_loss`` (:class:`CVKDLoss`),
    ``1.0·CVCL + 0.25·CVKD``, on copies of the queues taken before this
    batch is enqueued. Then the keys of the batch, gathered over all
    processes in rank order (:func:`gather_batch`), are written into all
    ``2·S`` queues at the same rows, ring-buffer style, with one shared
    pointer: row ``r`` is the same sample in every queue, which CVKD's
    cross-queue gathering needs. Queues start as random unit vectors.

    Linear evaluation loads ``encoder_q.<stream>.backbone.*`` into a
    :class:`PooledStreamEncoder`.

    Args:
        backbone: the encoder backbone config (one copy per stream and
            encoder).
        feat_dim: channels of the pooled backbone output.
        embed_dim: ``D`` (128).
        mlp: a 2-layer projection instead of one fc.
        streams: the input streams, in channel order.
        momenta: ``(μ_k, μ_p)``.
        queue_size: ``K``.
        cvcl_loss / cvkd_loss: loss configs; cvkd_loss may be None.
    """

    def __init__(self,
                 backbone: Dict,
                 feat_dim: int,
                 embed_dim: int = 128,
                 mlp: bool = False,
                 streams: Sequence[str] = ('joint', 'motion', 'bone'),
                 momenta: Sequence[float] = (0.999, 0.995),
                 queue_size: int = 16384,
                 cvcl_loss: Dict = dict(type='CVCLLoss'),
                 cvkd_loss: Optional[Dict] = dict(type='CVKDLoss'),
                 data_preprocessor: Optional[Dict] = dict(
                     type='ActionDataPreprocessor'),
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.streams = check_streams(streams)
        if len(momenta) != 2 or not all(0.0 <= m < 1.0 for m in momenta):
            raise ValueError('momenta: expected two values in [0, 1) for '
                             f'the k and p encoders, got {momenta!r}')
        if queue_size < 1:
            raise ValueError(f'queue_size must be >= 1, got {queue_size}')
        self.momenta = tuple(float(m) for m in momenta)
        self.queue_size = queue_size
        self.cvcl_loss = MODELS.build(cvcl_loss)
        self.cvkd_loss = MODELS.build(cvkd_loss) if cvkd_loss else None
        if self.cvkd_loss is not None and self.cvkd_loss.topk > queue_size:
            raise ValueError(
                f'cvkd_loss.topk ({self.cvkd_loss.topk}) must not exceed '
                f'queue_size ({queue_size})')

        def encoder():
            return ProjectedEncoder(backbone, feat_dim, embed_dim, mlp)

        self.encoder_q = nn.ModuleDict(
            {s: encoder()
             for s in self.streams})
        # momentum encoders start as copies of the query encoders
        self.encoder_k = nn.ModuleDict({
            s: ExponentialMovingAverage(
                self.encoder_q[s], momentum=1.0 - self.momenta[0])
            for s in self.streams
        })
        self.encoder_p = nn.ModuleDict({
            s: ExponentialMovingAverage(
                self.encoder_q[s], momentum=1.0 - self.momenta[1])
            for s in self.streams
        })
        for s in self.streams:
            for kind in ('k', 'p'):
                self.register_buffer(
                    f'queue_{kind}_{s}',
                    F.normalize(torch.randn(queue_size, embed_dim), dim=1))
        self.register_buffer('queue_ptr', torch.zeros(1, dtype=torch.long))

    # ---------------------------------------------------------- queues
    def queue(self, kind: str, stream: str) -> Tensor:
        """``Q^kind_stream [K, D]`` (``kind`` ``'k'`` or ``'p'``)."""
        return getattr(self, f'queue_{kind}_{stream}')

    @torch.no_grad()
    def enqueue(self, k: Dict[str, Tensor], p: Dict[str, Tensor]) -> None:
        """Gather the batch's keys over the processes and write them into
        every queue at the same rows."""
        queues, keys = [], []
        for s in self.streams:
            queues += [self.queue('k', s), self.queue('p', s)]
            keys += [gather_batch(k[s]), gather_batch(p[s])]
        enqueue_(queues, keys, self.queue_ptr)

    @torch.no_grad()
    def momentum_update(self) -> None:
        """``θ ← μ θ + (1 − μ) θ_q`` for both momentum encoders."""
        for s in self.streams:
            self.encoder_k[s].update_parameters(self.encoder_q[s])
            self.encoder_p[s].update_parameters(self.encoder_q[s])

    # ---------------------------------------------------------- forward
    def _crops(self, inputs: Tensor):
        if inputs.dim() != 6 or inputs.shape[1] != 2:
            raise ValueError(
                'inputs must be [N, 2, M, T, V, C] (two crops per sample, '
                'TemporalCropResize with num_crops=2), got '
                f'{tuple(inputs.shape)}')
        return inputs[:, 0], inputs[:, 1]

    def embed(self, x: Tensor) -> Dict[str, Tensor]:
        """Query embeddings ``q_m [N, D]`` of clips ``x [N, M, T, V, C]``."""
        return {
            s: self.encoder_q[s](select_stream(x, s, self.streams))
            for s in self.streams
        }

    def loss(self, inputs: Tensor, data_samples=None) -> Dict[str, Tensor]:
        x1, x2 = self._crops(inputs)
        q = self.embed(x1)
        with torch.no_grad():
            self.momentum_update()
            k, p = {}, {}
            for s in self.streams:
                x = select_stream(x2, s, self.streams)
                k[s] = self.encoder_k[s](x)
                p[s] = self.encoder_p[s](x)
        # copies: the enqueue below writes the buffers in place
        queue_k = {s: self.queue('k', s).clone() for s in self.streams}
        queue_p = {s: self.queue('p', s).clone() for s in self.streams}
        losses = dict(self.cvcl_loss(q, k, p, queue_k, queue_p))
        if self.cvkd_loss is not None:
            losses.update(self.cvkd_loss(q, k, p, queue_k, queue_p))
        self.enqueue(k, p)
        return losses

    def forward(self, inputs: Tensor, data_samples=None,
                mode: str = 'tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'tensor':
            x = inputs[:, 0] if inputs.dim() == 6 else inputs
            return self.embed(x)
        if mode == 'predict':
            raise RuntimeError(
                'CrossViewMutualLearner is self-supervised and has no class '
                'predictions: evaluate it with a linear-evaluation config '
                '(configs/mmcv_ssl/linear_*.py)')
        raise RuntimeError(f'Invalid mode "{mode}"')
