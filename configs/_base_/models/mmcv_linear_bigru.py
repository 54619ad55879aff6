# MMCV linear evaluation (DESIGN.md §5): one stream's pretrained query
# encoder, frozen, under a fresh fc (GCNHead). Pick the stream with
# model.backbone.stream and the pretraining run with
# model.backbone.checkpoint (a checkpoint or its work dir).
encoder = dict(
    type='BIGRU', in_channels=3, num_joints=25, num_person=2,
    hidden_channels=1024, num_layers=3,
    # our addition: the motion stream is ~100x smaller than the joints
    scale_input=True)
model = dict(
    type='RecognizerGCN',
    backbone=dict(
        type='PooledStreamEncoder', encoder=encoder, stream='joint',
        streams=('joint', 'motion', 'bone'), checkpoint=None, frozen=True),
    cls_head=dict(type='GCNHead', num_classes=60, in_channels=2048))
