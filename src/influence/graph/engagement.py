"""The engagement graph, "who engages whom", as scipy sparse and as a networkx graph."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from influence import _validate
from influence._time import STANDING
from influence.events.outliers import warn_far_future
from influence.events.table import Events
from influence.events.timeparse import to_epoch
from influence.kernels import engagement_pairs, saturate

if TYPE_CHECKING:
    import networkx

__all__ = ["engagement_graph", "to_networkx"]


def engagement_graph(
    events: Events,
    as_of: float,
    *,
    window_days: float = STANDING.window_days,
    half_life_days: float = STANDING.half_life_days,
    selectivity_per_day: float = 20.0,
) -> sp.csr_array:
    r"""The weighted "who engages whom" graph, row = engager, column = engaged.

    Built with the rules of :class:`~influence.components.Engagement`: each
    event weighs recency x action weight x engager selectivity, and each pair
    :math:`v \to u` weighs :math:`1 - e^{-\sum w}` (at most 1, however often
    :math:`v` engages), times the pair's trust (:attr:`influence.Events.trust`,
    set by the scorer's discounts). Self-interactions and follows are not edges.

    Examples
    --------
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "bob", "action": "share", "target": "ann"},
    ...     {"time": 0, "actor": "bob", "action": "share", "target": "bob"},
    ... ])
    >>> g = engagement_graph(ev, 0.0)
    >>> g.shape, g.nnz, round(float(g[ev.users.index("bob"), ev.users.index("ann")]), 4)
    ((2, 2), 1, 0.9465)
    """
    pairs = engagement_pairs(
        events,
        as_of,
        window_days=window_days,
        half_life_days=half_life_days,
        selectivity_per_day=selectivity_per_day,
    )
    n = events.n_users
    weight = saturate(pairs.weight) * pairs.trust
    # The pairs are distinct and sorted by (source, target): the CSR arrays directly
    # (each row's extent from its count), without the scatter of a COO build. The
    # indices are copied: the graph is the caller's to change, the pairs are shared.
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(pairs.source, minlength=n), out=indptr[1:])
    return sp.csr_array((weight, pairs.target.copy(), indptr), shape=(n, n))


def to_networkx(
    events: Events,
    as_of: Any = None,
    *,
    window_days: float = STANDING.window_days,
    half_life_days: float = STANDING.half_life_days,
    selectivity_per_day: float = 20.0,
) -> networkx.DiGraph:
    r"""The engagement graph as a ``networkx.DiGraph``, for networkx's algorithms.

    The graph :class:`~influence.components.Authority` runs PageRank on
    (:func:`engagement_graph`), with the user
    ids as nodes: an edge :math:`v \to u` when :math:`v` replied to, shared,
    liked or mentioned :math:`u \ne v` in the window, of weight

    .. math::

        G_{vu} = \Big(1 - e^{-\sum_e w_e}\Big)\,\tau_{vu}, \qquad
        w_e = \rho(t - t_e)\, a_{\mathrm{action}(e)}\, \sigma(v)

    over the pair's events: recency :math:`\rho`, action weight :math:`a`
    (reply 2, share 3, like 1, mention 1.5), engager selectivity :math:`\sigma`,
    saturated (at most 1 however often :math:`v` engages), times the pair's
    weight-averaged trust :math:`\tau_{vu}` (:attr:`influence.Events.trust`; 1
    without). Computed by :func:`influence.kernels.engagement_pairs` and
    :func:`influence.kernels.saturate`: it is :func:`engagement_graph`, as nodes and edges. Follows,
    self-interactions and pairs of weight 0 (every event distrusted) are not
    edges. networkx is imported here, on the first call.

    Parameters
    ----------
    events : Events
        The interaction log; with :attr:`~influence.Events.trust` set (by the
        scorer's discounts, or :meth:`~influence.Events.with_trust`), the edges
        carry it.
    as_of : float, datetime or str, optional
        The time the graph is seen at (epoch seconds, a datetime or ISO 8601);
        the last event's time by default (with a :class:`~influence.FarFutureWarning`
        when it stands far beyond the bulk of the log).
    window_days, half_life_days, selectivity_per_day : float
        As in :class:`~influence.components.Authority`.

    Returns
    -------
    networkx.DiGraph
        Every user of ``events.users`` is a node, in that order (so
        ``pagerank(graph)`` lines up with ``events.users``), with the node
        attribute ``index``, the user's position there; each edge has the
        attribute ``weight``; ``graph.graph["as_of"]`` is the time used
        (epoch seconds, ``None`` for an empty log).

    See Also
    --------
    pagerank : Accepts the returned graph.
    engagement_graph : The same, scipy sparse.

    References
    ----------
    .. [1] A. A. Hagberg, D. A. Schult, P. J. Swart, "Exploring network
       structure, dynamics, and function using NetworkX", SciPy 2008.

    Examples
    --------
    >>> import networkx as nx
    >>> from influence import Events
    >>> ev = Events.from_records([
    ...     {"time": 0, "actor": "bob", "action": "share", "target": "ann"},
    ...     {"time": 0, "actor": "cy", "action": "like", "target": "ann"},
    ...     {"time": 0, "actor": "ann", "action": "reply", "target": "ann"},
    ... ])
    >>> g = to_networkx(ev)
    >>> list(g.nodes(data="index")), [(v, u, round(w, 4)) for v, u, w in g.edges(data="weight")]
    ([('ann', 0), ('bob', 1), ('cy', 2)], [('bob', 'ann', 0.9465), ('cy', 'ann', 0.6231)])
    >>> sorted(g, key=nx.pagerank(g).get)[-1]  # networkx's algorithms apply
    'ann'
    """
    owner = "to_networkx"
    _validate.number(owner, "window_days", window_days, low=0.0, low_open=True)
    _validate.number(owner, "half_life_days", half_life_days, low=0.0, low_open=True)
    _validate.number(owner, "selectivity_per_day", selectivity_per_day, low=0.0, low_open=True)
    if as_of is None:
        warn_far_future(events)
    when = events.end if as_of is None else to_epoch(as_of)
    import networkx as nx  # interop only: never on the scoring path

    graph: Any = nx.DiGraph(as_of=when)
    graph.add_nodes_from((user, {"index": k}) for k, user in enumerate(events.users))
    if when is None:
        return graph
    adjacency = engagement_graph(
        events,
        when,
        window_days=window_days,
        half_life_days=half_life_days,
        selectivity_per_day=selectivity_per_day,
    ).tocoo()
    edge = adjacency.data > 0
    ids = events.users.ids
    source, target = ids[adjacency.row[edge]].tolist(), ids[adjacency.col[edge]].tolist()
    weight = adjacency.data
    graph.add_weighted_edges_from(zip(source, target, weight[edge].tolist()))
    return graph
