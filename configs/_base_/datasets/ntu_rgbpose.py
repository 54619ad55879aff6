# NTU RGB+D for CMMVL: mmaction2's 2D skeleton pickles (ntu60_2d.pkl /
# ntu120_2d.pkl, HRNet COCO-17 keypoints) and the RGB videos
# <video_root>/SsssCcccPpppRrrrAaaa_rgb.avi. Protocol files set ann_file,
# splits, views and classes. One clip of 32 frames for both modalities
# (same frames): RGB at 224 x 224, heatmaps at 56 x 56 (scaling 0.25).
# train: the views of each recording (CMMVL students); val / test: the
# student's RGB of one view.
video_root = 'data/nturgbd_videos'
clip_len = 32
left_kp = [1, 3, 5, 7, 9, 11, 13, 15]
right_kp = [2, 4, 6, 8, 10, 12, 14, 16]
heatmap = dict(
    type='GeneratePoseTarget', sigma=0.6, use_score=True, with_kp=True,
    with_limb=False, scaling=0.25)
to_video = dict(type='FrameDirToFilename', prefix=video_root)
mv_train_pipeline = [
    to_video,
    dict(type='OpenCVInit'),
    dict(
        type='SyncUniformSampleFrames', clip_len=clip_len,
        modalities=('RGB', 'Pose')),
    dict(type='OpenCVDecode'),
    dict(type='PoseDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='RandomResizedCrop', area_range=(0.56, 1.0)),
    dict(type='Resize', scale=(224, 224), keep_ratio=False), heatmap,
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', collect_keys=('imgs', 'heatmap_imgs'))
]
rgb_test_pipeline = [
    to_video,
    dict(type='OpenCVInit'),
    dict(type='UniformSampleFrames', clip_len=clip_len, num_clips=2,
         test_mode=True),
    dict(type='OpenCVDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))
]
loader = dict(num_workers=4, persistent_workers=True)
train_dataloader = dict(
    batch_size=4, **loader, sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='MultiViewPoseDataset', pipeline=mv_train_pipeline,
        key_parser='ntu'))
val_dataloader = dict(
    batch_size=4, **loader, sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='PoseDataset', pipeline=rgb_test_pipeline,
                 test_mode=True))
test_dataloader = val_dataloader
val_evaluator = [dict(type='AccMetric'), dict(type='ViewwiseAccMetric')]
test_evaluator = val_evaluator
