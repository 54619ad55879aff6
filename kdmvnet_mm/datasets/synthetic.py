"""Synthetic multi-view NTU-style 3D skeletons with a controlled view gap.

Output: mmaction2's skeleton pickle dict ::

    {'split': {name: [frame_dir, ...]},
     'annotations': [{'frame_dir': 'S001C002P003R002A013', 'label': 12,
                      'keypoint': float32 [M, T, 25, 3], 'total_frames': T}]}

3D only (no ``keypoint_score`` unless ``scores=True``), NTU naming
``SsssCcccPpppRrrrAaaa`` (``A`` = label + 1, ``C`` = camera), NTU's 25-joint
Kinect v2 layout, M = 1 or 2 persons, T = 40..120 frames.

Geometry. Coordinates are metres in each camera's frame, as Kinect v2
writes them: right-handed, y up, z pointing away from the camera, so x
points to the right of a performer who faces the camera (as in the real NTU
files). mmaction2's ``PreNormalize3D`` later re-centres on joint 1 and
aligns the body axes of person 0 in frame 0, so the camera's rigid pose
alone does not change what a model sees; the views differ by what the
sensor gets wrong from there (below).

Motion. A recording is articulated motion on the NTU kinematic tree
(:data:`PARENTS`, rooted at the base of the spine), computed by forward
kinematics from joint rotations over time, so bone lengths are constant per
performer (:func:`simulate_recording` returns this clean world-frame
skeleton). The 20 actions (:data:`ACTIONS`) include pairs told apart only
by a subtle cue: which hand or leg (mirror pairs), the direction of motion
(circle clockwise / counter-clockwise, step forward / backward, side step
right / left) and a short event inside an otherwise identical slow motion
(a clap or a knee tap lasting 10 % of the sequence at a random time); four
are two-person interactions (M = 2). ``num_classes=K`` keeps the first K
actions of the catalogue, whose order mixes the kinds so that small K still
has a mirror pair, a two-person class and (K >= 5) an event pair.

Performers (ids 1..N) differ in body size and proportions, speed (hence
length), amplitude and style (phases, posture, slow idle motion);
replications R001/R002 vary these slightly; performer p belongs to setup
``(p - 1) % num_setups + 1``; every performer performs every action in every
replication.

Views. Every recording is filmed by three synchronised cameras on a circle
around the performance, at yaw -45 deg (C001), 0 deg (C002) and +45 deg
(C003) as in ../shared/DESIGN.md; seen from above with the performer facing
C002, C001 stands at the performer's right-front and C003 at the
left-front. Each camera is 2.5-4 m away, 0.7-1.2 m high, its yaw jittered by
2 deg and its tilt by a few degrees. The performer faces 25 deg towards C003
(``facing_deg``, jitter ``facing_sigma_deg`` = 6 deg; a two-person pair
turns the same way and faces each other across that line), so the training
cameras C002 and C003 see the body within about 25 deg of frontal, one from
each side, while C001 sees it at about 70 deg with the left side turned
away. This departs from NTU, where the actor turns to camera 2 or 3 between
replications: here no training camera sees the performer that obliquely,
so cross-view transfer is an extrapolation and the view gap stays
measurable (a performer facing C002 exactly, C001 and C003 mirror images,
gave no gap: a model trained with the right side corrupted coped with the
left side corrupted).

Sensor model, per view (Kinect-like, :func:`corrupt_view`): joints hidden
behind a torso (the performer's own or the other person's) from that
camera, and limbs on the far side of a body turned more than
``asin(far_side_threshold)`` away from the camera, fail in stretches: they
freeze (hold their last value), jitter strongly, or snap towards a wrong
inferred place (an arm to the hip, a leg to the other leg); depth noise
grows with the square of the distance; small noise everywhere, more on hand
tips and thumbs. Each view may lose up to ``max_cut`` frames at its start
and its end; a fraction of recordings lacks one camera (never more than
one). The defaults in :data:`DEFAULTS` were tuned so that mmaction2's
ST-GCN++ CPU preset (configs/baselines/stgcnpp_synthetic_xview_cpu.py)
reaches 50-85 % top-1 on ``xview_val`` and at least 10 points less than on
``xview_val_seen`` (figures in the README).

Splits (all performers' ids must fit NTU's xsub list, :data:`XSUB_TRAIN`):

- ``xsub_train`` / ``xsub_val``: every camera, split by performer;
- ``xview_train``: cameras 2 + 3 of the xsub-train performers;
- ``xview_val``: camera 1 of the xsub-val performers;
- ``xview_val_seen``: cameras 2 + 3 of the xsub-val performers;
- ``c1``, ``c2``, ``c3``: every sample of that camera among xsub-val
  performers.

The xview splits depart from NTU's camera-only rule on purpose: NTU's xview
tests camera 1 of the same performers that training saw, so with few
synthetic performers a model could score by recognising the performer's
recordings instead of the action seen from a new side. Holding the
performers out as well, and testing the same held-out recordings from the
training cameras (``xview_val_seen``), separates the view gap
(``xview_val_seen`` minus ``xview_val``) from memorisation.

Everything is deterministic in ``seed``: each recording draws from its own
generator ``default_rng(SeedSequence(seed, spawn_key=(stream, S, P, R, A)))``,
so a recording does not change when the sizes of the set change.
"""
from collections import Counter
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..utils.io import dump_pickle_atomic

NUM_JOINTS = 25

#: Parent of each joint in the NTU tree rooted at joint 0 (base of spine);
#: the undirected edges are those of mmaction2's 'nturgb+d' graph.
PARENTS = (-1, 0, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17,
           18, 1, 7, 7, 11, 11)
_FK_ORDER = (0, 1, 20, 2, 3, 4, 5, 6, 7, 21, 22, 8, 9, 10, 11, 23, 24, 12, 13,
             14, 15, 16, 17, 18, 19)

# Joint i of the left side <-> joint of the right side.
MIRROR_JOINTS = (0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 16, 17, 18, 19, 12, 13,
                 14, 15, 20, 23, 24, 21, 22)

