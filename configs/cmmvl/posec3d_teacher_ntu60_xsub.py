# CMMVL teacher, NTU60 xsub: mmaction2's PoseC3D exactly (train it with this
# config, or use mmaction2's released checkpoint of that config).
_base_ = 'mmaction::skeleton/posec3d/slowonly_r50_8xb16-u48-240e_ntu60-xsub-keypoint.py'
