"""Skeleton layouts by name for mmaction2's graph code.

mmaction2 1.2.0 hard-codes three joint layouts ('openpose', 'nturgb+d',
'coco') in :class:`mmaction.models.utils.graph.Graph` and in
:class:`mmaction.datasets.transforms.JointToBone`. This module keeps a small
registry :data:`LAYOUTS` of further layouts and extends both classes once
(:func:`extend_mmaction_layouts`, run on import) so that a registered name
works wherever mmaction2 takes a layout string::

    Graph(layout='nw-ucla', mode='spatial')
    STGCN(graph_cfg=dict(layout='nw-ucla', mode='spatial'))
    JointToBone(dataset='nw-ucla')            # also GenSkeFeat(dataset=...)

This is an extension, not a defect repair: names mmaction2 already knows
(and unknown names) still go to the original code unchanged.

Registered here: 'nw-ucla', the 20-joint Kinect v1 skeleton of N-UCLA
(0 hip centre, 1 spine, 2 shoulder centre, 3 head, 4-7 left shoulder, elbow,
wrist, hand, 8-11 the same on the right, 12-15 left hip, knee, ankle, foot,
16-19 the same on the right) with CTR-GCN's N-UCLA edges.
"""
import functools
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

Pair = Tuple[int, int]

BUILTIN_LAYOUTS = ('openpose', 'nturgb+d', 'coco')

#: Joints per layout name; :func:`register_layout` adds its layouts here.
NUM_JOINTS: Dict[str, int] = {
    'nturgb+d': 25,
    'nw-ucla': 20,
    'coco': 17,
    'openpose': 18
}


class SkeletonLayout(NamedTuple):
    """A joint layout: graph edges for ``Graph``, bone pairs for
    ``JointToBone``.

    ``inward`` holds 0-based (child, parent) edges pointing towards the
    body's root, as in mmaction2's built-in layouts. ``bone_pairs`` holds
    (v1, v2) pairs, bone ``v1 = joint[v1] - joint[v2]``, with every joint
    exactly once as ``v1`` so the bone stream has as many "joints" as the
    joint stream.
    """
    name: str
    num_node: int
    inward: Tuple[Pair, ...]
    center: int
    bone_pairs: Tuple[Pair, ...]

    def graph_dict(self) -> Dict:
        """The dict form ``Graph(layout=...)`` accepts (fresh lists: Graph
        concatenates ``inward`` with a list)."""
        return dict(
            num_node=self.num_node,
            inward=[tuple(p) for p in self.inward],
            center=self.center)


LAYOUTS: Dict[str, SkeletonLayout] = {}


def _pairs(pairs: Sequence, num_node: int, what: str,
           name: str) -> Tuple[Pair, ...]:
    out = []
    for p in pairs:
        if len(p) != 2 or not all(
                isinstance(v, int) and 0 <= v < num_node for v in p):
            raise ValueError(f'layout {name!r}: {what} pair {tuple(p)!r} is '
                             f'not two joint indices in [0, {num_node})')
        out.append((int(p[0]), int(p[1])))
    return tuple(out)


def _derive_bone_pairs(inward: Tuple[Pair, ...], num_node: int,
                       name: str) -> Tuple[Pair, ...]:
    """(child, parent) per inward edge plus (root, root) for joints that have
    no parent, which is how mmaction2's NTU pairs (``(20, 20)``) treat the
    root: its bone is zero."""
    parent = {}
    for child, par in inward:
        if child in parent:
            raise ValueError(
                f'layout {name!r}: joint {child} has two parents in inward '
                f'({parent[child]} and {par}); pass bone_pairs explicitly')
        parent[child] = par
    return tuple((v, parent.get(v, v)) for v in range(num_node))


