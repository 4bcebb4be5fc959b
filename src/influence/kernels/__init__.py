"""Small vectorised helpers shared by the built-in components, one module per job.

- :mod:`~influence.kernels.rows`: which rows a signal reads, and the memo every kernel
  shares;
- :mod:`~influence.kernels.recency`: the recency weight of an event's age;
- :mod:`~influence.kernels.engagers`: what one engagement is worth (selectivity, action);
- :mod:`~influence.kernels.index`: the window's engagement rows by pair, sorted once;
- :mod:`~influence.kernels.pairs`: what is summed per pair, and per-pair verdicts per event.
"""

from __future__ import annotations

from influence.kernels.engagers import (
    action_weight_table,
    engagement_weights,
    engager_selectivity,
    restrict,
    saturate,
    window_weights,
)
from influence.kernels.index import PairIndex, engagement_index, engagers_received, sums
from influence.kernels.pairs import (
    Pairs,
    discounted_share,
    engagement_pairs,
    pair_keep_per_event,
)
from influence.kernels.recency import (
    BLOCK,
    recency_weights,
    window_recency,
    window_slice,
)
from influence.kernels.rows import (
    ENGAGEMENT,
    IMPLIES_POST,
    count_distinct_pairs,
    engagement_between,
    group_sums,
    plural,
    post_answers,
    post_origins,
    received_engagement,
    shared,
)

__all__ = [
    "BLOCK",
    "ENGAGEMENT",
    "IMPLIES_POST",
    "PairIndex",
    "Pairs",
    "action_weight_table",
    "count_distinct_pairs",
    "discounted_share",
    "engagement_between",
    "engagement_index",
    "engagement_pairs",
    "engagement_weights",
    "engager_selectivity",
    "engagers_received",
    "group_sums",
    "pair_keep_per_event",
    "plural",
    "post_answers",
    "post_origins",
    "received_engagement",
    "recency_weights",
    "restrict",
    "saturate",
    "shared",
    "sums",
    "window_recency",
    "window_slice",
    "window_weights",
]
