"""Graphs of engagement: the "who engages whom" graph and PageRank over it.

- :func:`engagement_graph`: the weighted engagement graph as a scipy sparse matrix
  (row = engager, column = engaged), built with the rules of
  :class:`~influence.components.Engagement`;
- :func:`to_networkx`: the same graph as a ``networkx.DiGraph``, for networkx's
  algorithms (networkx is imported only then);
- :func:`pagerank`: PageRank as a power iteration over CSR, no Python loop per node
  or edge; it also accepts a networkx graph.
"""

from influence.graph.engagement import engagement_graph, to_networkx
from influence.graph.ranking import pagerank

__all__ = ["engagement_graph", "pagerank", "to_networkx"]