# Offsets from the parent at rest (scale 1, about 1.75 m tall) in the body
# frame: x = the performer's right, y = up, z = backwards. Left joints are
# the mirror images (x -> -x) of the right ones.
_RIGHT_OFFSETS = {
    1: (0., .27, 0.), 20: (0., .21, 0.), 2: (0., .07, 0.), 3: (0., .13, .01),
    8: (.17, -.04, .01), 9: (0., -.27, 0.), 10: (0., -.25, 0.),
    11: (0., -.07, 0.), 23: (0., -.07, 0.), 24: (-.01, -.03, -.035),
    16: (.085, -.06, 0.), 17: (0., -.42, 0.), 18: (0., -.40, 0.),
    19: (0., -.06, -.11)
}
_REST = np.zeros((NUM_JOINTS, 3))
for _j, _o in _RIGHT_OFFSETS.items():
    _REST[_j] = _o
    _REST[MIRROR_JOINTS[_j]] = (-_o[0], _o[1], _o[2])

#: NTU's xsub training performers (DESIGN.md §1).
XSUB_TRAIN = (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34,
              35, 38)

#: Camera id -> nominal yaw in degrees (DESIGN.md §1).
CAMERA_YAWS = {1: -45.0, 2: 0.0, 3: 45.0}

#: The action catalogue: (name, persons, kind of subtle cue and partner).
#: ``num_classes=K`` keeps the first K; the label is the index here.
ACTIONS = (
    ('wave_right', 1, 'mirror of wave_left'),
    ('wave_left', 1, 'mirror of wave_right'),
    ('handshake', 2, 'two-person'),
    ('arms_raise', 1, 'event: arms_raise_clap without the clap'),
    ('arms_raise_clap', 1, 'event: arms_raise with a 10 % clap'),
    ('circle_cw', 1, 'direction of circle_ccw (right hand)'),
    ('circle_ccw', 1, 'direction of circle_cw (right hand)'),
    ('step_forward', 1, 'direction of step_backward'),
    ('step_backward', 1, 'direction of step_forward'),
    ('push', 2, 'two-person'),
    ('reach_right', 1, 'mirror of reach_left'),
    ('reach_left', 1, 'mirror of reach_right'),
    ('squat', 1, 'event: squat_tap without the knee tap'),
    ('squat_tap', 1, 'event: squat with a 10 % knee tap'),
    ('kick_right', 1, 'mirror of kick_left'),
    ('kick_left', 1, 'mirror of kick_right'),
    ('high_five', 2, 'two-person'),
    ('side_step_right', 1, 'mirror / direction of side_step_left'),
    ('side_step_left', 1, 'mirror / direction of side_step_right'),
    ('hug', 2, 'two-person'),
)
ACTION_NAMES = tuple(a[0] for a in ACTIONS)
MAX_CLASSES = len(ACTIONS)

# Typical length of each action in frames at speed 1 (30 fps).
_BASE_FRAMES = dict(
    wave_right=80, wave_left=80, handshake=80, arms_raise=100,
    arms_raise_clap=100, circle_cw=85, circle_ccw=85, step_forward=60,
    step_backward=60, push=65, reach_right=60, reach_left=60, squat=95,
    squat_tap=95, kick_right=55, kick_left=55, high_five=65,
    side_step_right=60, side_step_left=60, hug=85)

#: Generator defaults; ``make_synthetic_multiview(**kw)`` overrides them.
#: The sensor-model values are the tuned ones (README: synthetic data).
DEFAULTS = dict(
    num_classes=20,
    num_performers=20,
    num_replications=2,
    num_setups=2,
    min_frames=40,
    max_frames=120,
    missing_view_prob=0.05,
    max_cut=3,
    facing_deg=25.0,
    facing_sigma_deg=6.0,
    # sensor model (see corrupt_view)
    occlusion_hazard=0.5,
    far_side_hazard=0.6,
    far_side_threshold=0.6,
    fail_mean_frames=15.0,
    fail_modes=(0.4, 0.15, 0.45),
    jitter_sigma=0.06,
    depth_noise=0.02,
    noise=0.004,
    tip_noise=0.015,
)
SENSOR_KEYS = ('occlusion_hazard', 'far_side_hazard', 'far_side_threshold',
               'fail_mean_frames', 'fail_modes', 'jitter_sigma',
               'depth_noise', 'noise', 'tip_noise')

_RIGHT, _UP, _FWD = np.eye(3)[0], np.eye(3)[1], -np.eye(3)[2]
_MIRROR = np.diag([-1., 1., 1.])

# ---------------------------------------------------------------- rotations


