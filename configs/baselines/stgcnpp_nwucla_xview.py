# mmaction2's own single-view ST-GCN++ on N-UCLA: train v01+v02, test v03.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/stgcnpp.py',
    '../_base_/datasets/nwucla_xview.py',
    '../_base_/schedules/sgd_warmup_cosine_200e.py'
]

model = dict(
    backbone=dict(graph_cfg=dict(layout='nw-ucla')),
    cls_head=dict(num_classes=10))
