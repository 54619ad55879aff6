from .viewwise_acc_metric import ViewwiseAccMetric

__all__ = ['ViewwiseAccMetric']
