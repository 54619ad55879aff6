from .multiview_recognizer import MultiViewRecognizer

__all__ = ['MultiViewRecognizer']
