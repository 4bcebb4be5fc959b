"""Choosing people for a campaign: the accounts that together reach the most credible people.

- :func:`select` chooses them (lazy greedy on the expected credible reach in the campaign
  period, or on the window's weighted coverage; a frequency goal, a budget and
  per-account costs) and returns a :class:`Campaign`.
- :func:`forecast` estimates, from the log's own past, who will engage each account in
  the campaign period: each known person's chance to return, and the newcomers.
- :func:`expected_reach` is the expected objective, computed exactly.
- :func:`audiences` gives every account's audience in the window, each exposure
  weighted by the trust the house discounts give it.
- :func:`coverage` is the objective, computed exactly.
- :func:`imm` and :func:`rr_sets` estimate and maximise the spread within a few hops of an
  independent cascade on the forecast's chances (``select(objective="spread")``).

See docs/campaigns.md for the method, the guarantees and the validation on real logs.
"""

from influence.campaign.audience import Audiences, audiences, on_topic
from influence.campaign.expected import ExpectedReach, expected_reach
from influence.campaign.forecast import Forecast, ForecastWarning, ReturnModel, forecast
from influence.campaign.greedy import coverage, lazy_greedy
from influence.campaign.result import Campaign
from influence.campaign.select import FAKE_BELOW, OBJECTIVES, read_costs, select
from influence.campaign.spread import (
    IMM,
    InfluenceGraph,
    RRSets,
    SpreadEstimate,
    imm,
    influence_graph,
    rr_sets,
)

__all__ = [
    "FAKE_BELOW",
    "IMM",
    "OBJECTIVES",
    "Audiences",
    "Campaign",
    "ExpectedReach",
    "Forecast",
    "ForecastWarning",
    "InfluenceGraph",
    "RRSets",
    "ReturnModel",
    "SpreadEstimate",
    "audiences",
    "coverage",
    "expected_reach",
    "forecast",
    "imm",
    "influence_graph",
    "lazy_greedy",
    "on_topic",
    "read_costs",
    "rr_sets",
    "select",
]
