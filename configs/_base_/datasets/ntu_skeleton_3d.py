# NTU-format 3D skeletons (Kinect v2, 25 joints, <= 2 persons): mmaction2's
# ST-GCN++ pipelines. Protocol files set ann_file, splits, classes, views.
dataset_type = 'PoseDataset'
mv_dataset_type = 'MultiViewPoseDataset'
ann_file = 'data/skeleton/ntu60_3d.pkl'
num_classes = 60
clip_len = 100

train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
        test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
test_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=10,
        test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
# Multi-view training (teacher, student): every view of a recording samples
# the same relative positions.
mv_train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='SyncUniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
mv_test_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j']),
    dict(type='SyncUniformSampleFrames', clip_len=clip_len, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]

loader = dict(num_workers=2, persistent_workers=True)
train_dataloader = dict(
    batch_size=16,
    **loader,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=train_pipeline,
        split='xsub_train'))
val_dataloader = dict(
    batch_size=16,
    **loader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=val_pipeline,
        split='xsub_val',
        test_mode=True))
test_dataloader = dict(
    batch_size=1,
    **loader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        pipeline=test_pipeline,
        split='xsub_val',
        test_mode=True))
mv_train_dataloader = dict(
    batch_size=8,
    **loader,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=mv_dataset_type,
        ann_file=ann_file,
        pipeline=mv_train_pipeline,
        split='xsub_train',
        key_parser='ntu',
        views=None,
        num_joints=25,
        num_classes=num_classes))
# All views of the test recordings, for the teacher's multi-view accuracy.
mv_test_dataloader = dict(
    batch_size=8,
    **loader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=mv_dataset_type,
        ann_file=ann_file,
        pipeline=mv_test_pipeline,
        split='xsub_val',
        key_parser='ntu',
        num_joints=25,
        num_classes=num_classes,
        test_mode=True))

val_evaluator = [dict(type='AccMetric'), dict(type='ViewwiseAccMetric')]
test_evaluator = val_evaluator
