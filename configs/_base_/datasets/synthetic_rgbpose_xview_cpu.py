# Synthetic multi-view set rendered to RGB
# (tools/data/make_synthetic_multiview.py --rgb): per view an MJPG video
# under videos/ and the 2D skeleton in the pickle. xview: train cameras 2+3, test camera 1 (held-out performers).
# 8-frame clips of 32 x 32 pixels; heatmaps of the 25 joints at that size.
data_root = 'data/synthetic_rgb'
ann_file = f'{data_root}/rgbpose.pkl'
data_prefix = dict(video=f'{data_root}/videos')
clip_len = 8
num_classes = 20

heatmap = dict(
    type='GeneratePoseTarget', sigma=0.6, use_score=True, with_kp=True,
    with_limb=False)
# the PoseC3D teacher on one view's heatmaps
pose_train_pipeline = [
    dict(type='UniformSampleFrames', clip_len=clip_len),
    dict(type='PoseDecode'), heatmap,
    dict(type='FormatShape', input_format='NCTHW_Heatmap'),
    dict(type='PackActionInputs')
]
pose_test_pipeline = [
    dict(type='UniformSampleFrames', clip_len=clip_len, test_mode=True),
    dict(type='PoseDecode'), heatmap,
    dict(type='FormatShape', input_format='NCTHW_Heatmap'),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
# RGB and heatmaps of the same frames of every view of a recording
mv_train_pipeline = [
    dict(type='OpenCVInit'),
    dict(
        type='SyncUniformSampleFrames', clip_len=clip_len,
        modalities=('RGB', 'Pose')),
    dict(type='OpenCVDecode'),
    dict(type='PoseDecode'), heatmap,
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', 'heatmap_imgs'))
]
# the student on one view's RGB, as it is deployed
rgb_test_pipeline = [
    dict(type='OpenCVInit'),
    dict(type='UniformSampleFrames', clip_len=clip_len, test_mode=True),
    dict(type='OpenCVDecode'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]

loader = dict(num_workers=0, persistent_workers=False)
pose_dataset = dict(type='PoseDataset', ann_file=ann_file)
pose_train_dataloader = dict(
    batch_size=16, **loader, sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        **pose_dataset, split='xview_train', pipeline=pose_train_pipeline))
pose_val_dataloader = dict(
    batch_size=16, **loader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        **pose_dataset, split='xview_val', pipeline=pose_test_pipeline,
        test_mode=True))
mv_train_dataloader = dict(
    batch_size=8, **loader, sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='MultiViewPoseDataset', ann_file=ann_file,
        data_prefix=data_prefix, split='xview_train', views=[2, 3],
        num_classes=num_classes, pipeline=mv_train_pipeline))
rgb_val_dataloader = dict(
    batch_size=16, **loader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='PoseDataset', ann_file=ann_file, data_prefix=data_prefix,
        split='xview_val', pipeline=rgb_test_pipeline, test_mode=True))
val_evaluator = [dict(type='AccMetric'), dict(type='ViewwiseAccMetric')]
test_evaluator = val_evaluator
