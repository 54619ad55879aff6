"""Class names of the datasets this plugin reads, for reports and inference.

NTU RGB+D 120 actions A001-A120 in label order (NTU60 is the first 60), as
published with the dataset (Liu et al., TPAMI 2019), spelled as mmaction2's
``label_map_ntu120.txt`` (a test compares them when ``../shared`` is there).
"""
from typing import Optional, Sequence, Tuple

from .converters.nwucla import NWUCLA_CLASSES
from .synthetic import ACTION_NAMES

NTU120_CLASSES: Tuple[str, ...] = (
    'drink water', 'eat meal/snack', 'brushing teeth', 'brushing hair',
    'drop', 'pickup', 'throw', 'sitting down',
    'standing up (from sitting position)', 'clapping', 'reading', 'writing',
    'tear up paper', 'wear jacket', 'take off jacket', 'wear a shoe',
    'take off a shoe', 'wear on glasses', 'take off glasses',
    'put on a hat/cap', 'take off a hat/cap', 'cheer up', 'hand waving',
    'kicking something', 'reach into pocket', 'hopping (one foot jumping)',
    'jump up', 'make a phone call/answer phone', 'playing with phone/tablet',
    'typing on a keyboard', 'pointing to something with finger',
    'taking a selfie', 'check time (from watch)', 'rub two hands together',
    'nod head/bow', 'shake head', 'wipe face', 'salute',
    'put the palms together', 'cross hands in front (say stop)',
    'sneeze/cough', 'staggering', 'falling', 'touch head (headache)',
    'touch chest (stomachache/heart pain)', 'touch back (backache)',
    'touch neck (neckache)', 'nausea or vomiting condition',
    'use a fan (with hand or paper)/feeling warm',
    'punching/slapping other person', 'kicking other person',
    'pushing other person', 'pat on back of other person',
    'point finger at the other person', 'hugging other person',
    'giving something to other person', "touch other person's pocket",
    'handshaking', 'walking towards each other',
    'walking apart from each other', 'put on headphone', 'take off headphone',
    'shoot at the basket', 'bounce ball', 'tennis bat swing',
    'juggling table tennis balls', 'hush (quite)', 'flick hair', 'thumb up',
    'thumb down', 'make ok sign', 'make victory sign', 'staple book',
    'counting money', 'cutting nails', 'cutting paper (using scissors)',
    'snapping fingers', 'open bottle', 'sniff (smell)', 'squat down',
    'toss a coin', 'fold paper', 'ball up paper', 'play magic cube',
    'apply cream on face', 'apply cream on hand back', 'put on bag',
    'take off bag', 'put something into a bag', 'take something out of a bag',
    'open a box', 'move heavy objects', 'shake fist', 'throw up cap/hat',
    'hands up (both hands)', 'cross arms', 'arm circles', 'arm swings',
    'running on the spot', 'butt kicks (kick backward)', 'cross toe touch',
    'side kick', 'yawn', 'stretch oneself', 'blow nose',
    'hit other person with something', 'wield knife towards other person',
    'knock over other person (hit with body)', 'grab other person’s stuff',
    'shoot at other person with a gun', 'step on foot', 'high-five',
    'cheers and drink', 'carry something with other person',
    'take a photo of other person', 'follow other person',
    'whisper in other person’s ear', 'exchange things with other person',
    'support somebody with hand',
    'finger-guessing game (playing rock-paper-scissors)')
NTU60_CLASSES = NTU120_CLASSES[:60]

CLASS_NAMES = dict(
    ntu60=NTU60_CLASSES,
    ntu120=NTU120_CLASSES,
    nwucla=NWUCLA_CLASSES,
    synthetic=ACTION_NAMES)


def class_names(num_classes: int,
                dataset: Optional[str] = None) -> Sequence[str]:
    """Names for ``num_classes`` labels.

    ``dataset`` picks a table of :data:`CLASS_NAMES` or is a text file with
    one name per line; when None, NTU60 / NTU120 / N-UCLA are recognised by
    their class count and other counts get ``class <i>``.
    """
    if dataset is None:
        by_count = {60: 'ntu60', 120: 'ntu120', 10: 'nwucla'}
        if num_classes not in by_count:
            return [f'class {i}' for i in range(num_classes)]
        dataset = by_count[num_classes]
    if dataset in CLASS_NAMES:
        names = CLASS_NAMES[dataset]
    else:
        try:
            with open(dataset, encoding='utf-8') as f:
                names = [ln.strip() for ln in f if ln.strip()]
        except OSError as e:
            raise FileNotFoundError(
                f'class names: {dataset!r} is neither one of '
                f'{sorted(CLASS_NAMES)} nor a readable file ({e})') from None
    if len(names) < num_classes:
        raise ValueError(f'class names {dataset!r}: {len(names)} names for a '
                         f'model with {num_classes} classes')
    return list(names[:num_classes])