def _rot(axis: int, a) -> np.ndarray:
    """Rotations by angles ``a`` [T] about a coordinate axis: [T, 3, 3]."""
    a = np.asarray(a, dtype=np.float64)
    c, s = np.cos(a), np.sin(a)
    R = np.zeros(a.shape + (3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    R[..., axis, axis] = 1.
    R[..., i, i] = c
    R[..., j, j] = c
    R[..., i, j] = -s
    R[..., j, i] = s
    return R


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _aim(d: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rotation taking the rest limb direction (0, -1, 0) to ``d`` and the
    rest bend direction (0, 0, -1) (forwards) to ``b`` made orthogonal to
    ``d``; both [T, 3], returns [T, 3, 3]."""
    d = _unit(d)
    b = b - (b * d).sum(-1, keepdims=True) * d
    # b parallel to d: any orthogonal bend direction will do
    alt = np.cross(d, _RIGHT + .3 * _UP)
    b = np.where(np.linalg.norm(b, axis=-1, keepdims=True) < 1e-6, alt, b)
    y, z = -d, -_unit(b)
    return np.stack([np.cross(y, z), y, z], axis=-1)


def _dirs(*v) -> np.ndarray:
    return _unit(np.asarray(v, dtype=np.float64))


def _blend(d0, d1, w) -> np.ndarray:
    """Directions moving from ``d0`` to ``d1`` with weight ``w`` [T]."""
    w = np.asarray(w)[..., None]
    return _unit((1 - w) * np.broadcast_to(d0, w.shape[:-1] + (3, )) +
                 w * np.broadcast_to(d1, w.shape[:-1] + (3, )))


# --------------------------------------------------------- time profiles


def _ramp(u, a, b):
    """Smooth step from 0 at ``u = a`` to 1 at ``u = b``."""
    x = np.clip((u - a) / (b - a), 0., 1.)
    return x * x * (3 - 2 * x)


def _window(u, a, b, c, d):
    """Up from a to b, hold, down from c to d."""
    return _ramp(u, a, b) * (1 - _ramp(u, c, d))


def _bump(u, center, width):
    """Raised cosine of full ``width`` centred at ``center``."""
    x = np.clip((u - center) / (width / 2), -1., 1.)
    return .5 * (1 + np.cos(np.pi * x))


def _smooth_noise(rng, T: int, n: int, amp: float, fps: float = 30.):
    """``n`` slow signals [n, T]: sums of two sines of 0.15-0.8 Hz."""
    t = np.arange(T) / fps
    f = rng.uniform(.15, .8, size=(n, 2, 1))
    ph = rng.uniform(0, 2 * np.pi, size=(n, 2, 1))
    a = rng.uniform(.3, 1., size=(n, 2, 1)) * amp
    return (a * np.sin(2 * np.pi * f * t + ph)).sum(1) / 1.3


# ------------------------------------------------------------ performers


class Performer:
    """Body and style of one performer, drawn from ``(seed, pid)``.

    Attributes: ``offsets`` [25, 3] bone offsets in metres (scale and
    left/right-symmetric proportions applied), ``speed`` (> 1: faster, so
    shorter), ``amplitude``, ``lead`` ('R'/'L', the leg that steps first),
    ``style_amp`` (radians of idle joint motion), ``lean`` and ``carry``
    (posture: forward lean, arms held out from the body; radians),
    ``cycles`` and ``phase`` (rhythm of repeated motions).
    """

    def __init__(self, seed: int, pid: int):
        rng = np.random.default_rng(
            np.random.SeedSequence(seed, spawn_key=(1, pid)))
        self.pid = pid
        self.scale = rng.uniform(.85, 1.12)
        prop = rng.normal(1., .04, size=NUM_JOINTS)
        prop = np.where(np.arange(NUM_JOINTS) < np.array(MIRROR_JOINTS),
                        prop, prop[list(MIRROR_JOINTS)])  # symmetric body
        self.offsets = _REST * (self.scale * np.clip(prop, .9, 1.1))[:, None]
        self.speed = rng.uniform(.75, 1.3)
        self.amplitude = rng.uniform(.8, 1.15)
        self.lead = 'R' if rng.random() < .5 else 'L'
        self.style_amp = np.deg2rad(rng.uniform(2., 5.))
        self.lean = np.deg2rad(rng.uniform(-3., 6.))
        self.carry = np.deg2rad(rng.uniform(3., 12.))
        self.cycles = rng.uniform(2.2, 3.4)
        self.phase = rng.uniform(0, 2 * np.pi)

    @property
    def leg_length(self) -> float:
        return float(-self.offsets[17, 1] - self.offsets[18, 1])

    @property
    def hip_height(self) -> float:
        o = self.offsets
        return float(-(o[16, 1] + o[17, 1] + o[18, 1] + o[19, 1]))


# ------------------------------------------------------------------ poses


class _Pose:
    """Joint rotations of one person over T frames, filled by an action.

    ``R[t, j]`` rotates the bones below joint j in the frame of its parent;
    ``disp`` is the root's displacement in the body frame at start
    (x right, y up, z back); ``yaw`` the extra turn of the body.
    """

    def __init__(self, perf: Performer, T: int):
        self.perf, self.T = perf, T
        self.R = np.tile(np.eye(3), (T, NUM_JOINTS, 1, 1))
        self.disp = np.zeros((T, 3))
        self.yaw = np.zeros(T)
        self.pitch = np.zeros(T)
        carry = perf.carry
        self.rest_arm = _dirs(np.sin(carry), -np.cos(carry), -.05)
        for side in 'RL':
            self.arm(side, self.rest_arm, _FWD, np.full(T, np.deg2rad(12)))

    def arm(self, side, d, b, elbow, wrist=None):
        """Right-arm directions in the torso frame; 'L' mirrors them."""
        d = np.broadcast_to(d, (self.T, 3))
        b = np.broadcast_to(b, (self.T, 3))
        if side == 'L':
            d, b = d @ _MIRROR, b @ _MIRROR
        s, e, w = (8, 9, 10) if side == 'R' else (4, 5, 6)
        self.R[:, s] = _aim(d, b)
        self.R[:, e] = _rot(0, np.broadcast_to(elbow, (self.T, )))
        if wrist is not None:
            self.R[:, w] = _rot(0, np.broadcast_to(wrist, (self.T, )))

    def leg(self, side, flex=0., abd=0., knee=0., ankle=0.):
        """Hip flexion (thigh forwards), abduction (outwards), knee flexion
        (shank backwards) and ankle angles in radians, scalars or [T]."""
        T = self.T
        flex, abd, knee, ankle = (np.broadcast_to(np.asarray(x, float), (T, ))
                                  for x in (flex, abd, knee, ankle))
        h, k, a = (16, 17, 18) if side == 'R' else (12, 13, 14)
        sgn = 1. if side == 'R' else -1.
        self.R[:, h] = _rot(0, flex) @ _rot(2, sgn * abd)
        self.R[:, k] = _rot(0, -knee)
        self.R[:, a] = _rot(0, ankle)

    def spine(self, bend=0., side_bend=0., twist=0.):
        """Bend forwards / to the right and twist (to the left) the upper
        body at the middle of the spine."""
        T = self.T
        bend, side_bend, twist = (np.broadcast_to(np.asarray(x, float), (T, ))
                                  for x in (bend, side_bend, twist))
        self.R[:, 1] = _rot(1, twist) @ _rot(0, -bend) @ _rot(2, -side_bend)

    def forward_kinematics(self) -> np.ndarray:
        """Joint positions [T, 25, 3] in the body frame at the start."""
        p = self.perf
        G = np.empty((self.T, NUM_JOINTS, 3, 3))
        X = np.empty((self.T, NUM_JOINTS, 3))
        # positive pitch / lean: forwards
        root = _rot(1, self.yaw) @ _rot(0, -(self.pitch + p.lean))
        G[:, 0] = root @ self.R[:, 0]
        X[:, 0] = self.disp + np.array([0., p.hip_height, 0.])
        for j in _FK_ORDER[1:]:
            q = PARENTS[j]
            X[:, j] = X[:, q] + G[:, q] @ p.offsets[j]
            G[:, j] = G[:, q] @ self.R[:, j]
        return X

    def add_style(self, rng):
        """Slow idle motion: small extra rotations at the main joints
        (rotations only, so bone lengths stay)."""
        joints = (1, 20, 2, 4, 8, 5, 9, 6, 10, 12, 16, 13, 17)
        n = _smooth_noise(rng, self.T, 2 * len(joints), self.perf.style_amp)
        for i, j in enumerate(joints):
            self.R[:, j] = self.R[:, j] @ _rot(0, n[2 * i]) @ _rot(
                2, n[2 * i + 1])
        sway = _smooth_noise(rng, self.T, 3, 1.)
        self.disp[:, [0, 2]] += .01 * sway[:2].T
        self.yaw += np.deg2rad(2.) * sway[2]


# ---------------------------------------------------------------- actions


def _deg(x):
    return np.deg2rad(x)


def _mirror_side(side):
    return 'L' if side == 'R' else 'R'


def _wave(p: _Pose, u, k, side):
    w = _window(u, .08, .25, .75, .92)
    raised = _dirs(.75, .55, -.35)
    th = _deg(28) * k['amp'] * np.sin(2 * np.pi * k['cycles'] * u +
                                       k['phase']) * w
    b = _blend(_FWD, np.stack([np.sin(th), np.cos(th), 0 * th], -1), w)
    p.arm(side, _blend(p.rest_arm, raised, w), b, _deg(12) + w * _deg(80))


def _circle(p: _Pose, u, k, sign):
    """Right hand draws circles, clockwise (sign +1) or counter-clockwise
    (-1) as the performer sees them."""
    w = _window(u, .06, .2, .8, .94)
    th = sign * 2 * np.pi * (k['cycles'] - .7) * u + k['phase']
    r = .45 * k['amp']
    target = _unit(_FWD + .1 * _RIGHT + r *
                   (np.sin(th)[:, None] * _RIGHT + np.cos(th)[:, None] * _UP))
    p.arm('R', _blend(p.rest_arm, target, w), _UP, _deg(15))


def _step(p: _Pose, u, k, direction):
    """One step forwards (+1) or backwards (-1), the other foot follows."""
    lead = p.perf.lead
    trail = _mirror_side(lead)
    m1, m2 = _ramp(u, .2, .5), _ramp(u, .5, .8)
    L = .35 * k['amp'] * p.perf.scale
    p.disp[:, 2] = -direction * L * (.65 * m1 + .35 * m2)
    b1, b2 = _bump(u, .35, .3), _bump(u, .65, .3)
    hold = m1 * (1 - m2)
    p.leg(lead, flex=direction * (_deg(25) * b1 + _deg(10) * hold),
          knee=_deg(40) * b1)
    p.leg(trail, flex=-direction * _deg(12) * hold + direction * _deg(15) *
          b2, knee=_deg(40) * b2)
    p.spine(bend=direction * _deg(5) * hold)
    # arms swing against the legs
    back, front = _dirs(.1, -.95, .3), _dirs(.1, -.95, -.3)
    p.arm(lead, _blend(_blend(p.rest_arm, back, b1), front, b2), _FWD,
          _deg(15))
    p.arm(trail, _blend(_blend(p.rest_arm, front, b1), back, b2), _FWD,
          _deg(15))


def _side_step(p: _Pose, u, k, side):
    """Step sideways to the performer's right ('R') or left ('L')."""
    other = _mirror_side(side)
    m1, m2 = _ramp(u, .2, .5), _ramp(u, .5, .8)
    L = .35 * k['amp'] * p.perf.scale
    p.disp[:, 0] = (1 if side == 'R' else -1) * L * (.6 * m1 + .4 * m2)
    b1, b2 = _bump(u, .35, .3), _bump(u, .65, .3)
    p.leg(side, abd=_deg(22) * b1, knee=_deg(15) * b1)
    p.leg(other, abd=-_deg(8) * b2 + _deg(8) * m1 * (1 - m2),
          knee=_deg(15) * b2)
    up = _deg(10) * (b1 + b2)
    p.arm('R', _blend(p.rest_arm, _dirs(.6, -.8, 0), up), _FWD, _deg(15))
    p.arm('L', _blend(p.rest_arm, _dirs(.6, -.8, 0), up), _FWD, _deg(15))


def _arms_raise(p: _Pose, u, k, event):
    """Both arms rise sideways and come down slowly; ``event``: a brief clap
    in front of the chest at a random moment."""
    a = _deg(150) * k['amp'] * np.sin(np.pi * u)**1.5
    d = np.stack([np.sin(a), -np.cos(a), -.25 * np.ones_like(a)], -1)
    b, e = np.broadcast_to(_FWD, d.shape), _deg(10) * np.ones_like(a)
    if event:
        w = _bump(u, k['event_at'], .1)
        d = _blend(_unit(d), _dirs(-.25, -.25, -1), w)
        b = _blend(b, -_RIGHT, w)
        e = e + _deg(55) * w
    for side in 'RL':
        p.arm(side, d, b, e)


def _squat(p: _Pose, u, k, event):
    """Slow squat; ``event``: both hands briefly tap the knees."""
    s = np.sin(np.pi * u)**2
    f = _deg(65) * min(k['amp'], 1.1) * s
    for side in 'RL':
        p.leg(side, flex=f, knee=2 * f, ankle=f)
    L = p.perf.leg_length
    p.disp[:, 1] = -L * (1 - np.cos(f))
    p.spine(bend=.45 * f)
    d = _blend(p.rest_arm, _dirs(.1, -.3, -1), s)
    e = _deg(10) * np.ones_like(u)
    if event:
        w = _bump(u, k['event_at'], .1)
        d = _blend(d, _dirs(.05, -1, -.9), w)
        e = e * (1 - w)
    for side in 'RL':
        p.arm(side, d, _FWD, e)


def _reach(p: _Pose, u, k, side):
    w = _window(u, .12, .38, .65, .9)
    p.arm(side, _blend(p.rest_arm, _dirs(.08, .05 * k['amp'], -1), w), _UP,
          _deg(25) * (1 - w) + _deg(5))
    p.spine(twist=(1 if side == 'R' else -1) * _deg(8) * w)


def _kick(p: _Pose, u, k, side):
    w = _bump(u, .5, .45)
    p.leg(side, flex=_deg(75) * k['amp'] * w,
          knee=_deg(60) * _bump(u, .38, .25) + _deg(10) * w)
    p.pitch = p.pitch - _deg(8) * w
    for s in 'RL':
        p.arm(s, _blend(p.rest_arm, _dirs(.7, -.7, 0), .5 * w), _FWD,
              _deg(20))


def _handshake(pa: _Pose, pb: _Pose, u, k):
    for i, p in enumerate((pa, pb)):
        p.disp[:, 2] = -.12 * _ramp(u, .08, .3)
        w = _window(u, .15 + .04 * i, .35, .7, .88)
        shake = _deg(9) * np.sin(2 * np.pi * 3 * u + k['phase']) * _window(
            u, .38, .42, .62, .66)
        p.arm('R', _blend(p.rest_arm, _dirs(-.2, -.35, -1), w), _UP,
              _deg(25) * w + shake)


def _push(pa: _Pose, pb: _Pose, u, k):
    ready = _window(u, .1, .28, .4, .8)
    push = _ramp(u, .32, .42) * (1 - _ramp(u, .6, .85))
    d = _blend(_blend(pa.rest_arm, _dirs(.15, -.5, -.8), ready),
               _dirs(.1, -.05, -1), push)
    for side in 'RL':
        pa.arm(side, d, _FWD, _deg(100) * ready * (1 - push) + _deg(5))
    pa.disp[:, 2] = -.15 * _ramp(u, .3, .45)
    pb.disp[:, 2] = .35 * k['amp'] * _ramp(u, .4, .6)
    hit = _bump(u, .5, .3)
    pb.spine(bend=-_deg(15) * hit)
    for side in 'RL':
        pb.arm(side, _blend(pb.rest_arm, _dirs(.7, -.6, -.3), hit), _FWD,
               _deg(30))


def _high_five(pa: _Pose, pb: _Pose, u, k):
    for i, p in enumerate((pa, pb)):
        p.disp[:, 2] = -.15 * _ramp(u, .1, .35)
        w = _window(u, .15 + .05 * i, .42, .56, .82)
        p.arm('R', _blend(p.rest_arm, _dirs(-.1, .75, -.8), w), _UP,
              _deg(25))


def _hug(pa: _Pose, pb: _Pose, u, k):
    for p in (pa, pb):
        p.disp[:, 2] = -.3 * _ramp(u, .1, .35) * (1 - _ramp(u, .75, .95))
        w = _window(u, .15, .35, .7, .9)
        for side in 'RL':
            p.arm(side, _blend(p.rest_arm, _dirs(.75, .05, -.65), w),
                  -_RIGHT, _deg(75) * w)
        p.yaw = p.yaw + _deg(5) * np.sin(2 * np.pi * u * 2) * w


_ONE_PERSON = dict(
    wave_right=lambda p, u, k: _wave(p, u, k, 'R'),
    wave_left=lambda p, u, k: _wave(p, u, k, 'L'),
    arms_raise=lambda p, u, k: _arms_raise(p, u, k, False),
    arms_raise_clap=lambda p, u, k: _arms_raise(p, u, k, True),
    circle_cw=lambda p, u, k: _circle(p, u, k, 1),
    circle_ccw=lambda p, u, k: _circle(p, u, k, -1),
    step_forward=lambda p, u, k: _step(p, u, k, 1),
    step_backward=lambda p, u, k: _step(p, u, k, -1),
    reach_right=lambda p, u, k: _reach(p, u, k, 'R'),
    reach_left=lambda p, u, k: _reach(p, u, k, 'L'),
    squat=lambda p, u, k: _squat(p, u, k, False),
    squat_tap=lambda p, u, k: _squat(p, u, k, True),
    kick_right=lambda p, u, k: _kick(p, u, k, 'R'),
    kick_left=lambda p, u, k: _kick(p, u, k, 'L'),
    side_step_right=lambda p, u, k: _side_step(p, u, k, 'R'),
    side_step_left=lambda p, u, k: _side_step(p, u, k, 'L'),
)
_TWO_PERSON = dict(
    handshake=_handshake, push=_push, high_five=_high_five, hug=_hug)


def _rng(seed: int, stream: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(stream, ) + tuple(key)))


def simulate_recording(action: int,
                       performers: Sequence[Performer],
                       rng: np.random.Generator,
                       min_frames: int = 46,
                       max_frames: int = 120,
                       facing_deg: Optional[float] = None,
                       facing_sigma_deg: Optional[float] = None
                       ) -> np.ndarray:
    """Clean world-frame motion of one recording.

    Args:
        action: index into :data:`ACTIONS`.
        performers: one :class:`Performer` per person of the action (two
            for a two-person action; the first is the initiator).
        rng: the recording's generator (replication-level variation).
        min_frames / max_frames: bounds of T (T = the action's typical
            length / the performer's speed).
        facing_deg / facing_sigma_deg: mean and spread of the body's yaw
            (0: facing camera 2, > 0: turned towards camera 3); None takes
            :data:`DEFAULTS`.
    Returns:
        float64 [M, T, 25, 3] in metres; world frame: camera 2's axes
        (x right of a body facing camera 2, y up, z away from camera 2),
        floor at y = 0, scene centre at x = z = 0. Bone lengths are
        constant over time (forward kinematics).
    """
    name, persons, _ = ACTIONS[action]
    if len(performers) != persons:
        raise ValueError(f'{name} needs {persons} performer(s), '
                         f'got {len(performers)}')
    lead = performers[0]
    speed = lead.speed * rng.uniform(.93, 1.07)
    T = int(np.clip(round(_BASE_FRAMES[name] / speed), min_frames,
                    max_frames))
    u = np.linspace(0., 1., T)
    k = dict(amp=lead.amplitude * rng.uniform(.93, 1.07),
             cycles=lead.cycles * rng.uniform(.9, 1.1),
             phase=lead.phase + rng.normal(0, .3),
             event_at=rng.uniform(.2, .8))
    poses = [_Pose(p, T) for p in performers]
    if persons == 1:
        _ONE_PERSON[name](poses[0], u, k)
    else:
        _TWO_PERSON[name](poses[0], poses[1], u, k)
    if facing_deg is None:
        facing_deg = DEFAULTS['facing_deg']
    if facing_sigma_deg is None:
        facing_sigma_deg = DEFAULTS['facing_sigma_deg']
    facing = np.deg2rad(rng.normal(facing_deg, facing_sigma_deg))
    gap = rng.uniform(1.15, 1.35)
    out = []
    for i, p in enumerate(poses):
        p.add_style(rng)
        if persons == 1:
            yaw0, base = facing, np.zeros(3)
        else:  # face each other across camera 2's line of sight
            yaw0 = facing + (-1 if i == 0 else 1) * np.pi / 2
            base = (-1 if i == 0 else 1) * gap / 2 * np.array(
                [np.cos(facing), 0., -np.sin(facing)])
        base = base + np.array([rng.normal(0, .1), 0., rng.normal(0, .1)])
        X = p.forward_kinematics()
        out.append(X @ _rot(1, yaw0).T + base)
    return np.stack(out)


# ----------------------------------------------------------------- cameras


def sample_camera(rng: np.random.Generator, camera: int) -> Tuple:
    """Pose of camera ``camera`` (1..3) for one recording.

    Returns ``(R, c)``: world-to-camera is ``x_cam = (x_world - c) @ R``;
    the camera stands 2.5-4 m from the scene centre at its nominal yaw
    (:data:`CAMERA_YAWS`, +-2 deg), 0.7-1.2 m high, looking at the body
    centre with a few degrees of extra tilt.
    """
    yaw = np.deg2rad(CAMERA_YAWS[camera] + rng.normal(0, 2.))
    dist = rng.uniform(2.5, 4.0)
    height = rng.uniform(.7, 1.2)
    target = np.array([0., .9, 0.])
    fwd_h = np.array([np.sin(yaw), 0., np.cos(yaw)])
    c = target - dist * fwd_h
    c[1] = height
    pitch = np.arctan2(height - target[1], dist) + np.deg2rad(
        rng.normal(0, 2.))
    R = _rot(1, yaw) @ _rot(0, pitch)  # columns: camera axes in the world
    return R, c


# ------------------------------------------------------------ sensor model

# Failure units: joints that fail together (torso/head, arms, legs).
_LIMB = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                  0, 1, 1, 2, 2])
# How exposed a joint is to far-side failures (distal joints most).
_FAR_WEIGHT = np.array([0, 0, 0, 0, .3, .7, 1, 1, .3, .7, 1, 1, .2, .5, .8, .8,
                        .2, .5, .8, .8, 0, 1, 1, 1, 1.])
