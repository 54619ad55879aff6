"""tools/analysis/joint_reliability.py: 1 − keypoint_score per camera."""
import pickle

import numpy as np
import pytest

from tools.analysis import joint_reliability as jr


def _anno(name, persons, score_of):
    """``persons`` real persons (plus one all-zero padding person when 1);
    ``score_of(joint)`` gives the score of a joint in every frame."""
    kp = np.ones((2, 4, 25, 3), np.float32)
    if persons == 1:
        kp[1] = 0
    score = np.tile(np.array([score_of(j) for j in range(25)],
                             np.float32), (2, 4, 1))
    return dict(frame_dir=name, label=0, keypoint=kp, keypoint_score=score,
                total_frames=4)


def test_unreliability_per_camera_persons_and_side(tmp_path, capsys):
    left, right = set(jr.LIMBS['left']), set(jr.LIMBS['right'])
    annos = [
        # camera 1, one performer: its left limbs fail half the time
        _anno('S001C001P001R001A001', 1, lambda j: .5 if j in left else 1.),
        # camera 2, two persons: right limbs fail a quarter of the time
        _anno('S001C002P001R001A050', 2, lambda j: .75 if j in right else 1.),
        # held out by the split
        _anno('S001C003P002R001A001', 1, lambda j: 0.),
    ]
    path = tmp_path / 'ann.pkl'
    split = {'xsub_train': [a['frame_dir'] for a in annos[:2]]}
    path.write_bytes(pickle.dumps(dict(split=split, annotations=annos)))
    rows = jr.main([str(path)])
    assert rows[1, 1] == pytest.approx(
        dict(n=1, all=.5 * 10 / 25, left=.5, right=0.))
    assert rows[2, 2] == pytest.approx(
        dict(n=1, all=.25 * 10 / 25, left=0., right=.25))
    assert list(rows) == [(1, 1), (2, 2)]  # camera 3 is not in the split
    assert '| C1 | 1 | 1 | 0.200 | 0.500 | 0.000 |' in capsys.readouterr().out

    with pytest.raises(KeyError, match=r'ann\.pkl: field split has no .x.'):
        jr.unreliability(str(path), 'x')
    del annos[0]['keypoint_score']
    path.write_bytes(pickle.dumps(dict(split=split, annotations=annos)))
    with pytest.raises(KeyError, match=r'ann\.pkl: S001C001P001R001A001 has '
                       'no field keypoint_score'):
        jr.unreliability(str(path), 'xsub_train')
