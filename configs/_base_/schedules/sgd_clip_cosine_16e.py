# KD-MVNet teacher / student: the ST-GCN++ schedule plus gradient clipping.
# Without clipping the LayerNorm + EG-SSM head does not train at lr 0.1
# (cross-entropy stayed at ln K); AdamW (lr 1e-3 or 3e-3) trained but ended
# 4-5 points lower on the synthetic CPU preset (see README).
_base_ = './sgd_cosine_16e.py'
optim_wrapper = dict(clip_grad=dict(max_norm=1.0))