_LEFT_JOINTS = np.array([4, 5, 6, 7, 21, 22, 12, 13, 14, 15])
_RIGHT_JOINTS = np.array([8, 9, 10, 11, 23, 24, 16, 17, 18, 19])
_TORSO_JOINTS = np.array([0, 1, 2, 3, 4, 8, 12, 16, 20])


def _sig(x):
    return 1. / (1. + np.exp(-x))


def occlusion_scores(X: np.ndarray) -> np.ndarray:
    """How hidden each joint is behind a torso, seen from the camera.

    ``X``: clean skeletons [M, T, 25, 3] in camera coordinates (camera at
    the origin). Each torso is an elliptic cylinder around the spine
    (half-width from the shoulders, depth 0.11 m, from the hips to the
    head); a joint scores near 1 when it lies behind that cylinder inside its
    silhouette. A person's own torso joints are never hidden by it. Returns
    [M, T, 25] in [0, 1].
    """
    M = X.shape[0]
    occ = np.zeros(X.shape[:3])
    for m in range(M):
        o = X[m, :, 1]  # [T, 3]
        up = _unit(X[m, :, 20] - X[m, :, 0])
        lat = X[m, :, 8] - X[m, :, 4]
        # the waist is narrower than the shoulders
        half_w = .45 * np.linalg.norm(lat, axis=-1)
        lat = _unit(lat - (lat * up).sum(-1, keepdims=True) * up)
        front = np.cross(lat, up)  # right x up = backwards; sign unused
        v = _unit(o)  # line of sight
        h = _unit(np.cross(up, v))
        depth_ax = .11
        # apparent half-width and near-surface depth of the ellipse
        w_app = np.sqrt((half_w * (h * lat).sum(-1))**2 +
                        (depth_ax * (h * front).sum(-1))**2)
        d_near = np.sqrt((half_w * (v * lat).sum(-1))**2 +
                         (depth_ax * (v * front).sum(-1))**2)
        r = X - o[None, :, None]  # [M, T, 25, 3]
        s = (r * h[None, :, None]).sum(-1)
        dep = (r * v[None, :, None]).sum(-1)
        hgt = (r * up[None, :, None]).sum(-1)
        frac = np.clip(1 - (s / w_app[None, :, None])**2, 0, 1)
        surf = -d_near[None, :, None] * np.sqrt(frac)
        inside = _sig((w_app[None, :, None] - np.abs(s)) / .02)
        behind = _sig((dep - surf - .04) / .02)
        vert = _sig((hgt + .35) / .03) * _sig((.55 - hgt) / .03)
        sc = inside * behind * vert
        sc[m][:, _TORSO_JOINTS] = 0.
        occ = np.maximum(occ, sc)
    return occ


