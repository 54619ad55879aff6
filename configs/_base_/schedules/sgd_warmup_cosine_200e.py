# Long N-UCLA schedule: the set has ~1k training clips (64 iterations per
# epoch at batch 16), so 200 epochs ≈ 13k iterations, near CTR-GCN's 65
# epochs over a 5× repeated set; 5 warm-up epochs as in CTR-GCN.
_base_ = './sgd_cosine_16e.py'
train_cfg = dict(max_epochs=200, val_interval=10)
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=0, T_max=195, by_epoch=True,
         begin=5, end=200, convert_to_iter_based=True)
]
