from .multiview_recognizer import MultiViewRecognizer
from .vicokd_student import ViCoKDStudent
from .vicokd_teacher import ViCoKDTeacher

__all__ = ['MultiViewRecognizer', 'ViCoKDStudent', 'ViCoKDTeacher']