def far_side_scores(X: np.ndarray, threshold: float = .25) -> np.ndarray:
    """How much each limb joint lies on the side of the body turned away
    from the camera: 0 when that side faces the camera or the body is within
    ``threshold`` (sine of the angle) of facing it, up to 1 in profile,
    times the joint's weight (distal joints more). [M, T, 25]."""
    lat = _unit(X[:, :, 8] - X[:, :, 4])  # towards the performer's right
    to_cam = _unit(-X[:, :, 1])
    right_exposed = (lat * to_cam).sum(-1)  # > 0: right side faces camera
    sc = np.zeros(X.shape[:3])
    for joints, sgn in ((_RIGHT_JOINTS, -1.), (_LEFT_JOINTS, 1.)):
        away = np.clip((sgn * right_exposed - threshold) / (1 - threshold), 0,
                       1)
        sc[:, :, joints] = away[..., None] * _FAR_WEIGHT[joints]
    return sc


def failure_hazard(X: np.ndarray, occ: Optional[np.ndarray] = None,
                   **sensor) -> np.ndarray:
    """Per-frame probability that a joint's failure stretch starts:
    ``1 - (1 - occlusion_hazard * occlusion) * (1 - far_side_hazard *
    far_side)`` on the clean camera-frame skeletons ``X`` [M, T, 25, 3]
    (``sensor``: :data:`SENSOR_KEYS`, defaults in :data:`DEFAULTS`; other
    keys are ignored). ``1 - hazard`` is the joint's reliability, written as
    ``keypoint_score`` with ``scores=True``. Returns [M, T, 25]."""
    cfg = {k: sensor.get(k, DEFAULTS[k]) for k in SENSOR_KEYS}
    if occ is None:
        occ = occlusion_scores(X)
    far = far_side_scores(X, cfg['far_side_threshold'])
    return 1 - (1 - cfg['occlusion_hazard'] * occ) * (
        1 - cfg['far_side_hazard'] * far)


