# N-UCLA cross-view (tools/data/nwucla_to_pkl.py): train v01+v02, test v03.
# Kinect v1, 20 joints ('nw-ucla' layout), one person.
# Normalisation and augmentation of the N-UCLA literature (CTR-GCN's
# feeder_ucla): centre on the spine (joint 1) of the first frame, random view
# rotation about x and y (±60°) in training, then per-axis min-max to [-1, 1].
_base_ = './ntu_skeleton_3d.py'
ann_file = 'data/nwucla/nwucla.pkl'
num_classes = 10
clip_len = 52

feats = ['j']
norm = dict(type='CentreNormalize3D', centre_joint=1, scale='minmax')
train_aug = [
    dict(type='CentreNormalize3D', centre_joint=1, scale=None),
    dict(type='RandomRot3D', angle_range=((-60, 60), (-60, 60), (0, 0))),
    norm,
    dict(type='GenSkeFeat', dataset='nw-ucla', feats=feats),
]
test_aug = [norm, dict(type='GenSkeFeat', dataset='nw-ucla', feats=feats)]
tail = [
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=1),
]
train_pipeline = train_aug + [
    dict(type='UniformSampleFrames', clip_len=clip_len)
] + tail + [dict(type='PackActionInputs')]
val_pipeline = test_aug + [
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
        test_mode=True)
] + tail + [dict(type='PackActionInputs', meta_keys=('frame_dir', ))]
# Test: scores averaged over 10 clips per sequence (mmaction2's skeleton
# convention, as in ntu_skeleton_3d); validation keeps one clip for speed.
test_pipeline = test_aug + [
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=10,
        test_mode=True)
] + tail + [dict(type='PackActionInputs', meta_keys=('frame_dir', ))]
mv_train_pipeline = train_aug + [
    dict(type='SyncUniformSampleFrames', clip_len=clip_len)
] + tail + [dict(type='PackActionInputs')]
mv_test_pipeline = test_aug + [
    dict(type='SyncUniformSampleFrames', clip_len=clip_len, test_mode=True)
] + tail + [dict(type='PackActionInputs')]
train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file, pipeline=train_pipeline, split='xview_train'))
val_dataloader = dict(
    dataset=dict(ann_file=ann_file, pipeline=val_pipeline, split='xview_val'))
test_dataloader = dict(
    batch_size=16,
    dataset=dict(
        ann_file=ann_file, pipeline=test_pipeline, split='xview_val'))
mv_train_dataloader = dict(
    dataset=dict(
        ann_file=ann_file,
        pipeline=mv_train_pipeline,
        split='xview_train',
        key_parser='nwucla',
        views=[1, 2],
        num_joints=20,
        num_classes=num_classes))
mv_test_dataloader = dict(
    dataset=dict(
        ann_file=ann_file,
        pipeline=mv_test_pipeline,
        split='xview_val',
        key_parser='nwucla',
        views=[3],
        num_joints=20,
        num_classes=num_classes))
val_evaluator = [
    dict(type='AccMetric'),
    dict(type='ViewwiseAccMetric', key_parser='nwucla')
]
test_evaluator = val_evaluator
