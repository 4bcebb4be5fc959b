"""Built-in scoring components.

Signals give evidence of influence; discounts weigh each event by how far it is
trusted (before the signals read it); modifiers are factors in ``[0, 1]``.
Each is a frozen dataclass whose parameters are checked against its declared
``parameter_constraints`` (:mod:`influence.components.constraints`), and is known
by name to :meth:`Scorer.from_config` (:data:`influence.components.registry.BUILT_INS`).
The house preset's choice of components is :func:`influence.components.house.house_parts`.
"""

from influence.components.activity import Activity
from influence.components.authenticity import Authenticity
from influence.components.authority import Authority
from influence.components.credibility import Credibility
from influence.components.engagement import Engagement
from influence.components.engagers import DistinctEngagers
from influence.components.inactivity import Inactivity
from influence.components.longevity import Longevity
from influence.components.momentum import Momentum
from influence.components.reciprocity import Reciprocity
from influence.components.topic_posters import TopicPosters

__all__ = [
    "Activity",
    "Authenticity",
    "Authority",
    "Credibility",
    "DistinctEngagers",
    "Engagement",
    "Inactivity",
    "Longevity",
    "Momentum",
    "Reciprocity",
    "TopicPosters",
]