def corrupt_view(X: np.ndarray, rng: np.random.Generator,
                 **sensor) -> np.ndarray:
    """Kinect-like errors of one camera's view.

    ``X``: clean [M, T, 25, 3] in this camera's coordinates; ``sensor``:
    any of :data:`SENSOR_KEYS` (defaults in :data:`DEFAULTS`). A failure
    stretch starts on a limb in a frame with probability
    ``occlusion_hazard * occlusion + far_side_hazard * far_side`` per joint
    (:func:`occlusion_scores`, :func:`far_side_scores` with
    ``far_side_threshold``; one shared draw per limb, so a limb fails
    together), lasts a geometric number of frames (mean
    ``fail_mean_frames``, and at least as long as the joint stays hidden),
    and is, with the probabilities ``fail_modes``: freeze (hold the last
    good value), jitter (AR(1) noise of ``jitter_sigma`` m) or snap towards
    a wrong inferred place (an arm joint to the same side's hip, a leg joint
    to the other leg's). Then depth noise ``depth_noise * (z / 3)**2`` m
    along z (temporally correlated), ``noise`` m everywhere and
    ``tip_noise`` m on hand tips and thumbs. Returns float64 [M, T, 25, 3].
    """
    unknown = set(sensor) - set(SENSOR_KEYS)
    if unknown:
        raise TypeError(f'unknown sensor option(s) {sorted(unknown)}')
    cfg = {k: sensor.get(k, DEFAULTS[k]) for k in SENSOR_KEYS}
    fail_modes = np.asarray(cfg['fail_modes'], dtype=float)
    jitter_sigma, depth_noise = cfg['jitter_sigma'], cfg['depth_noise']
    noise, tip_noise = cfg['noise'], cfg['tip_noise']
    fail_mean_frames = cfg['fail_mean_frames']
    M, T, V, _ = X.shape
    occ = occlusion_scores(X)
    hazard = failure_hazard(X, occ=occ, **cfg)
    hidden = occ > .5
    # failure process: shared draws per (person, limb, frame)
    draw = rng.random((M, T, 5))[:, :, _LIMB]
    lengths = rng.geometric(1. / max(fail_mean_frames, 1.), (M, T, 5))
    modes = rng.choice(3, size=(M, T, 5), p=fail_modes / fail_modes.sum())
    mode = np.full((M, T, V), -1)
    remaining = np.zeros((M, V), dtype=int)
    cur = np.full((M, V), -1)
    for t in range(T):
        start = (remaining <= 0) & (draw[:, t] < hazard[:, t])
        remaining = np.where(start, lengths[:, t][:, _LIMB], remaining)
        cur = np.where(start, modes[:, t][:, _LIMB], cur)
        remaining = np.where((remaining <= 0) & hidden[:, t] & (cur >= 0), 1,
                             remaining)
        active = remaining > 0
        mode[:, t] = np.where(active, cur, -1)
        remaining = remaining - 1
        cur = np.where(remaining > 0, cur, np.where(hidden[:, t], cur, -1))
    Y = X.copy()
    # freeze: hold the value of the frame before the stretch
    frz = mode == 0
    if frz.any():
        held = X.copy()
        for t in range(1, T):
            held[:, t] = np.where(frz[:, t, :, None], held[:, t - 1], X[:, t])
        Y = np.where(frz[..., None], held, Y)
    # jitter: strong AR(1) noise
    jit = mode == 1
    if jit.any():
        e = rng.normal(0, jitter_sigma, X.shape)
        for t in range(1, T):
            e[:, t] = .6 * e[:, t - 1] + .8 * e[:, t]
        Y = np.where(jit[..., None], X + e, Y)
    # snap: a wrong inferred place (arm -> hip of its side, leg -> other leg)
    snp = mode == 2
    if snp.any():
        anchor = np.arange(V)
        anchor[_LIMB == 1], anchor[_LIMB == 2] = 12, 16
        anchor[_LIMB == 3] = [16, 17, 18, 19]
        anchor[_LIMB == 4] = [12, 13, 14, 15]
        target = .3 * X + .7 * X[:, :, anchor] + rng.normal(0, .03, X.shape)
        Y = np.where(snp[..., None], target, Y)
    # depth noise grows with distance (Kinect's depth error ~ z^2)
    z = np.abs(X[..., 2:3])
    nz = rng.normal(0, 1., X.shape[:3] + (1, ))
    for t in range(1, T):
        nz[:, t] = .5 * nz[:, t - 1] + .87 * nz[:, t]
    Y[..., 2:3] += depth_noise * (z / 3.)**2 * nz
    Y += rng.normal(0, noise, X.shape)
    Y[:, :, 21:25] += rng.normal(0, tip_noise, (M, T, 4, 3))
    return Y


