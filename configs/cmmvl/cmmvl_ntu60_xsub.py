# CMMVL on NTU60 xsub (DESIGN.md §3): mmaction2's PoseC3D teacher
# (posec3d_teacher_ntu60_xsub.py, trained first, then frozen) distilled into
# RGB SlowOnly-R50 students, one per camera, shared weights; the main
# student is tested alone on RGB. Written for 8 GPUs x 4 recordings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/ntu_rgbpose.py',
    '../_base_/schedules/sgd_cosine_16e.py'
]

ann_file = 'data/skeleton/ntu60_2d.pkl'
num_classes = 60
rgb = dict(
    type='ActionDataPreprocessor', mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375], format_shape='NCTHW')
student = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3dSlowOnly', depth=50, pretrained=None, lateral=False,
        conv1_kernel=(1, 7, 7), conv1_stride_t=1, pool1_stride_t=1,
        inflate=(0, 0, 1, 1), norm_eval=False),
    cls_head=dict(
        type='I3DHead', in_channels=2048, num_classes=num_classes,
        dropout_ratio=0.5, average_clips='prob'),
    data_preprocessor=rgb)
model = dict(
    type='CMMVLDistiller',
    student=student,
    teacher='configs/cmmvl/posec3d_teacher_ntu60_xsub.py',
    teacher_ckpt='work_dirs/posec3d_teacher_ntu60_xsub',
    logit_loss=dict(type='SoftTargetKLLoss', temperature=2.0),
    cl_loss=dict(type='CrossViewSimSiamLoss', in_channels=2048,
                 loss_weight=0.005),
    pseudo_weight=1.0,
    main_view='random',
    data_preprocessor=dict(
        type='ModalityDataPreprocessor',
        preprocessors=dict(
            imgs=rgb, heatmap_imgs=dict(type='ActionDataPreprocessor'))))
train_dataloader = dict(
    dataset=dict(ann_file=ann_file, split='xsub_train',
                 num_classes=num_classes))
val_dataloader = dict(dataset=dict(ann_file=ann_file, split='xsub_val'))
test_dataloader = val_dataloader
optim_wrapper = dict(
    optimizer=dict(lr=0.01, weight_decay=0.0001), clip_grad=dict(max_norm=40))
