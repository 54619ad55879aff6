# CMMVL (DESIGN.md §3): a frozen skeleton teacher (set teacher /
# teacher_ckpt) distilled into RGB SlowOnly-R50 students, one per camera,
# shared weights; KL(τ = 2) + pseudo-label CE + λ = 0.005 cross-view term.
rgb = dict(
    type='ActionDataPreprocessor', mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375], format_shape='NCTHW')
model = dict(
    type='CMMVLDistiller',
    student=dict(
        type='Recognizer3D',
        backbone=dict(
            type='ResNet3dSlowOnly', depth=50, pretrained=None,
            lateral=False, conv1_kernel=(1, 7, 7), conv1_stride_t=1,
            pool1_stride_t=1, inflate=(0, 0, 1, 1), norm_eval=False),
        cls_head=dict(
            type='I3DHead', in_channels=2048, num_classes=60,
            dropout_ratio=0.5, average_clips='prob'),
        data_preprocessor=rgb),
    teacher=None,
    teacher_ckpt=None,
    logit_loss=dict(type='SoftTargetKLLoss', temperature=2.0),
    cl_loss=dict(
        type='CrossViewSimSiamLoss', in_channels=2048, loss_weight=0.005),
    pseudo_weight=1.0,
    main_view='random',
    data_preprocessor=dict(
        type='ModalityDataPreprocessor',
        preprocessors=dict(
            imgs=rgb, heatmap_imgs=dict(type='ActionDataPreprocessor'))))
