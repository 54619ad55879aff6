from typing import Dict

from mmaction.models.data_preprocessors import MultiModalDataPreprocessor
from mmaction.registry import MODELS


@MODELS.register_module()
class ModalityDataPreprocessor(MultiModalDataPreprocessor):
    """mmaction2's ``MultiModalDataPreprocessor`` that also takes a plain
    tensor batch, which it treats as the modality ``single``.

    Training batches of a multi-modal distiller are dicts (``imgs`` and
    ``heatmap_imgs``, one ``ActionDataPreprocessor`` each); its validation
    and test batches are the student's one modality as a tensor, packed by
    the same pipeline a deployed student uses.
    """

    def __init__(self, preprocessors: Dict, single: str = 'imgs') -> None:
        super().__init__(preprocessors)
        if single not in self.preprocessors:
            raise KeyError(f'single={single!r} has no preprocessor (have '
                           f'{sorted(self.preprocessors)})')
        self.single = single

    def forward(self, data: Dict, training: bool = False) -> Dict:
        if isinstance(data['inputs'], dict):
            return super().forward(data, training)
        data = self.cast_data(data)
        inputs, samples = self.preprocessors[self.single].preprocess(
            data['inputs'], data['data_samples'], training)
        return dict(inputs=inputs, data_samples=samples)
