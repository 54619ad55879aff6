# mmaction2's single-view ST-GCN++ (joint stream) on pkummd1_xsub.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/stgcnpp.py',
    '../_base_/datasets/pkummd1_xsub.py', '../_base_/schedules/sgd_cosine_16e.py'
]
model = dict(cls_head=dict(num_classes=51))
