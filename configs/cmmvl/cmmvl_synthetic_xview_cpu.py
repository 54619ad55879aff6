# CMMVL on the synthetic RGB set (DESIGN.md §3): the PoseC3D teacher of
# posec3d_teacher_synthetic_xview_cpu.py, frozen, distilled into RGB
# students (one per training camera, shared weights); the main student is
# tested alone on the held-out camera's RGB.
_base_ = [
    '../_base_/default_runtime.py',
    '../_base_/datasets/synthetic_rgbpose_xview_cpu.py',
    '../_base_/schedules/sgd_cosine_12e.py'
]

rgb = dict(
    type='ActionDataPreprocessor', mean=[127.5, 127.5, 127.5],
    std=[57.4, 57.4, 57.4], format_shape='NCTHW')
student = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3dSlowOnly', depth=18, pretrained=None, in_channels=3,
        base_channels=16, num_stages=3, out_indices=(2, ),
        stage_blocks=(1, 1, 1), conv1_stride_s=1, pool1_stride_s=1,
        inflate=(0, 1, 1), spatial_strides=(2, 2, 2),
        temporal_strides=(1, 1, 1), dilations=(1, 1, 1)),
    cls_head=dict(
        type='I3DHead', in_channels=64, num_classes=20, dropout_ratio=0.5,
        average_clips='prob'),
    data_preprocessor=rgb)
model = dict(
    type='CMMVLDistiller',
    student=student,
    teacher='configs/cmmvl/posec3d_teacher_synthetic_xview_cpu.py',
    # a checkpoint or the teacher's work dir (its last_checkpoint)
    teacher_ckpt='work_dirs/posec3d_teacher_synthetic_xview_cpu',
    logit_loss=dict(type='SoftTargetKLLoss', temperature=2.0),
    cl_loss=dict(type='CrossViewSimSiamLoss', in_channels=64,
                 loss_weight=0.005),
    pseudo_weight=1.0,
    main_view='random',
    data_preprocessor=dict(
        type='ModalityDataPreprocessor',
        preprocessors=dict(
            imgs=rgb, heatmap_imgs=dict(type='ActionDataPreprocessor'))))
train_dataloader = {{_base_.mv_train_dataloader}}
val_dataloader = {{_base_.rgb_val_dataloader}}
test_dataloader = {{_base_.rgb_val_dataloader}}
optim_wrapper = dict(clip_grad=dict(max_norm=40))
