"""Built-in scoring components.

Signals give evidence of influence; discounts weigh each event by how far it is
trusted (before the signals read it); modifiers are factors in ``[0, 1]``.
Each is a frozen dataclass, registered by name for :meth:`Scorer.from_config`.
"""

from .activity import Activity
from .authenticity import Authenticity
from .authority import Authority
from .credibility import Credibility
from .engagement import Engagement
from .engagers import DistinctEngagers
from .inactivity import Inactivity
from .longevity import Longevity
from .momentum import Momentum
from .reciprocity import Reciprocity

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
]