# --------------------------------------------------------------- the set


def _check_kw(kw: Dict) -> Dict:
    unknown = set(kw) - set(DEFAULTS)
    if unknown:
        raise TypeError(f'unknown option(s) {sorted(unknown)}; known: '
                        f'{sorted(DEFAULTS)}')
    cfg = dict(DEFAULTS, **kw)

    def need(ok, msg):
        if not ok:
            raise ValueError(msg)

    K = cfg['num_classes']
    need(isinstance(K, (int, np.integer)) and 1 <= K <= MAX_CLASSES,
         f'num_classes must be an int in [1, {MAX_CLASSES}], got {K!r}')
    for key in ('num_performers', 'num_replications', 'num_setups'):
        v = cfg[key]
        need(isinstance(v, (int, np.integer)) and v >= 1,
             f'{key} must be a positive int, got {v!r}')
    need(cfg['num_performers'] <= 999, 'num_performers must be <= 999')
    need(cfg['num_replications'] <= 999, 'num_replications must be <= 999')
    need(cfg['num_setups'] <= 999, 'num_setups must be <= 999')
    perf = range(1, cfg['num_performers'] + 1)
    need(any(p in XSUB_TRAIN for p in perf)
         and any(p not in XSUB_TRAIN for p in perf),
         'num_performers must be >= 3 so that both xsub splits have '
         f'performers (train ids: {XSUB_TRAIN})')
    need(1 <= cfg['min_frames'] <= cfg['max_frames'],
         'need 1 <= min_frames <= max_frames, got '
         f"{cfg['min_frames']}, {cfg['max_frames']}")
    need(0 <= cfg['max_cut'] and
         cfg['min_frames'] + 2 * cfg['max_cut'] <= cfg['max_frames'],
         'max_cut must be >= 0 with min_frames + 2 * max_cut <= max_frames')
    need(0 <= cfg['missing_view_prob'] <= 1,
         'missing_view_prob must be in [0, 1]')
    for key in SENSOR_KEYS:
        need(np.all(np.asarray(cfg[key]) >= 0),
             f'{key} must be >= 0, got {cfg[key]!r}')
    need(np.shape(cfg['fail_modes']) == (3, ) and sum(cfg['fail_modes']) > 0,
         'fail_modes must be 3 weights (freeze, jitter, snap)')
    need(cfg['occlusion_hazard'] <= 1 and cfg['far_side_hazard'] <= 1,
         'hazards are probabilities per frame: <= 1')
    need(cfg['far_side_threshold'] < 1, 'far_side_threshold must be < 1')
    return cfg


