# NTU RGB+D 120 cross-setup: train on even setup ids, test on odd.
_base_ = './ntu120_xsub.py'
train_dataloader = dict(dataset=dict(split='xset_train'))
val_dataloader = dict(dataset=dict(split='xset_val'))
test_dataloader = dict(dataset=dict(split='xset_val'))
mv_train_dataloader = dict(dataset=dict(split='xset_train'))
mv_test_dataloader = dict(dataset=dict(split='xset_val'))
