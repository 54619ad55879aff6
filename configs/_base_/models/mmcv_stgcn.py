# MMCV with mmaction2's ST-GCN as the encoder instead of the BIGRU.
_base_ = './mmcv_bigru.py'
backbone = dict(
    _delete_=True, type='STGCN',
    graph_cfg=dict(layout='nturgb+d', mode='spatial'))
model = dict(backbone=backbone, feat_dim=256)
