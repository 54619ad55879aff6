# mmaction2's ST-GCN++ (RecognizerGCN + STGCN with the ++ options).
backbone = dict(
    type='STGCN',
    gcn_adaptive='init',
    gcn_with_res=True,
    tcn_type='mstcn',
    graph_cfg=dict(layout='nturgb+d', mode='spatial'))
model = dict(
    type='RecognizerGCN',
    backbone=backbone,
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=256))
