# CPU preset of synthetic_xview: 32-frame clips, no worker processes
# (workers do not help on 2 cores).
_base_ = './synthetic_xview.py'
clip_len = 32

# Every pipeline: normalise, features, a sampler, decode, format; only the
# sampler differs.
head = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=['j'])
]
tail = [dict(type='PoseDecode'), dict(type='FormatGCNInput', num_person=2)]
pack = dict(type='PackActionInputs')
pack_test = dict(type='PackActionInputs', meta_keys=('frame_dir', ))

train_pipeline = head + [
    dict(type='UniformSampleFrames', clip_len=clip_len)
] + tail + [pack]
val_pipeline = head + [
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=1,
        test_mode=True)
] + tail + [pack_test]
# Test: scores averaged over 10 clips per sequence (mmaction2's skeleton
# convention, as in ntu_skeleton_3d and nwucla_xview); validation keeps one
# clip for speed.
test_pipeline = head + [
    dict(
        type='UniformSampleFrames', clip_len=clip_len, num_clips=10,
        test_mode=True)
] + tail + [pack_test]
mv_train_pipeline = head + [
    dict(type='SyncUniformSampleFrames', clip_len=clip_len)
] + tail + [pack]
mv_test_pipeline = head + [
    dict(type='SyncUniformSampleFrames', clip_len=clip_len, test_mode=True)
] + tail + [pack]

loader = dict(num_workers=0, persistent_workers=False)
train_dataloader = dict(**loader, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(**loader, dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(**loader, dataset=dict(pipeline=test_pipeline))
mv_train_dataloader = dict(**loader, dataset=dict(pipeline=mv_train_pipeline))
mv_test_dataloader = dict(**loader, dataset=dict(pipeline=mv_test_pipeline))
