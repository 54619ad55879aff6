from .report_plots import (confusion_matrix, plot_confusion,
                           plot_per_view_accuracy)

__all__ = ['confusion_matrix', 'plot_confusion', 'plot_per_view_accuracy']
