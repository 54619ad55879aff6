# ViCoKD teacher (DESIGN.md §4): one mmaction2 ST-GCN++ per skeleton stream
# (joint, bone; separate weights), frame tokens of width D, L cross-modal
# attention layers (queries from one stream, keys/values from the other),
# masked mean over the views, classifier. The streams come as channel
# ranges of GenSkeFeat(feats=['j', 'b']) inputs.
_base_ = './stgcnpp.py'
embed_dims = 256
modalities = dict(j=(0, 3), b=(3, 6))
cross_attn = dict(num_heads=8, ffn_ratio=2.0, dropout=0.1)
cls_head = dict(
    type='EmbeddingClsHead', num_classes=60, in_channels=embed_dims,
    dropout=0.5)
model = dict(
    _delete_=True,
    type='ViCoKDTeacher',
    backbone={{_base_.backbone}},
    modalities=modalities,
    embed_dims=embed_dims,
    num_layers=2,
    cross_attn=cross_attn,
    example_input=(2, 16, 25),
    cls_head=cls_head)
