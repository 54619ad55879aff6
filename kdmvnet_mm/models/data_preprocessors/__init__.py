from .modality_data_preprocessor import ModalityDataPreprocessor

__all__ = ['ModalityDataPreprocessor']
