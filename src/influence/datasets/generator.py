"""The generated world: a deterministic synthetic network with planted adversaries.

:func:`synthetic` validates its arguments, gives every population its own random stream
(``np.random.default_rng([seed, key])``, the keys below), asks each population module for
its rows, labels and ground truth, and assembles them into a :class:`World`. The
populations live in :mod:`~influence.datasets.populations`, :mod:`~influence.datasets.attacks`
and :mod:`~influence.datasets.twins`; the expected engagement behind
:attr:`World.truth` in :mod:`~influence.datasets.truth`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence import _validate
from influence._time import DAY
from influence.datasets.attacks import _chatter, _customers, _farm, _ring, _service, _spam, _sybils
from influence.datasets.labels import _TWIN_LABELS, KINDS, TWINS
from influence.datasets.populations import _curator, _Ordinary, _ordinary, _roles, _Special, _star
from influence.datasets.rows import _Rows
from influence.datasets.topics import TOPIC_NAMES, _affinity, _interests, _topic_truth
from influence.datasets.truth import _crowd_truth, _expected_engagers, _landing_table
from influence.datasets.twins import (
    _broadcasters,
    _burst,
    _community,
    _link_poster,
    _partners,
    _recipients,
    _Twin,
    _viral,
)
from influence.events import actions as _actions
from influence.events.table import Events

__all__ = ["EPOCH", "World", "synthetic"]

#: 2026-01-01T00:00:00Z, the start of every generated world.
EPOCH = 1_767_225_600.0

# One independent random stream per population: np.random.default_rng([seed, key]).
_ORDINARY, _ROLES, _CURATOR, _STAR, _SPAM, _FARM, _RING, _SYBILS, _CUSTOMERS, _CHATTER = range(10)
# The good twins' streams: new keys, so that the twins move nothing else.
_BROADCAST, _BURST, _PARTNERS, _VIRAL, _RECIPIENTS, _LINKS, _COMMUNITY = range(10, 17)
# Topics (``topics=K``): the interests and the posts' topics, new keys too.
_INTERESTS, _POST_TOPICS = 17, 18


@dataclass(frozen=True)
class World:
    """A generated data set and what is true about it.

    Attributes
    ----------
    events : Events
        The observed log, ``days`` days from :data:`EPOCH` to :attr:`end`.
    labels : dict of str to str
        Every account id -> its kind, one of :data:`KINDS`: ``"genuine"``,
        ``"curator"``, ``"dormant_star"``, ``"spam"``, ``"farm"``, ``"ring"``
        or ``"sybil"``, or the label of a good twin (see :attr:`twins`). The
        Sybil target is ``"genuine"``; so are the
        genuine customers of a farm (``farm_customers``), while its fresh
        customers (``buyer00000``, ...) are ``"spam"``: accounts propped up by
        a farm. Ring members are
        labelled ``"ring"`` even when the ring is switched off (they are then
        ordinary users: the baseline of the ring's gain); the accounts of the
        other switched-off populations are absent.
    truth : dict of str to float
        For every genuine account (labels in :data:`GENUINE_KINDS`, including
        the curator, the dormant star, the Sybil target and the good twins
        but the burst poster): the expected
        number of distinct genuine engagers per day over the ``future_days``
        after :attr:`end`, a window without attack traffic. It is the
        expectation under the simulation's model, given each user's latent
        parameters (computed in closed form up to a numerical integral), not
        one noisy draw of the future.
    quality : dict of str to float
        The latent content quality behind each genuine and ring account's
        engagement (of the good twins: the broadcasters, the partners, the
        viral account, the link poster and the community's host).
    end : float
        End of the observed log (epoch seconds): ``EPOCH + days * DAY``. Score
        worlds at it to compare them, since their latest events differ.
    ring : tuple of str
        The ring members (also when ``ring=False``).
    sybil_target : str
        The weak genuine user the Sybils boost (also when ``sybils=False``).
    curator, dormant_star, spam : str or None
        The id of that account, ``None`` when it is switched off.
    customers : tuple of str
        The accounts a farm serves with ``farm_customers`` (genuine ones and
        fresh ones), empty without.
    topics : tuple of str
        The topics of the world (``topics=K``: the first *K* of
        :data:`~influence.datasets.topics.TOPIC_NAMES`); empty without.
    interests : dict of str to tuple of str
        Every ordinary user (ring members included) -> the topics they post about and
        engage with most (``topics=K``; empty without).
    topic_truth : dict of str to dict of str to float
        For each topic, every genuine ordinary user -> the expected number of distinct
        genuine engagers per day of their posts about the topic over the ``future_days``
        after :attr:`end` (``topics=K``; empty without). With topics, :attr:`truth` of the
        ordinary users follows the same model (:mod:`influence.datasets.topics`).
    twins : dict of str to tuple of str
        The good twins (``twins=True``; empty without): each key of
        :data:`TWINS` -> the sorted ids of its accounts. Each is labelled with
        its key, except the burst poster (``"volume"``, not genuine):

        ``"broadcaster"``: ``broadcaster0`` and ``broadcaster1``;
        ``"burst_poster"``: ``burst`` (labelled ``"volume"``);
        ``"partners"``: ``partner0`` to ``partner3`` (``partner0`` and
        ``partner1`` are a pair, so are the others); ``"viral"``: ``viral``;
        ``"newcomer"``: ``newcomer00000``, ... (300); ``"recipient"``:
        ``recipient0`` to ``recipient2``; ``"link_poster"``: ``links``;
        ``"community"``: ``host``; ``"member"``: ``member00000``, ... (25).

    Examples
    --------
    >>> world = synthetic(seed=1, n_users=60, days=10, ring_size=5)
    >>> world.accounts("ring") == list(world.ring)
    True
    >>> world.labels[world.sybil_target], world.labels["spam"]
    ('genuine', 'spam')
    """

    events: Events
    labels: dict[str, str]
    truth: dict[str, float]
    quality: dict[str, float]
    end: float
    ring: tuple[str, ...]
    sybil_target: str
    curator: str | None
    dormant_star: str | None
    spam: str | None
    customers: tuple[str, ...] = ()
    twins: dict[str, tuple[str, ...]] = field(default_factory=dict)
    topics: tuple[str, ...] = ()
    interests: dict[str, tuple[str, ...]] = field(default_factory=dict)
    topic_truth: dict[str, dict[str, float]] = field(default_factory=dict)

    def accounts(self, *kinds: str) -> list[str]:
        """Sorted ids of the accounts labelled with any of *kinds* (see :data:`KINDS`)."""
        for kind in kinds:
            _validate.choice("World.accounts", "kinds", kind, KINDS)
        wanted = set(kinds)
        return sorted(user for user, kind in self.labels.items() if kind in wanted)


def synthetic(
    seed: int = 0,
    *,
    n_users: int = 500,
    days: float = 60.0,
    future_days: float = 14.0,
    curator: bool = True,
    dormant_star: bool = True,
    spam: bool = True,
    farm_size: int = 60,
    ring: bool = True,
    ring_size: int | None = None,
    sybils: bool = True,
    n_sybils: int = 200,
    sybil_mesh: int = 0,
    farm_customers: int = 0,
    ring_mixing: float = 0.0,
    twins: bool = True,
    topics: int = 0,
) -> World:
    r"""Generate a deterministic synthetic world, with planted adversaries.

    **Ordinary users** (``u00000``, ...). Each has a content quality ``q``
    (log-normal), an audience weight ``a`` (Pareto, heavy-tailed), a posting
    rate (log-normal, about 0.6 a day) and an activity level. Each post draws
    a Poisson number of engagements with mean ``0.24 q a``; engagers are drawn
    in proportion to their activity; actions are mostly likes, then shares,
    replies and mentions; delays are log-normal, minutes to days, with a 5%
    late tail (median 4 days). Users also follow a few accounts, preferring big
    and good ones. ``ring_size`` of them, drawn at random outside the top
    decile of audiences, are the ring members.

    **Curator** (``curator``, genuine): posts about 200 links a day
    (``"https://..."``, Poisson per day) to an audience of about a third of the
    genuine users, who engage about once per three posts (mostly likes and
    shares), and follow the curator.

    **Dormant star** (``star``, genuine): about 100 times an ordinary user's
    audience and 2-4 posts a day, until 21-35 days before the end (the second
    half of a shorter log), then nothing of their own; old posts keep a trickle
    of late engagement.

    **Spam** (``spam``): 100-300 posts every day, texts among
    :data:`SPAM_TEXTS`. **Farm** (``farm00000``, ...): ``farm_size`` bots created
    in the last 10 days (the last half of a shorter log); each follows the spam
    account, then likes (70%) or shares (30%) its every later post within
    minutes; 40% post a few junk texts (:data:`FARM_TEXTS`); as camouflage each
    likes half a recent genuine post on average, and does nothing else.

    **Ring**: every ring member follows the others at the start and shares
    every post of theirs within minutes (log-normal delay, median 3 minutes).

    **Sybils** (``sybil00000``, ...): ``n_sybils`` accounts created within 6
    hours, 3-8 days before the end (the last half of a shorter log); each
    follows the Sybil target, a weak genuine user (bottom third by expected
    engagement a day, posting recently), likes 70% of its posts from 14 days
    before the burst on, and does nothing else.

    **Farm with many customers** (``farm_customers`` = :math:`K`): the farm
    sells its engagement instead of serving the spam account (which then posts
    alone). Half the customers (rounded down) are weak genuine users (as for
    the Sybil target, never the target itself nor a ring member; fewer if
    there are not enough), the others fresh accounts (``buyer00000``, ...)
    created 10-30 days before the end (the last three quarters of a shorter
    log) that post about twice a day and follow three established accounts.
    Every bot (created in the last 10 days, as above) follows each customer
    with probability 1/2 and likes (70%) or shares (30%) each customer post
    after its creation with probability 1/2, within minutes; 40% post a few
    junk texts, and as camouflage each likes 3 recent genuine posts on
    average. No bot has one main target: each spreads its engagement over the
    :math:`K` customers.

    **Ring with conversation** (``ring_mixing`` = :math:`x`): ring members
    still share each other's every post, but a share :math:`x` of each
    member's interactions now goes to genuine users: replies (35%), mentions
    (15%), likes (35%) and shares (15%) of genuine posts drawn by their
    authors' audience and quality, with the delays of ordinary engagement.
    Each member makes :math:`x / (1 - x)` such interactions (Poisson) for each
    share it gives the ring (or would give it, with the ring off), spread over
    the log. The conversation stays when the ring is switched off (its members
    are then ordinary users who talk that much), so that the score difference
    with the ring on and off is what the trade alone brings.

    **Good twins** (``twins``): genuine accounts that behave like an attack
    in one respect, which a defence must leave alone (all genuine, with a
    ground truth, but the burst poster). Their engagers are genuine ordinary
    users (ring members excluded) drawn by activity, with the delays of
    ordinary engagement, unless said otherwise; their ids and labels are in
    :attr:`World.twins`.

    - **Broadcasters** (``broadcaster0``, ``broadcaster1``), daily
      columnists, the twins of a bot posting on a clock: one post a day
      (texts ``"column 12"``, ``"letter 12"``) at the account's own hour
      (uniform in 4:00-19:00) give or take 4 hours (uniform), for the whole
      log; they never like, share or reply. Each post draws about 15
      engagements (Poisson; likes 70%, shares 18%, replies 12%).
    - **Burst poster** (``burst``, label ``"volume"``, not genuine, no
      truth): the broadcaster's twin with volume. At its hour (give or take 4
      hours) it posts 40 times within 20 minutes, the same text each time
      (``"digest 12"``); one of the 40, at random, draws a broadcaster's
      engagement, the others none. It must score below a broadcaster.
    - **Conversation partners** (``partner0`` with ``partner1``, ``partner2``
      with ``partner3``), the ring's twin: each posts about 0.8 times a day
      (Poisson) through the log; the mate replies to a post with probability
      0.8 and the author answers that reply with probability 0.5, each after a
      log-normal delay (median 20 minutes, sigma 1); eight friends of each
      (genuine users) engage its posts about once a post.
    - **Viral post** (``viral``), the Sybils' twin: an ordinary user (about
      0.8 posts a day, 1 engagement a post) whose one post, 10 days before the
      end, brings 300 **newcomers** (``newcomer00000``, ..., label
      ``"newcomer"``): each is first seen when it likes (60%), shares (25%) or
      replies to (15%) that post, an exponential delay (mean 6 hours) after
      it, and does nothing else. Only the newcomers engage the viral post.
    - **Recipients** (``recipient0`` to ``recipient2``), an inbox that mostly
      receives: each has 3 to 6 contacts (genuine users) who mention it
      (no post), each every 3 to 10 days (Poisson, rate uniform per contact)
      through the log. ``recipient0`` mentions one of its contacts once, 50
      days before the end; the other two never act.
    - **Link poster** (``links``), the twin of a link spammer: about
      3 posts a day (Poisson), each a distinct link
      (``"https://example.org/notes/00012"``) that about 5 genuine users
      engage (mostly likes and shares), drawn from a third of them.
    - **Community** (``host``, label ``"community"``, and 25 **members**
      ``member00000``, ..., label ``"member"``), the Sybil mesh's twin: a club
      or class that joins within a day, 12 days before the end. ``host`` is an
      ordinary user (about 1 post a day, 1 engagement a post) for the whole
      log. Each member is first seen when it follows the host (minutes after
      joining), then follows three fellow members; from the end of the joining
      day on, each host post draws about 6 likes and replies from the members,
      and each member posts about once a day (Poisson), each post drawing about
      4 likes and replies from fellow members.

    **Topics** (``topics`` = :math:`K`, off by default): every ordinary user has one to
    three interests among :math:`K` topics, each of their posts is about one of them, and
    engagers are drawn mostly among the people interested in a post's topic
    (:mod:`influence.datasets.topics`); ring members post on their interests and their
    shares follow; the spam account posts on the most popular topic, so its farm's
    engagement is about it. The other accounts' posts carry no topic. Interests and post
    topics draw from their own streams, and with ``topics=0`` the world is the one
    without topics, event for event.

    In a log shorter than 60 days the twins' dates shrink with it: the viral
    post comes at ``min(10 days, days / 6)`` before the end and the newcomers'
    mean delay is ``min(6 hours, that / 8)``; the community joins
    ``min(12 days, days / 5)`` before the end, within a twelfth of that;
    ``recipient0``'s mention comes at ``max(end - 50 days, end / 6)``; so
    everything stays inside the log (a tiny log may still cut the last of it).

    Attack events after the end are dropped; the future window behind
    :attr:`World.truth` has no attack traffic. The truth is the expected number
    of distinct genuine engagers per day in that window: with posts a Poisson
    process of rate :math:`r_u` and :math:`q(s)` the probability that an
    engagement with a post made at :math:`s` lands in the window, engager
    :math:`v` (share :math:`p_v` of the engagement) shows up with probability
    :math:`1 - \exp(-r_u \int (1 - e^{-m_u p_v q(s)}) ds)`, summed over the
    genuine :math:`v \ne u`. Computed by numerical integration; it agrees with
    a Monte Carlo simulation of the window. The good twins keep behaving in
    the window as they did in the log (the viral post's newcomers do not come
    back; their own truth is 0): a broadcaster's truth integrates over its
    daily schedule instead of a Poisson process, a partner's adds
    :math:`1 - e^{-\lambda F}` for its mate, who engages it at rate
    :math:`\lambda = 0.8 (r_u + 0.5 r_{mate})` over the window's length
    :math:`F`, a recipient's is :math:`\sum_v 1 - e^{-\lambda_v F}` over its
    contacts, and the community's engagement counts from the end of its
    joining day on.

    Parameters
    ----------
    seed : int, default 0
        Same seed (and parameters), same world. A non-negative integer.
    n_users : int, default 500
        Ordinary users, including the ring members; the curator, the star, the
        attackers and the good twins come on top. At least 10.
    days : float, default 60
        Length of the observed log.
    future_days : float, default 14
        Length of the future window behind :attr:`World.truth`.
    curator, dormant_star : bool, default True
        Include the curator, the dormant star.
    spam : bool, default True
        Include the spam account and its farm.
    farm_size : int, default 60
        Bots in the farm, 0 to 10,000 (0: spam without a farm). Ignored
        without ``spam``.
    ring : bool, default True
        Switch the ring on. Off, its members stay as ordinary users.
    ring_size : int, optional
        Ring members, 2 to ``n_users // 2``; default 25, or ``n_users // 2`` in a world of
        fewer than 50 users.
    sybils : bool, default True
        Include the Sybil attack.
    n_sybils : int, default 200
        Sybil accounts, 1 to 100,000.
    sybil_mesh : int, default 0
        An adaptive variant of the Sybil attack: each Sybil also likes this many
        fellow Sybils drawn at random (0 to 50, fewer than ``n_sybils``), within
        a day of its creation, so that none of them looks unengaged.
    farm_customers : int, default 0
        An adaptive variant of the farm: the number of customers it serves
        instead of the spam account, 0 to 100 (0: the spam account, as above).
        Ignored without ``spam`` or with ``farm_size=0``.
    ring_mixing : float, default 0
        An adaptive variant of the ring: the share of each member's
        interactions that goes to genuine users, in [0, 0.9] (0: the ring only
        trades). Also applies with ``ring=False``: the members keep talking.
    twins : bool, default True
        Plant the good twins (above). They draw from their own random
        streams: with ``twins=False`` the world is the one before they
        existed, and switching them on only adds their accounts and the events
        they take part in.
    topics : int, default 0
        Topics of the world, 0 to 24 (above); 0: no topics.

    Returns
    -------
    World

    Raises
    ------
    ValueError
        For a parameter of the wrong type or out of range; the message names
        the parameter, what is allowed and the value given.

    Examples
    --------
    >>> world = synthetic(seed=1, n_users=60, days=10, ring_size=5)
    >>> sorted(set(world.labels.values()) - set(world.twins) - {"volume"})
    ['curator', 'dormant_star', 'farm', 'genuine', 'ring', 'spam', 'sybil']
    >>> world.twins["partners"], world.labels["burst"]
    (('partner0', 'partner1', 'partner2', 'partner3'), 'volume')
    >>> from influence.datasets import GENUINE_KINDS
    >>> sorted(world.truth) == world.accounts(*GENUINE_KINDS)
    True
    >>> calm = synthetic(seed=1, n_users=60, days=10, ring_size=5, spam=False)
    >>> "spam" in calm.labels, calm.sybil_target == world.sybil_target
    (False, True)
    """
    owner = "synthetic"
    seed = _validate.integer(owner, "seed", seed, 0)
    n_users = _validate.integer(owner, "n_users", n_users, 10)
    days = _validate.number(owner, "days", days, low=0.0, low_open=True)
    future_days = _validate.number(owner, "future_days", future_days, low=0.0, low_open=True)
    switches = {
        "curator": curator,
        "dormant_star": dormant_star,
        "spam": spam,
        "ring": ring,
        "sybils": sybils,
        "twins": twins,
    }
    for name, value in switches.items():
        _flag(owner, name, value)
    farm_size = _validate.integer(owner, "farm_size", farm_size, 0, 10_000)
    if ring_size is None:
        ring_size = max(2, min(25, n_users // 2))
    ring_size = _validate.integer(owner, "ring_size", ring_size, 2, n_users // 2)
    n_sybils = _validate.integer(owner, "n_sybils", n_sybils, 1, 100_000)
    sybil_mesh = _validate.integer(owner, "sybil_mesh", sybil_mesh, 0, min(50, n_sybils - 1))
    farm_customers = _validate.integer(owner, "farm_customers", farm_customers, 0, 100)
    ring_mixing = _validate.number(owner, "ring_mixing", ring_mixing, low=0.0, high=0.9)
    topics = _validate.integer(owner, "topics", topics, 0, len(TOPIC_NAMES))

    def stream(key: int) -> np.random.Generator:
        return np.random.default_rng([seed, key])

    end = days * DAY
    future = future_days * DAY
    shares = _interests(stream(_INTERESTS), n_users, topics) if topics else None
    pop = _ordinary(
        stream(_ORDINARY), n_users, end, None if shares is None else (stream(_POST_TOPICS), shares)
    )
    members, target = _roles(stream(_ROLES), pop, ring_size, end)
    genuine = np.ones(n_users, dtype=bool)
    genuine[members] = False
    genuine_idx = np.flatnonzero(genuine)

    blocks = [pop.rows]
    labels = dict(zip(pop.ids.tolist(), np.where(genuine, "genuine", "ring").tolist()))
    quality = dict(zip(pop.ids.tolist(), pop.quality.tolist()))
    ordinary_table = _landing_table(0.0, end + future, end, future)
    p_all = pop.activity / pop.activity.sum()
    p_self = np.where(genuine, p_all, 0.0)
    truth_values = _expected_engagers(
        pop.posts_per_day[genuine] / DAY,
        pop.mean[genuine],
        p_self[genuine],
        p_all[genuine],
        ordinary_table,
    )
    topic_truth: dict[str, dict[str, float]] = {}
    if shares is not None:
        truth_values, by_topic = _topic_truth(
            pop.posts_per_day,
            pop.mean,
            shares,
            _affinity(pop.activity, shares),
            genuine,
            ordinary_table,
            future_days,
        )
        truth_values = truth_values * future_days
        for t, name in enumerate(TOPIC_NAMES[:topics]):
            topic_truth[name] = dict(zip(pop.ids[genuine].tolist(), by_topic[:, t].tolist()))
    truth = dict(zip(pop.ids[genuine].tolist(), (truth_values / future_days).tolist()))

    specials: dict[str, _Special] = {}
    if curator:
        specials["curator"] = _curator(stream(_CURATOR), pop, genuine_idx, end)
    if dormant_star:
        specials["dormant_star"] = _star(stream(_STAR), pop, genuine_idx, end)
    for kind, account in specials.items():
        blocks.append(account.rows)
        labels[account.user] = kind
        quality[account.user] = account.quality
        # The curator keeps posting through the future window; the star stopped.
        table = (
            ordinary_table if kind == "curator" else _landing_table(0.0, account.stop, end, future)
        )
        weight = pop.activity[account.audience]
        expected = _crowd_truth(account.posts_per_day, account.mean, weight, table)
        truth[account.user] = expected / future_days
    spam_id = None
    customers: tuple[str, ...] = ()
    if spam:
        spam_rows, spam_time, spam_post = _spam(stream(_SPAM), end)
        if topics:  # the spam account hijacks the most popular topic
            on_topic = np.where(spam_rows.action == _actions.POST, TOPIC_NAMES[0], "")
            spam_rows = dataclasses.replace(spam_rows, topics=on_topic)
        spam_id = "spam"
        blocks.append(spam_rows)
        labels[spam_id] = "spam"
        if farm_size and farm_customers:
            buyers = _customers(
                stream(_CUSTOMERS), farm_customers, pop, genuine, members, target, end
            )
            blocks.append(buyers.rows)
            labels.update(dict.fromkeys(buyers.fresh.tolist(), "spam"))
            customers = tuple(buyers.ids.tolist())
            farm_rows, farm_ids = _service(stream(_FARM), farm_size, end, buyers, pop, genuine_idx)
            blocks.append(farm_rows)
            labels.update(dict.fromkeys(farm_ids.tolist(), "farm"))
        elif farm_size:
            farm_rows, farm_ids = _farm(
                stream(_FARM), farm_size, end, spam_time, spam_post, pop, genuine_idx
            )
            blocks.append(farm_rows)
            labels.update(dict.fromkeys(farm_ids.tolist(), "farm"))
    if ring or ring_mixing:
        ring_rows = _ring(stream(_RING), members, pop, end)
        if ring:
            blocks.append(ring_rows)
        if ring_mixing:  # with the ring off too: the ring's gain is then the trade alone
            blocks.append(
                _chatter(stream(_CHATTER), members, ring_rows, ring_mixing, pop, genuine_idx, end)
            )
    if sybils:
        sybil_rows, sybil_ids = _sybils(
            stream(_SYBILS), n_sybils, target, pop, end, mesh=sybil_mesh
        )
        blocks.append(sybil_rows)
        labels.update(dict.fromkeys(sybil_ids.tolist(), "sybil"))
    planted: dict[str, tuple[str, ...]] = {}
    if twins:
        for twin in _good_twins(stream, pop, genuine_idx, end, future, ordinary_table):
            blocks.append(twin.rows)
            for key, ids in twin.groups.items():
                planted[key] = tuple(sorted(ids))
                labels.update(dict.fromkeys(ids, _TWIN_LABELS.get(key, key)))
            truth.update({user: value / future_days for user, value in twin.truth.items()})
            quality.update(twin.quality)

    rows = _Rows.concat(blocks)
    events = Events.from_arrays(
        time=rows.time + EPOCH,
        actor=rows.actor,
        action=rows.action,
        target=rows.target,
        post=rows.post,
        parent=rows.parent,
        text=rows.text,
        topics=rows.topics if topics else None,
    )
    return World(
        events=events,
        labels=dict(sorted(labels.items())),
        truth=dict(sorted(truth.items())),
        quality=dict(sorted(quality.items())),
        end=EPOCH + end,
        ring=tuple(pop.ids[members].tolist()),
        sybil_target=str(pop.ids[target]),
        curator=specials["curator"].user if curator else None,
        dormant_star=specials["dormant_star"].user if dormant_star else None,
        spam=spam_id,
        customers=customers,
        twins={key: planted[key] for key in TWINS if key in planted},
        topics=TOPIC_NAMES[:topics],
        interests={}
        if shares is None
        else {
            user: tuple(TOPIC_NAMES[t] for t in np.flatnonzero(row))
            for user, row in zip(pop.ids.tolist(), shares)
        },
        topic_truth=topic_truth,
    )


def _flag(owner: str, name: str, value: Any) -> bool:
    """*value* after checking it is a bool (``1`` and ``"yes"`` are not)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(
            f"The {name!r} parameter of {owner} must be one of [True, False]. "
            f"Got {value!r} instead."
        )
    return bool(value)


# One stream per twin population, keyed above: switching the twins on moves nothing else.
def _good_twins(
    stream: Callable[[int], np.random.Generator],
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    future: float,
    table: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> list[_Twin]:
    """Every good twin, each population from its own stream."""
    return [
        _broadcasters(stream(_BROADCAST), pop, genuine, end, future),
        _burst(stream(_BURST), pop, genuine, end),
        _partners(stream(_PARTNERS), pop, genuine, end, future, table),
        _viral(stream(_VIRAL), pop, genuine, end, future, table),
        _recipients(stream(_RECIPIENTS), pop, genuine, end, future),
        _link_poster(stream(_LINKS), pop, genuine, end, table),
        _community(stream(_COMMUNITY), pop, genuine, end, future, table),
    ]
