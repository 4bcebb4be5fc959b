"""Choosing people for a campaign: the accounts that together reach the most credible people.

- :func:`select` chooses them (lazy greedy on weighted coverage, with a frequency goal,
  a budget and per-account costs) and returns a :class:`Campaign`.
- :func:`audiences` gives every account's audience in the window, each exposure
  weighted by the trust the house discounts give it.
- :func:`coverage` is the objective, computed exactly.

See docs/campaigns.md for the method, the guarantees and the validation on real logs.
"""

from influence.campaign.audience import Audiences, audiences, exposure_trust, on_topic
from influence.campaign.greedy import coverage, lazy_greedy
from influence.campaign.result import Campaign
from influence.campaign.select import FAKE_BELOW, read_costs, select

__all__ = [
    "FAKE_BELOW",
    "Audiences",
    "Campaign",
    "audiences",
    "coverage",
    "exposure_trust",
    "lazy_greedy",
    "on_topic",
    "read_costs",
    "select",
]