def register_layout(name: str,
                    num_node: int,
                    inward: Sequence[Pair],
                    center: int,
                    bone_pairs: Optional[Sequence[Pair]] = None,
                    force: bool = False) -> SkeletonLayout:
    """Register a layout under ``name`` for ``Graph`` and ``JointToBone``.

    Args:
        name: the string used as ``layout=`` / ``dataset=``.
        num_node: number of joints V.
        inward: 0-based (child, parent) edges towards the root.
        center: 0-based centre joint (used by Graph's 'stgcn_spatial' mode).
        bone_pairs: (v1, v2) pairs for ``JointToBone``; derived from
            ``inward`` when None (see :func:`_derive_bone_pairs`).
        force: replace an existing registration of ``name``.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f'layout name must be a non-empty str, got {name!r}')
    if name in BUILTIN_LAYOUTS:
        raise ValueError(f'layout {name!r} is built into mmaction2')
    if name in LAYOUTS and not force:
        raise KeyError(f'layout {name!r} is already registered '
                       '(pass force=True to replace it)')
    if not isinstance(num_node, int) or num_node <= 0:
        raise ValueError(f'layout {name!r}: num_node must be a positive int, '
                         f'got {num_node!r}')
    inward = _pairs(inward, num_node, 'inward', name)
    loops = [p for p in inward if p[0] == p[1]]
    if loops:
        # Graph adds self links itself; one here would be counted twice.
        raise ValueError(f'layout {name!r}: self loops {loops} in inward')
    if not isinstance(center, int) or not 0 <= center < num_node:
        raise ValueError(f'layout {name!r}: center {center!r} is not a joint '
                         f'index in [0, {num_node})')
    if bone_pairs is None:
        bone_pairs = _derive_bone_pairs(inward, num_node, name)
    bone_pairs = _pairs(bone_pairs, num_node, 'bone', name)
    if sorted(v1 for v1, _ in bone_pairs) != list(range(num_node)):
        raise ValueError(f'layout {name!r}: bone_pairs must name every joint '
                         'exactly once as v1 (one bone per joint)')
    layout = SkeletonLayout(name, num_node, inward, center, bone_pairs)
    LAYOUTS[name] = layout
    NUM_JOINTS[name] = num_node
    return layout


def get_layout(name: str) -> SkeletonLayout:
    if name not in LAYOUTS:
        raise KeyError(f'unknown layout {name!r}; registered: '
                       f'{sorted(LAYOUTS)}, built in: {list(BUILTIN_LAYOUTS)}')
    return LAYOUTS[name]


def extend_mmaction_layouts() -> None:
    """Let mmaction2's ``Graph`` and ``JointToBone`` accept registered names.

    Wraps ``Graph.__init__`` (it asserts a string layout is one of the
    built-in three before ``set_layout`` runs), ``Graph.set_layout`` and
    ``JointToBone.__init__``. A registered name is translated into what the
    original code accepts (Graph: the dict form, keeping ``self.layout`` as
    the name; JointToBone: the layout's ``bone_pairs``); any other value goes
    to the original method untouched. Safe to call repeatedly: the wrappers
    are installed once, and the originals stay reachable as ``__wrapped__``.
    """
    from mmaction.datasets.transforms import JointToBone
    from mmaction.models.utils.graph import Graph

    if not getattr(Graph.__init__, '_kdmvnet_layouts', False):
        orig_init, orig_set = Graph.__init__, Graph.set_layout

        @functools.wraps(orig_init)
        def graph_init(self, layout='coco', *args, **kwargs):
            if isinstance(layout, str) and layout in LAYOUTS:
                orig_init(self, LAYOUTS[layout].graph_dict(), *args, **kwargs)
                self.layout = layout
            else:
                orig_init(self, layout, *args, **kwargs)

        @functools.wraps(orig_set)
        def set_layout(self, layout):
            if isinstance(layout, str) and layout in LAYOUTS:
                layout = LAYOUTS[layout].graph_dict()
            return orig_set(self, layout)

        graph_init._kdmvnet_layouts = set_layout._kdmvnet_layouts = True
        Graph.__init__, Graph.set_layout = graph_init, set_layout

    if not getattr(JointToBone.__init__, '_kdmvnet_layouts', False):
        orig_j2b = JointToBone.__init__

        @functools.wraps(orig_j2b)
        def j2b_init(self, dataset='nturgb+d', target='keypoint'):
            if isinstance(dataset, str) and dataset in LAYOUTS:
                # Run the original on a known name so anything else it sets
                # up stays; then swap in the registered layout.
                orig_j2b(self, 'nturgb+d', target)
                self.dataset = dataset
                self.pairs = LAYOUTS[dataset].bone_pairs
            else:
                orig_j2b(self, dataset, target)

        j2b_init._kdmvnet_layouts = True
        JointToBone.__init__ = j2b_init


# CTR-GCN's N-UCLA graph (graph/ucla.py), 1-based (child, parent) edges.
_NWUCLA_INWARD_1BASED = [(1, 2), (2, 3), (4, 3), (5, 3), (6, 5), (7, 6),
                         (8, 7), (9, 3), (10, 9), (11, 10), (12, 11), (13, 1),
                         (14, 13), (15, 14), (16, 15), (17, 1), (18, 17),
                         (19, 18), (20, 19)]

# Centre: the spine (index 1), the middle of the body; only Graph's
# 'stgcn_spatial' mode uses it. The bone root is the shoulder centre
# (index 2), the one joint without a parent in these edges.
register_layout(
    'nw-ucla',
    num_node=20,
    inward=[(i - 1, j - 1) for i, j in _NWUCLA_INWARD_1BASED],
    center=1)

extend_mmaction_layouts()

__all__: List[str] = [
    'BUILTIN_LAYOUTS', 'LAYOUTS', 'NUM_JOINTS', 'SkeletonLayout',
    'extend_mmaction_layouts', 'get_layout', 'register_layout'
]
