# CPU preset of nwucla_xview: no worker processes (they do not help on 2 cores).
_base_ = './nwucla_xview.py'
loader = dict(num_workers=0, persistent_workers=False)
train_dataloader = dict(**loader)
val_dataloader = dict(**loader)
test_dataloader = dict(**loader)
mv_train_dataloader = dict(**loader)
mv_test_dataloader = dict(**loader)
