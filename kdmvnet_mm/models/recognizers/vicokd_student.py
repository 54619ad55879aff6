"""ViCoKD student: fewer modalities, a cross-modal adapter for the rest."""
from typing import Dict, Optional, Sequence

from mmaction.registry import MODELS
from torch import Tensor, nn

from .vicokd_teacher import ViCoKDTeacher


@MODELS.register_module()
class ViCoKDStudent(ViCoKDTeacher):
    """The teacher's architecture on fewer modalities (DESIGN.md §4).

    ``modalities`` are the ones the student has (e.g. joints only);
    ``missing`` the teacher's others (e.g. ``('b', )``). With ``adapter``,
    one :class:`CrossModalAdapter` per missing modality b maps the
    available tokens to ``x̂_b`` (``adapted``), and the cross-modal blocks
    run over available and adapted tokens exactly as the teacher's run over
    real ones: ``x_j ← Block_j(x_j, x̂_b)``, ``x̂_b ← Block_b(x̂_b, x_j)``,
    ``z_v = mean_a mean_t x_a`` over all of them. Without an adapter
    (``adapter=None``, the ablation) there is no stand-in for b: the blocks
    run over the available modalities only (one modality: attention within
    it), so the student keeps its depth but gets no cross-modal path.

    At test time the student runs alone, usually on one view
    (``[N, nc, M, T, J, C]`` from mmaction2's ``PoseDataset``); the input
    may carry the teacher's channels too, the student slices its own.

    Args:
        missing: names of the teacher's modalities the student lacks.
        adapter: :class:`CrossModalAdapter` config (``embed_dims`` is
            filled in), or None.
        Other args: see :class:`ViCoKDTeacher`.
    """

    def __init__(self,
                 *args,
                 missing: Sequence[str] = (),
                 adapter: Optional[Dict] = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.missing = tuple(missing)
        clash = set(self.missing) & set(self.modalities)
        if clash:
            raise ValueError(f'missing modalities {sorted(clash)} are also '
                             'in modalities')
        if adapter is not None and not self.missing:
            raise ValueError('an adapter needs the missing modalities it '
                             'stands in for (missing=...)')
        self.adapters = None
        if adapter is not None:
            self.adapters = nn.ModuleDict({
                m: MODELS.build(dict(adapter, embed_dims=self.embed_dims))
                for m in self.missing
            })
            self.blocks = self._build_blocks(
                list(self.modalities) + list(self.missing))

    def view_tokens(self, x: Dict[str, Tensor]) -> Dict[str, Tensor]:
        toks = self.tokens(x)
        if self.adapters is not None:
            avail = [toks[m] for m in self.modalities]
            for m in self.missing:
                toks[m] = self.adapters[m](avail)
        return toks

    def adapted(self, tokens: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """The adapted tokens ``{b: x̂_b}`` among ``extract_views``'s."""
        if self.adapters is None:
            return {}
        return {m: tokens[m] for m in self.missing}
