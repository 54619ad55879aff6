# stgcnpp_synthetic_xview_cpu for 24 epochs, validation every 6: the
# baseline of the 24-epoch teacher → student study (README), trained as
# long as the student it is compared with.
_base_ = './stgcnpp_synthetic_xview_cpu.py'
train_cfg = dict(max_epochs=24, val_interval=6)
param_scheduler = [
    dict(type='CosineAnnealingLR', eta_min=0, T_max=24, by_epoch=True,
         convert_to_iter_based=True)
]
