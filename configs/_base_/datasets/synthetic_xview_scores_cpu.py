# synthetic_xview_cpu with joint and bone streams and the sensor's joint
# scores (make_synthetic_multiview.py --scores): every item is
# [M, T, 25, 7] = joint xyz, bone xyz, keypoint_score (ViCoKD's
# co-visibility reads channel 6). mmaction2's GenSkeFeat refuses scores on
# 3D NTU data, so it runs inside KeepKeypointScore.
# ml_*: the multi-label variant (make_multilabel_sequences.py on that file).
_base_ = './synthetic_xview_cpu.py'
ann_file = 'data/synthetic/ntu_mv_scores.pkl'
ml_ann_file = 'data/synthetic/ntu_mv_multilabel.pkl'
ske_feats = dict(
    type='KeepKeypointScore',
    transforms=[
        dict(type='PreNormalize3D'),
        dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j', 'b'])
    ])
tail = [dict(type='PoseDecode'), dict(type='FormatGCNInput', num_person=2)]
train_sample = dict(type='UniformSampleFrames', clip_len=32)
val_sample = dict(
    type='UniformSampleFrames', clip_len=32, num_clips=1, test_mode=True)
mv_train_sample = dict(type='SyncUniformSampleFrames', clip_len=32)
mv_test_sample = dict(
    type='SyncUniformSampleFrames', clip_len=32, test_mode=True)
multi_hot = dict(type='MultiHotLabel', num_classes=20)

train_pipeline = [
    ske_feats, train_sample, *tail, dict(type='PackActionInputs')
]
val_pipeline = [
    ske_feats, val_sample, *tail,
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
mv_train_pipeline = [
    ske_feats, mv_train_sample, *tail, dict(type='PackActionInputs')
]
mv_test_pipeline = [
    ske_feats, mv_test_sample, *tail, dict(type='PackActionInputs')
]
ml_val_pipeline = [
    ske_feats, val_sample, *tail, multi_hot,
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
ml_mv_train_pipeline = [
    ske_feats, mv_train_sample, *tail, multi_hot,
    dict(type='PackActionInputs')
]
ml_mv_test_pipeline = [
    ske_feats, mv_test_sample, *tail, multi_hot,
    dict(type='PackActionInputs')
]
ml_evaluator = [dict(type='AccMetric', metric_list=('mean_average_precision',
                                                    ))]

train_dataloader = dict(
    dataset=dict(ann_file=ann_file, pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(ann_file=ann_file, pipeline=val_pipeline))
test_dataloader = dict(
    dataset=dict(ann_file=ann_file, pipeline=val_pipeline))
mv_train_dataloader = dict(
    dataset=dict(ann_file=ann_file, pipeline=mv_train_pipeline))
mv_test_dataloader = dict(
    dataset=dict(ann_file=ann_file, pipeline=mv_test_pipeline))
