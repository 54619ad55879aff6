# mmaction2's own single-view ST-GCN++ on synthetic multi-view data:
# trained on cameras 2+3, tested on camera 1.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/stgcnpp.py',
    '../_base_/datasets/synthetic_xview.py',
    '../_base_/schedules/sgd_cosine_16e.py'
]

model = dict(cls_head=dict(num_classes=20))