def sample_name(setup: int, camera: int, performer: int, replication: int,
                label: int) -> str:
    return (f'S{setup:03d}C{camera:03d}P{performer:03d}'
            f'R{replication:03d}A{label + 1:03d}')


def make_synthetic_multiview(seed: int = 0, scores: bool = False,
                             **kw) -> Dict:
    """Build the dataset dict (see the module docstring).

    Keyword options and their defaults are in :data:`DEFAULTS`
    (``num_classes``, ``num_performers``, ``num_replications``,
    ``num_setups``, ``min_frames``, ``max_frames``, ``missing_view_prob``,
    ``max_cut``, ``facing_sigma_deg`` and the sensor model of
    :func:`corrupt_view`). Raises ValueError on invalid options.

    ``scores=True`` also writes ``keypoint_score`` float32 [M, T, 25], each
    joint's reliability ``1 - hazard`` (:func:`failure_hazard`) in that view,
    like a sensor's confidence; it draws no random numbers, so the
    keypoints are the same as without it.
    """
    cfg = _check_kw(kw)
    sensor = {k: cfg[k] for k in SENSOR_KEYS}
    K = cfg['num_classes']
    pids = list(range(1, cfg['num_performers'] + 1))
    perfs = {p: Performer(seed, p) for p in pids}
    annos: List[Dict] = []
    for p in pids:
        setup = (p - 1) % cfg['num_setups'] + 1
        for r in range(1, cfg['num_replications'] + 1):
            for a in range(K):
                rng = _rng(seed, 2, setup, p, r, a)
                if ACTIONS[a][1] == 2:
                    # the partner comes from the same xsub side, so held-out
                    # performers stay unseen in training
                    group = [q for q in pids if q != p and
                             (q in XSUB_TRAIN) == (p in XSUB_TRAIN)] or [p]
                    q = group[int(rng.integers(len(group)))]
                    who = [perfs[p], perfs[q]]
                else:
                    who = [perfs[p]]
                # room for the cuts: every view keeps >= min_frames
                W = simulate_recording(
                    a, who, rng, cfg['min_frames'] + 2 * cfg['max_cut'],
                    cfg['max_frames'], cfg['facing_deg'],
                    cfg['facing_sigma_deg'])
                T = W.shape[1]
                cams = [1, 2, 3]
                if rng.random() < cfg['missing_view_prob']:
                    cams.remove(int(rng.integers(1, 4)))
                for c in (1, 2, 3):
                    # drawn for every camera so a dropped view changes
                    # nothing else
                    vrng = _rng(seed, 3, setup, p, r, a, c)
                    R, cpos = sample_camera(vrng, c)
                    a0, a1 = vrng.integers(0, cfg['max_cut'] + 1, size=2)
                    if c not in cams:
                        continue
                    X = (W - cpos) @ R
                    Y = corrupt_view(X, vrng, **sensor)[:, a0:T - a1]
                    kp = np.ascontiguousarray(Y, dtype=np.float32)
                    annos.append(
                        dict(
                            frame_dir=sample_name(setup, c, p, r, a),
                            label=a,
                            keypoint=kp,
                            total_frames=kp.shape[1]))
                    if scores:
                        h = failure_hazard(X, **sensor)[:, a0:T - a1]
                        annos[-1]['keypoint_score'] = np.ascontiguousarray(
                            1 - h, dtype=np.float32)
    return dict(split=make_splits(annos), annotations=annos)


def make_splits(annos: Sequence[Dict]) -> Dict[str, List[str]]:
    """The split lists of the module docstring, from the sample names."""
    from .recording_keys import parse_ntu
    splits = {
        k: []
        for k in ('xsub_train', 'xsub_val', 'xview_train', 'xview_val',
                  'xview_val_seen', 'c1', 'c2', 'c3')
    }
    for a in annos:
        name = a['frame_dir']
        key = parse_ntu(name)
        train = key.subject in XSUB_TRAIN
        splits['xsub_train' if train else 'xsub_val'].append(name)
        if train and key.view in (2, 3):
            splits['xview_train'].append(name)
        if not train:
            splits['xview_val' if key.view == 1 else 'xview_val_seen'].append(
                name)
            splits[f'c{key.view}'].append(name)
    return splits


def write_synthetic_multiview(out: str, seed: int = 0, scores: bool = False,
                              **kw) -> Dict:
    """Build the set, check every entry with ``validate_annotation`` and
    write it atomically to ``out`` (no file on failure). Returns the dict."""
    from .validation import validate_annotation
    data = make_synthetic_multiview(seed=seed, scores=scores, **kw)
    K = dict(DEFAULTS, **kw)['num_classes']
    for a in data['annotations']:
        validate_annotation(a, out, num_joints=NUM_JOINTS, num_classes=K)
    dump_pickle_atomic(data, out)
    return data


def summarize(data: Dict) -> str:
    """Human-readable counts: per split, per camera, persons, lengths and
    recordings with a missing view."""
    from .recording_keys import parse_ntu
    annos = data['annotations']
    keys = [parse_ntu(a['frame_dir']) for a in annos]
    views_per_rec = Counter(k.recording for k in keys)
    cams = Counter(k.view for k in keys)
    T = np.array([a['total_frames'] for a in annos])
    M = Counter(a['keypoint'].shape[0] for a in annos)
    lines = [
        f'samples: {len(annos)}, recordings: {len(views_per_rec)}, '
        f'classes: {len({a["label"] for a in annos})}, '
        f'performers: {len({k.subject for k in keys})}, '
        f'setups: {len({k.setup for k in keys})}',
        'per camera: ' + ', '.join(
            f'C{c:03d} {n}' for c, n in sorted(cams.items())),
        'persons: ' + ', '.join(f'M={m}: {n}' for m, n in sorted(M.items())),
        f'frames: min {T.min()}, mean {T.mean():.1f}, max {T.max()}',
        'recordings missing a view: '
        f'{sum(n < 3 for n in views_per_rec.values())}',
        'splits: ' + ', '.join(
            f'{k} {len(v)}' for k, v in data.get('split', {}).items()),
    ]
    return '\n'.join(lines)

