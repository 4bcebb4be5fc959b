"""Built-in scoring components.

Signals give evidence of influence; modifiers are factors in ``[0, 1]``.
Each is a frozen dataclass, registered by name for :meth:`Scorer.from_config`.
"""

from .activity import Activity
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
    "Authority",
    "Credibility",
    "DistinctEngagers",
    "Engagement",
    "Inactivity",
    "Longevity",
    "Momentum",
    "Reciprocity",
]
