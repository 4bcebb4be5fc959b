"""The generated world: a deterministic synthetic network with planted adversaries."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from influence import _validate
from influence._time import DAY, HOUR
from influence.datasets.loaders import (
    Ratings,
    load_bitcoin_otc,
    load_bitcoin_otc_ratings,
    load_collegemsg,
    load_higgs,
)
from influence.events import actions as _actions
from influence.events.table import Events

__all__ = [
    "ATTACKS",
    "FARM_TEXTS",
    "GENUINE_KINDS",
    "KINDS",
    "SPAM_TEXTS",
    "TWINS",
    "Ratings",
    "World",
    "load_bitcoin_otc",
    "load_bitcoin_otc_ratings",
    "load_collegemsg",
    "load_higgs",
    "synthetic",
]

#: 2026-01-01T00:00:00Z, the start of every generated world.
EPOCH = 1_767_225_600.0

#: Every account label, see :attr:`World.labels`.
KINDS: tuple[str, ...] = (
    "genuine",
    "curator",
    "dormant_star",
    "spam",
    "farm",
    "ring",
    "sybil",
    "broadcaster",
    "volume",
    "partners",
    "viral",
    "newcomer",
    "recipient",
    "link_poster",
    "community",
    "member",
)
#: Labels of the genuine accounts: those with a ground truth in :attr:`World.truth`.
GENUINE_KINDS: tuple[str, ...] = (
    "genuine",
    "curator",
    "dormant_star",
    "broadcaster",
    "partners",
    "viral",
    "newcomer",
    "recipient",
    "link_poster",
    "community",
    "member",
)
#: The keys of :attr:`World.twins`, the populations ``synthetic(twins=True)`` plants. Each
#: is also the label of its accounts, except ``"burst_poster"``, labelled ``"volume"``.
TWINS: tuple[str, ...] = (
    "broadcaster",
    "burst_poster",
    "partners",
    "viral",
    "newcomer",
    "recipient",
    "link_poster",
    "community",
    "member",
)
#: The switches of :func:`synthetic` that plant an attack: ``synthetic(**dict.fromkeys(ATTACKS,
#: False))`` is the same world without any.
ATTACKS: tuple[str, ...] = ("spam", "ring", "sybils")
#: The handful of texts the spam account repeats.
SPAM_TEXTS: tuple[str, ...] = ("acorn", "sniff", "jump jump jump", "acorn acorn", "sniff sniff")
#: What the farm bots that post at all post.
FARM_TEXTS: tuple[str, ...] = ("gm", "follow back", "f4f", "nice", "acorn")
_LINK_SITES = np.array(
    ["news.example.org", "science.example.com", "blog.example.net", "papers.example.edu"]
)

# One independent random stream per population: np.random.default_rng([seed, key]).
_ORDINARY, _ROLES, _CURATOR, _STAR, _SPAM, _FARM, _RING, _SYBILS, _CUSTOMERS, _CHATTER = range(10)
# The good twins' streams: new keys, so that the twins move nothing else.
_BROADCAST, _BURST, _PARTNERS, _VIRAL, _RECIPIENTS, _LINKS, _COMMUNITY = range(10, 17)

_ENGAGE_ACTIONS = np.array(
    [_actions.LIKE, _actions.SHARE, _actions.REPLY, _actions.MENTION], dtype=np.int8
)
_ENGAGE_SHARE = np.array([0.6, 0.2, 0.15, 0.05])
_LINK_SHARE = np.array([0.55, 0.35, 0.07, 0.03])  # links get shared more, discussed less
#: What a conversing ring member does with a genuine post (``ring_mixing``).
_CHAT_ACTIONS = np.array(
    [_actions.REPLY, _actions.MENTION, _actions.LIKE, _actions.SHARE], dtype=np.int8
)
_CHAT_SHARE = np.array([0.35, 0.15, 0.35, 0.15])
#: Expected engagements of a post per unit of quality x audience.
_PER_POST = 0.24
#: Engagement delays: a log-normal mixture, minutes to days, with a late-discovery tail.
_DELAY_FAST = (3 * 3600.0, 1.5)  # (median seconds, sigma)
_DELAY_LATE = (4 * DAY, 1.0)
_LATE_SHARE = 0.05

# Good twins.
_HOUR = HOUR
#: A daily post lands within this of its account's hour (uniform).
_JITTER = 4 * _HOUR
#: What the daily posts draw: likes mostly, some shares and replies.
_DAILY_SHARE = np.array([0.7, 0.18, 0.12, 0.0])
_DAILY_REACH = 65.0  # about 15 engagements a post
_BURST_POSTS, _BURST_SPAN = 40, 20 * 60.0  # posts a day, within this many seconds
#: Conversation partners: the chance that the mate replies to a post, that the author
#: answers the reply, and the median delay of each (log-normal, sigma 1).
_REPLY, _ANSWER, _TALK_DELAY = 0.8, 0.5, 20 * 60.0
_NEWCOMERS, _NEWCOMER_DELAY = 300, 6 * _HOUR  # mean of the exponential delay
_NEWCOMER_ACTIONS = np.array([_actions.LIKE, _actions.SHARE, _actions.REPLY], dtype=np.int8)
_NEWCOMER_SHARE = np.array([0.6, 0.25, 0.15])
_MEMBERS = 25
#: Community engagement: likes and replies; per host post, per member post.
_CLUB_SHARE = np.array([0.6, 0.0, 0.4, 0.0])
_CLUB_HOST_MEAN, _CLUB_MEAN = 6.0, 4.0
#: Labels of the twins whose label is not their key in :attr:`World.twins`.
_TWIN_LABELS = {"burst_poster": "volume"}


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
    ring_size: int = 25,
    sybils: bool = True,
    n_sybils: int = 200,
    sybil_mesh: int = 0,
    farm_customers: int = 0,
    ring_mixing: float = 0.0,
    twins: bool = True,
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
    ring_size : int, default 25
        Ring members, 2 to ``n_users // 2``.
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
    ring_size = _validate.integer(owner, "ring_size", ring_size, 2, n_users // 2)
    n_sybils = _validate.integer(owner, "n_sybils", n_sybils, 1, 100_000)
    sybil_mesh = _validate.integer(owner, "sybil_mesh", sybil_mesh, 0, min(50, n_sybils - 1))
    farm_customers = _validate.integer(owner, "farm_customers", farm_customers, 0, 100)
    ring_mixing = _validate.number(owner, "ring_mixing", ring_mixing, low=0.0, high=0.9)

    def stream(key: int) -> np.random.Generator:
        return np.random.default_rng([seed, key])

    end = days * DAY
    future = future_days * DAY
    pop = _ordinary(stream(_ORDINARY), n_users, end)
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
    )


# --------------------------------------------------------------------------- validation


def _flag(owner: str, name: str, value: Any) -> bool:
    """*value* after checking it is a bool (``1`` and ``"yes"`` are not)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(
            f"The {name!r} parameter of {owner} must be one of [True, False]. "
            f"Got {value!r} instead."
        )
    return bool(value)


# --------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class _Rows:
    """Event columns of one population; ids as str arrays, ``""`` where absent."""

    time: NDArray[np.float64]  # seconds since EPOCH
    actor: NDArray[np.str_]
    action: NDArray[np.int8]
    target: NDArray[np.str_]
    post: NDArray[np.str_]
    parent: NDArray[np.str_]
    text: NDArray[np.str_]

    @classmethod
    def make(
        cls,
        time: NDArray[np.float64],
        actor: Any,
        action: Any,
        *,
        target: Any = "",
        post: Any = "",
        parent: Any = "",
        text: Any = "",
    ) -> _Rows:
        n = time.size

        def column(value: Any) -> NDArray[np.str_]:
            return np.asarray(np.broadcast_to(np.asarray(value, dtype=str), (n,)))

        return cls(
            time=np.asarray(time, dtype=np.float64),
            actor=column(actor),
            action=np.broadcast_to(np.asarray(action, dtype=np.int8), (n,)).copy(),
            target=column(target),
            post=column(post),
            parent=column(parent),
            text=column(text),
        )

    def take(self, keep: NDArray[np.bool_]) -> _Rows:
        return _Rows(*(getattr(self, f)[keep] for f in _ROW_FIELDS))

    @staticmethod
    def concat(blocks: list[_Rows]) -> _Rows:
        return _Rows(*(np.concatenate([getattr(b, f) for b in blocks]) for f in _ROW_FIELDS))


_ROW_FIELDS = ("time", "actor", "action", "target", "post", "parent", "text")


def _names(prefix: str, count: int, width: int = 0) -> NDArray[np.str_]:
    """``prefix`` + zero-padded numbers: ``_names("u", 3, 5)`` -> u00000, u00001, u00002."""
    numbers = np.arange(count).astype(str)
    padded = np.char.zfill(numbers, width) if width and count else numbers
    return np.asarray(np.char.add(prefix, padded))


def _delays(rng: np.random.Generator, n: int) -> NDArray[np.float64]:
    """Engagement delays in seconds: the fast log-normal, with a late-discovery tail."""
    fast = rng.lognormal(math.log(_DELAY_FAST[0]), _DELAY_FAST[1], n)
    late = rng.lognormal(math.log(_DELAY_LATE[0]), _DELAY_LATE[1], n)
    return np.where(rng.random(n) < _LATE_SHARE, late, fast)


def _engage(
    rng: np.random.Generator,
    *,
    mean: NDArray[np.float64],
    post_time: NDArray[np.float64],
    post_author: NDArray[np.int64],
    pool: NDArray[np.int64],
    weight: NDArray[np.float64],
    end: float,
    share: NDArray[np.float64] = _ENGAGE_SHARE,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int8]]:
    """Engagement with posts: ``Poisson(mean)`` per post, engagers from *pool* by *weight*.

    Returns the post (position), the engager (an ordinary user), the time and
    the action of every engagement in the log: self-engagement and engagement
    after *end* are dropped.
    """
    count = rng.poisson(mean)
    post_of = np.repeat(np.arange(post_time.size), count)
    actor = pool[rng.choice(pool.size, size=post_of.size, p=weight / weight.sum())]
    time = post_time[post_of] + _delays(rng, post_of.size)
    action = rng.choice(_ENGAGE_ACTIONS, size=post_of.size, p=share)
    keep = (actor != post_author[post_of]) & (time <= end)
    return post_of[keep], actor[keep], time[keep], action[keep]


def _engagement_rows(
    post_of: NDArray[np.int64],
    actor_id: NDArray[np.str_],
    time: NDArray[np.float64],
    action: NDArray[np.int8],
    author_id: NDArray[np.str_],
    post_id: NDArray[np.str_],
) -> _Rows:
    """Rows of engagement events; mentions name the author but no post."""
    return _Rows.make(
        time,
        actor_id,
        action,
        target=author_id,
        parent=np.where(action != _actions.MENTION, post_id[post_of], ""),
    )


def _follow_rows(time: NDArray[np.float64], follower: NDArray[np.str_], followed: Any) -> _Rows:
    return _Rows.make(time, follower, _actions.FOLLOW, target=followed)


# --------------------------------------------------------------------------- ordinary users
@dataclass(frozen=True)
class _Ordinary:
    """The ordinary population: parameters per user, posts and the rows of the log."""

    ids: NDArray[np.str_]
    quality: NDArray[np.float64]
    audience: NDArray[np.float64]
    posts_per_day: NDArray[np.float64]
    activity: NDArray[np.float64]
    mean: NDArray[np.float64]  # expected engagements per post
    post_author: NDArray[np.int64]  # posts in the log, by time
    post_time: NDArray[np.float64]
    post_id: NDArray[np.str_]
    rows: _Rows


def _ordinary(rng: np.random.Generator, n: int, end: float) -> _Ordinary:
    ids = _names("u", n, 5)
    quality = rng.lognormal(0.0, 0.6, n)
    audience = rng.pareto(1.6, n) + 1.0
    posts_per_day = rng.lognormal(math.log(0.6), 0.8, n)
    activity = rng.lognormal(0.0, 0.8, n)
    mean = _PER_POST * quality * audience

    n_posts = rng.poisson(posts_per_day * end / DAY)
    author = np.repeat(np.arange(n), n_posts)
    post_time = rng.uniform(0.0, end, author.size)
    order = np.argsort(post_time, kind="stable")
    author, post_time = author[order], post_time[order]
    post_id = _names("p", author.size)
    post_of, actor, time, action = _engage(
        rng,
        mean=mean[author],
        post_time=post_time,
        post_author=author,
        pool=np.arange(n),
        weight=activity,
        end=end,
    )
    follow_count = rng.poisson(3.0, n)
    follower = np.repeat(np.arange(n), follow_count)
    liked = audience * quality
    followed = rng.choice(n, size=follower.size, p=liked / liked.sum())
    follow_time = rng.uniform(0.0, end, follower.size)
    ok = follower != followed
    rows = _Rows.concat(
        [
            _Rows.make(post_time, ids[author], _actions.POST, post=post_id),
            _engagement_rows(post_of, ids[actor], time, action, ids[author[post_of]], post_id),
            _follow_rows(follow_time[ok], ids[follower[ok]], ids[followed[ok]]),
        ]
    )
    return _Ordinary(
        ids=ids,
        quality=quality,
        audience=audience,
        posts_per_day=posts_per_day,
        activity=activity,
        mean=mean,
        post_author=author,
        post_time=post_time,
        post_id=post_id,
        rows=rows,
    )


def _roles(
    rng: np.random.Generator, pop: _Ordinary, ring_size: int, end: float
) -> tuple[NDArray[np.int64], int]:
    """Ring members and the Sybil target, chosen whatever is switched on."""
    n = pop.ids.size
    # Ring members: ordinary users, not among the biggest audiences.
    candidates = np.flatnonzero(pop.audience < np.quantile(pop.audience, 0.9))
    if candidates.size < ring_size:
        candidates = np.argsort(pop.audience, kind="stable")[:ring_size]
    members = np.sort(rng.choice(candidates, size=ring_size, replace=False))
    # Sybil target: a weak genuine user (bottom third by expected engagement a day)
    # who posted recently.
    genuine = np.ones(n, dtype=bool)
    genuine[members] = False
    strength = pop.posts_per_day * pop.mean
    recent = np.bincount(pop.post_author[pop.post_time > end - 14 * DAY], minlength=n)
    weak = genuine & (strength <= np.quantile(strength[genuine], 1 / 3))
    pool = np.flatnonzero(weak & (recent >= 2))
    if pool.size == 0:  # a tiny or short world: the weakest genuine user who posted at all
        posted = np.flatnonzero(genuine & (np.bincount(pop.post_author, minlength=n) > 0))
        pool = posted if posted.size else np.flatnonzero(genuine)
        pool = pool[[int(np.argmin(strength[pool]))]]
    return members, int(rng.choice(pool))


# --------------------------------------------------------------------------- genuine specials
@dataclass(frozen=True)
class _Special:
    """A genuine account simulated on its own: the curator or the dormant star."""

    user: str
    quality: float
    posts_per_day: float
    mean: float  # expected engagements per post
    audience: NDArray[np.int64]  # the ordinary users who engage
    stop: float  # seconds since EPOCH of the last possible post
    rows: _Rows


def _special(
    rng: np.random.Generator,
    pop: _Ordinary,
    *,
    user: str,
    prefix: str,
    quality: float,
    reach: float,
    posts_per_day: float,
    audience: NDArray[np.int64],
    stop: float,
    end: float,
    text: Callable[[int], NDArray[np.str_]] | None,
    share: NDArray[np.float64],
) -> _Special:
    mean = _PER_POST * quality * reach
    posts, _, _ = _account(
        rng,
        pop,
        audience,
        user=user,
        prefix=prefix,
        rate=posts_per_day,
        mean=mean,
        end=end,
        stop=stop,
        share=share,
        text=text,
    )
    follow_time = rng.uniform(0.0, stop, audience.size)
    rows = _Rows.concat([posts, _follow_rows(follow_time, pop.ids[audience], user)])
    return _Special(user, quality, posts_per_day, mean, audience, stop, rows)


def _curator(
    rng: np.random.Generator, pop: _Ordinary, genuine: NDArray[np.int64], end: float
) -> _Special:
    audience = genuine[rng.random(genuine.size) < 0.35]
    if audience.size == 0:
        audience = genuine

    def links(count: int) -> NDArray[np.str_]:
        site = _LINK_SITES[rng.integers(0, _LINK_SITES.size, count)]
        story = rng.integers(100_000, 1_000_000, count).astype(str)
        return np.asarray(np.char.add(np.char.add("https://", site), np.char.add("/s/", story)))

    return _special(
        rng,
        pop,
        user="curator",
        prefix="c",
        quality=float(rng.lognormal(0.0, 0.2)),
        reach=1.5,
        posts_per_day=200.0,
        audience=audience,
        stop=end,
        end=end,
        text=links,
        share=_LINK_SHARE,
    )


def _star(
    rng: np.random.Generator, pop: _Ordinary, genuine: NDArray[np.int64], end: float
) -> _Special:
    audience = genuine[rng.random(genuine.size) < 0.7]
    if audience.size == 0:
        audience = genuine
    silent = min(rng.uniform(21.0, 35.0) * DAY, end / 2)
    return _special(
        rng,
        pop,
        user="star",
        prefix="s",
        quality=float(rng.lognormal(math.log(1.5), 0.2)),
        reach=100.0,
        posts_per_day=float(rng.uniform(2.0, 4.0)),
        audience=audience,
        stop=end - silent,
        end=end,
        text=None,
        share=_ENGAGE_SHARE,
    )


# --------------------------------------------------------------------------- attacks
def _spam(
    rng: np.random.Generator, end: float
) -> tuple[_Rows, NDArray[np.float64], NDArray[np.str_]]:
    """The spam account's posts: 100-300 a day (pro rata on a last partial day)."""
    n_days = max(math.ceil(end / DAY), 1)
    length = np.minimum(DAY, end - np.arange(n_days) * DAY)
    per_day = rng.integers(100, 301, n_days)
    count = np.rint(per_day * length / DAY).astype(np.int64)
    day = np.repeat(np.arange(n_days), count)
    time = np.sort(day * DAY + rng.random(day.size) * length[day])
    post_id = _names("x", time.size)
    text = np.asarray(SPAM_TEXTS)[rng.choice(len(SPAM_TEXTS), size=time.size)]
    return _Rows.make(time, "spam", _actions.POST, post=post_id, text=text), time, post_id


def _farm(
    rng: np.random.Generator,
    size: int,
    end: float,
    spam_time: NDArray[np.float64],
    spam_post: NDArray[np.str_],
    pop: _Ordinary,
    genuine: NDArray[np.int64],
) -> tuple[_Rows, NDArray[np.str_]]:
    """Fresh bots that follow the spam account and like or share its every later post."""
    ids = _names("farm", size, 5)
    window = min(10 * DAY, end / 2)
    created = end - rng.uniform(0.1, 1.0, size) * window
    follow = created + rng.lognormal(math.log(60.0), 0.5, size)
    # Every spam post after the bot's creation, liked or shared within minutes.
    first = np.searchsorted(spam_time, created)
    count = spam_time.size - first
    bot = np.repeat(np.arange(size), count)
    offset = np.arange(bot.size) - np.repeat(np.cumsum(count) - count, count)
    post = first[bot] + offset
    time = spam_time[post] + rng.lognormal(math.log(90.0), 1.0, bot.size)
    action = np.where(rng.random(bot.size) < 0.7, _actions.LIKE, _actions.SHARE).astype(np.int8)
    amplify = _Rows.make(time, ids[bot], action, target="spam", parent=spam_post[post])
    junk = _bot_junk(rng, ids, created, end)
    cover = _bot_cover(rng, ids, created, pop, genuine, 0.5)
    rows = _Rows.concat([_follow_rows(follow, ids, "spam"), amplify, junk, cover])
    return rows.take(rows.time <= end), ids


def _bot_junk(
    rng: np.random.Generator, ids: NDArray[np.str_], created: NDArray[np.float64], end: float
) -> _Rows:
    """Some bots (40%) post a few junk texts (3 on average) after their creation."""
    size = ids.size
    n_junk = rng.poisson(3.0, size) * (rng.random(size) < 0.4)
    poster = np.repeat(np.arange(size), n_junk)
    junk_time = created[poster] + rng.random(poster.size) * (end - created[poster])
    junk_text = np.asarray(FARM_TEXTS)[rng.choice(len(FARM_TEXTS), size=poster.size)]
    return _Rows.make(
        junk_time, ids[poster], _actions.POST, post=_names("f", poster.size), text=junk_text
    )


def _bot_cover(
    rng: np.random.Generator,
    ids: NDArray[np.str_],
    created: NDArray[np.float64],
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    rate: float,
) -> _Rows:
    """Camouflage: likes (Poisson, mean *rate* per bot) of genuine posts made from two
    days before the bot's creation on."""
    size = ids.size
    is_genuine = np.zeros(pop.ids.size, dtype=bool)
    is_genuine[genuine] = True
    real = np.flatnonzero(is_genuine[pop.post_author])
    start = np.searchsorted(pop.post_time[real], created - 2 * DAY)
    available = real.size - start
    n_cover = rng.poisson(rate, size) * (available > 0)
    liker = np.repeat(np.arange(size), n_cover)
    pick = real[start[liker] + (rng.random(liker.size) * available[liker]).astype(np.int64)]
    cover_time = np.maximum(pop.post_time[pick], created[liker]) + rng.lognormal(
        math.log(3600.0), 1.0, liker.size
    )
    return _Rows.make(
        cover_time,
        ids[liker],
        _actions.LIKE,
        target=pop.ids[pop.post_author[pick]],
        parent=pop.post_id[pick],
    )


@dataclass(frozen=True)
class _Customers:
    """The customers of a farm that sells engagement, and their posts (sorted by time)."""

    ids: NDArray[np.str_]  # every customer, genuine ones first
    fresh: NDArray[np.str_]  # the fresh accounts among them
    post_time: NDArray[np.float64]
    post_owner: NDArray[np.str_]
    post_id: NDArray[np.str_]
    rows: _Rows  # the fresh customers' own posts and follows


def _customers(
    rng: np.random.Generator,
    count: int,
    pop: _Ordinary,
    genuine: NDArray[np.bool_],
    members: NDArray[np.int64],
    target: int,
    end: float,
) -> _Customers:
    """Half weak genuine users (never the Sybil target nor a ring member), half fresh
    accounts that post about twice a day."""
    n = pop.ids.size
    strength = pop.posts_per_day * pop.mean
    recent = np.bincount(pop.post_author[pop.post_time > end - 14 * DAY], minlength=n)
    weak = genuine & (strength <= np.quantile(strength[genuine], 1 / 3)) & (recent >= 2)
    weak[target] = False
    weak[members] = False
    pool = np.flatnonzero(weak)
    chosen = np.sort(rng.choice(pool, size=min(count // 2, pool.size), replace=False))
    n_fresh = count - chosen.size
    fresh = _names("buyer", n_fresh, 5)
    created = end - rng.uniform(min(10 * DAY, end / 4), min(30 * DAY, 0.75 * end), n_fresh)
    rate = rng.lognormal(math.log(2.0), 0.3, n_fresh)
    n_posts = rng.poisson(rate * (end - created) / DAY)
    owner = np.repeat(np.arange(n_fresh), n_posts)
    fresh_time = created[owner] + rng.random(owner.size) * (end - created[owner])
    fresh_post = _names("b", owner.size)
    # Each follows three established accounts, soon after its creation.
    follower = np.repeat(np.arange(n_fresh), 3)
    liked = np.where(genuine, pop.audience * pop.quality, 0.0)
    followed = rng.choice(n, size=follower.size, p=liked / liked.sum())
    follow_time = created[follower] + rng.lognormal(math.log(600.0), 1.0, follower.size)
    own = np.isin(pop.post_author, chosen)
    time = np.concatenate([pop.post_time[own], fresh_time])
    order = np.argsort(time, kind="stable")
    return _Customers(
        ids=np.concatenate([pop.ids[chosen], fresh]),
        fresh=fresh,
        post_time=time[order],
        post_owner=np.concatenate([pop.ids[pop.post_author[own]], fresh[owner]])[order],
        post_id=np.concatenate([pop.post_id[own], fresh_post])[order],
        rows=_Rows.concat(
            [
                _Rows.make(fresh_time, fresh[owner], _actions.POST, post=fresh_post),
                _follow_rows(follow_time, fresh[follower], pop.ids[followed]),
            ]
        ),
    )


def _service(
    rng: np.random.Generator,
    size: int,
    end: float,
    buyers: _Customers,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
) -> tuple[_Rows, NDArray[np.str_]]:
    """Fresh bots that spread follows, likes and shares over the farm's customers."""
    ids = _names("farm", size, 5)
    window = min(10 * DAY, end / 2)
    created = end - rng.uniform(0.1, 1.0, size) * window
    k = buyers.ids.size
    # Each bot follows each customer with probability 1/2.
    bot, whom = np.repeat(np.arange(size), k), np.tile(np.arange(k), size)
    keep = rng.random(bot.size) < 0.5
    bot, whom = bot[keep], whom[keep]
    follow = _follow_rows(
        created[bot] + rng.lognormal(math.log(600.0), 1.0, bot.size), ids[bot], buyers.ids[whom]
    )
    # Each customer post after the bot's creation, liked or shared with probability 1/2.
    first = np.searchsorted(buyers.post_time, created)
    count = buyers.post_time.size - first
    bot = np.repeat(np.arange(size), count)
    post = first[bot] + np.arange(bot.size) - np.repeat(np.cumsum(count) - count, count)
    keep = rng.random(bot.size) < 0.5
    bot, post = bot[keep], post[keep]
    time = buyers.post_time[post] + rng.lognormal(math.log(90.0), 1.0, bot.size)
    action = np.where(rng.random(bot.size) < 0.7, _actions.LIKE, _actions.SHARE).astype(np.int8)
    amplify = _Rows.make(
        time, ids[bot], action, target=buyers.post_owner[post], parent=buyers.post_id[post]
    )
    junk = _bot_junk(rng, ids, created, end)
    cover = _bot_cover(rng, ids, created, pop, genuine, 3.0)
    rows = _Rows.concat([follow, amplify, junk, cover])
    return rows.take(rows.time <= end), ids


def _ring(
    rng: np.random.Generator, members: NDArray[np.int64], pop: _Ordinary, end: float
) -> _Rows:
    """Ring members follow each other, then share each other's every post within minutes."""
    k = members.size
    follower, followed = np.repeat(members, k), np.tile(members, k)
    pair = follower != followed
    follow_time = rng.uniform(0.0, min(3 * DAY, end), int(pair.sum()))
    posts = np.flatnonzero(np.isin(pop.post_author, members))
    post_of, sharer = np.repeat(posts, k), np.tile(members, posts.size)
    other = sharer != pop.post_author[post_of]
    post_of, sharer = post_of[other], sharer[other]
    time = pop.post_time[post_of] + rng.lognormal(math.log(180.0), 0.7, post_of.size)
    rows = _Rows.concat(
        [
            _follow_rows(follow_time, pop.ids[follower[pair]], pop.ids[followed[pair]]),
            _Rows.make(
                time,
                pop.ids[sharer],
                _actions.SHARE,
                target=pop.ids[pop.post_author[post_of]],
                parent=pop.post_id[post_of],
            ),
        ]
    )
    return rows.take(rows.time <= end)


def _chatter(
    rng: np.random.Generator,
    members: NDArray[np.int64],
    ring_rows: _Rows,
    mixing: float,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
) -> _Rows:
    """Ring members' conversation with genuine users: ``mixing / (1 - mixing)`` replies,
    mentions, likes and shares of genuine posts (Poisson) per share given to the ring."""
    member_ids = pop.ids[members]  # sorted, like every id of the ordinary population
    given, per = np.unique(ring_rows.actor[ring_rows.action == _actions.SHARE], return_counts=True)
    shares = np.zeros(members.size)
    shares[np.searchsorted(member_ids, given)] = per
    talker = np.repeat(members, rng.poisson(shares * mixing / (1.0 - mixing)))
    is_genuine = np.zeros(pop.ids.size, dtype=bool)
    is_genuine[genuine] = True
    real = np.flatnonzero(is_genuine[pop.post_author])
    if real.size == 0:
        return _Rows.make(np.zeros(0), "", _actions.LIKE)
    appeal = (pop.audience * pop.quality)[pop.post_author[real]]
    pick = real[rng.choice(real.size, size=talker.size, p=appeal / appeal.sum())]
    time = pop.post_time[pick] + _delays(rng, talker.size)
    action = rng.choice(_CHAT_ACTIONS, size=talker.size, p=_CHAT_SHARE)
    rows = _engagement_rows(
        pick, pop.ids[talker], time, action, pop.ids[pop.post_author[pick]], pop.post_id
    )
    return rows.take(rows.time <= end)


def _sybils(
    rng: np.random.Generator,
    count: int,
    target: int,
    pop: _Ordinary,
    end: float,
    *,
    mesh: int = 0,
) -> tuple[_Rows, NDArray[np.str_]]:
    """A burst of fresh accounts that follow the target and like its recent posts (and,
    with *mesh*, as many fellow Sybils each, within a day of their creation)."""
    ids = _names("sybil", count, 5)
    span = min(rng.uniform(3.0, 8.0) * DAY, end / 2)
    burst = end - span
    created = burst + rng.uniform(0.0, min(6 * 3600.0, span / 2), count)
    follow = created + rng.lognormal(math.log(120.0), 0.5, count)
    posts = np.flatnonzero((pop.post_author == target) & (pop.post_time >= burst - 14 * DAY))
    target_id = pop.ids[target]
    if posts.size:
        sybil, post = np.repeat(np.arange(count), posts.size), np.tile(posts, count)
        liked = rng.random(sybil.size) < 0.7
        sybil, post = sybil[liked], post[liked]
        time = np.maximum(pop.post_time[post], created[sybil])
        parent: Any = pop.post_id[post]
    else:  # nothing to like in the log: likes name the target only
        sybil, time, parent = np.arange(count), created.copy(), ""
    time = time + rng.lognormal(math.log(1200.0), 1.0, sybil.size)
    blocks = [
        _follow_rows(follow, ids, target_id),
        _Rows.make(time, ids[sybil], _actions.LIKE, target=target_id, parent=parent),
    ]
    if mesh:
        # Each Sybil likes `mesh` others drawn at random (never itself; a repeat is a
        # second like): a random non-zero shift along the list.
        liker = np.repeat(np.arange(count), mesh)
        mate = (liker + rng.integers(1, count, liker.size)) % count
        when = created[liker] + rng.uniform(0.0, DAY, liker.size)
        blocks.append(_Rows.make(when, ids[liker], _actions.LIKE, target=ids[mate]))
    rows = _Rows.concat(blocks)
    return rows.take(rows.time <= end), ids


# --------------------------------------------------------------------------- good twins
@dataclass(frozen=True)
class _Twin:
    """A population of good twins: its accounts by :attr:`World.twins` key, its rows, the
    expected distinct genuine engagers of its accounts over the whole future window and
    their latent quality."""

    groups: dict[str, list[str]]
    rows: _Rows
    truth: dict[str, float]
    quality: dict[str, float]


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


def _poisson_posts(
    rng: np.random.Generator, rate: NDArray[np.float64], start: float, end: float
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Posts of a Poisson process of *rate* (a day) per author over ``[start, end]``: the
    author (position in *rate*) and the time of each, by time."""
    count = rng.poisson(rate * max(end - start, 0.0) / DAY)
    author = np.repeat(np.arange(rate.size), count)
    time = start + rng.random(author.size) * (end - start)
    order = np.argsort(time, kind="stable")
    return author[order], time[order]


def _posting(
    rng: np.random.Generator,
    *,
    user: NDArray[np.str_],
    post_id: NDArray[np.str_],
    post_time: NDArray[np.float64],
    mean: NDArray[np.float64],
    engagers: NDArray[np.str_],
    weight: NDArray[np.float64],
    end: float,
    share: NDArray[np.float64] = _ENGAGE_SHARE,
    self_index: NDArray[np.int64] | None = None,
    text: Any = "",
) -> _Rows:
    """Posts (by *user*, one per post) and their engagement: ``Poisson(mean)`` a post, the
    engagers among *engagers* by *weight*; *self_index*, the author's position among the
    engagers (``-1``: not one), drops self-engagement."""
    author = np.full(post_time.size, -1, dtype=np.int64) if self_index is None else self_index
    post_of, actor, time, action = _engage(
        rng,
        mean=mean,
        post_time=post_time,
        post_author=author,
        pool=np.arange(engagers.size),
        weight=weight,
        end=end,
        share=share,
    )
    return _Rows.concat(
        [
            _Rows.make(post_time, user, _actions.POST, post=post_id, text=text),
            _engagement_rows(post_of, engagers[actor], time, action, user[post_of], post_id),
        ]
    )


def _crowd_truth(
    rate: float, mean: float, weight: NDArray[np.float64], table: tuple[Any, Any]
) -> float:
    """Expected distinct engagers in the window of a Poisson poster (*rate* a day) whose
    posts draw ``Poisson(mean)`` engagements from engagers weighted by *weight*."""
    expected = _expected_engagers(
        np.array([rate / DAY]), np.array([mean]), np.zeros(1), weight / weight.sum(), table
    )
    return float(expected[0])


def _account(
    rng: np.random.Generator,
    pop: _Ordinary,
    pool: NDArray[np.int64],
    *,
    user: str,
    prefix: str,
    rate: float,
    mean: float,
    end: float,
    stop: float | None = None,
    share: NDArray[np.float64] = _ENGAGE_SHARE,
    text: Callable[[int], NDArray[np.str_]] | None = None,
) -> tuple[_Rows, NDArray[np.float64], NDArray[np.str_]]:
    """One account posting at *rate* a day (Poisson) until *stop* (the end of the log by
    default), each post drawing ``Poisson(mean)`` engagements from the ordinary users *pool*
    by activity: its rows and the times and ids of its posts."""
    _, post_time = _poisson_posts(rng, np.array([rate]), 0.0, end if stop is None else stop)
    n = post_time.size
    post_id = _names(prefix, n, 1)
    rows = _posting(
        rng,
        user=np.full(n, user),
        post_id=post_id,
        post_time=post_time,
        mean=np.full(n, mean),
        engagers=pop.ids[pool],
        weight=pop.activity[pool],
        end=end,
        share=share,
        text="" if text is None else text(n),
    )
    return rows, post_time, post_id


def _daily(
    rng: np.random.Generator, hour: NDArray[np.float64], end: float
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """One post a day per account at its *hour*, give or take :data:`_JITTER` (uniform),
    through the log: the account (position in *hour*), the day and the time, by time."""
    n_days = max(math.ceil(end / DAY), 1)
    owner = np.repeat(np.arange(hour.size), n_days)
    day = np.tile(np.arange(n_days), hour.size)
    time = day * DAY + hour[owner] + rng.uniform(-_JITTER, _JITTER, owner.size)
    keep = np.flatnonzero((time > 0) & (time <= end))
    keep = keep[np.argsort(time[keep], kind="stable")]
    return owner[keep], day[keep], time[keep]


def _broadcasters(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    future: float,
) -> _Twin:
    """Two daily columnists: a post a day at about the same hour, about 15 engagements
    each; they do nothing else."""
    ids = _names("broadcaster", 2, 1)
    hour = rng.uniform(4 * _HOUR, 19 * _HOUR, ids.size)
    quality = rng.lognormal(0.0, 0.1, ids.size)
    mean = _PER_POST * quality * _DAILY_REACH
    owner, day, time = _daily(rng, hour, end)
    weight = pop.activity[genuine]
    rows = _posting(
        rng,
        user=ids[owner],
        post_id=_names("n", time.size, 1),
        post_time=time,
        mean=mean[owner],
        engagers=pop.ids[genuine],
        weight=weight,
        end=end,
        share=_DAILY_SHARE,
        text=np.char.add(np.array(["column ", "letter "])[owner], (day + 1).astype(str)),
    )
    truth = {
        str(ids[i]): _daily_engagers(float(hour[i]), float(mean[i]), weight, end, future)
        for i in range(ids.size)
    }
    return _Twin(
        {"broadcaster": ids.tolist()}, rows, truth, dict(zip(ids.tolist(), quality.tolist()))
    )


def _burst(
    rng: np.random.Generator, pop: _Ordinary, genuine: NDArray[np.int64], end: float
) -> _Twin:
    """The broadcaster with volume: 40 posts of the same text within minutes every day,
    one of which draws a broadcaster's engagement."""
    hour = rng.uniform(4 * _HOUR, 19 * _HOUR, 1)
    mean = _PER_POST * rng.lognormal(0.0, 0.1) * _DAILY_REACH
    _, day, start = _daily(rng, hour, end)
    day = np.repeat(day, _BURST_POSTS)
    time = np.repeat(start, _BURST_POSTS) + rng.uniform(0.0, _BURST_SPAN, day.size)
    engaged = np.zeros(day.size, dtype=bool)
    engaged[np.arange(start.size) * _BURST_POSTS + rng.integers(0, _BURST_POSTS, start.size)] = True
    keep = time <= end
    rows = _posting(
        rng,
        user=np.full(int(keep.sum()), "burst"),
        post_id=_names("v", int(keep.sum())),
        post_time=time[keep],
        mean=np.where(engaged[keep], mean, 0.0),
        engagers=pop.ids[genuine],
        weight=pop.activity[genuine],
        end=end,
        share=_DAILY_SHARE,
        text=np.char.add("digest ", (day[keep] + 1).astype(str)),
    )
    return _Twin({"burst_poster": ["burst"]}, rows, {}, {})


def _partners(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    future: float,
    table: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> _Twin:
    """Two pairs of friends who reply to each other's posts within minutes, all along the
    log; a few friends of each engage their posts too."""
    ids = _names("partner", 4, 1)
    mate = np.array([1, 0, 3, 2])
    rate = rng.lognormal(math.log(0.8), 0.2, ids.size)
    quality = rng.lognormal(0.0, 0.3, ids.size)
    mean = _PER_POST * quality * 5.0
    friends = genuine[np.argsort(rng.random((ids.size, genuine.size)), axis=1)[:, :8]]
    blocks, times, posts, truth = [], [], [], {}
    for i, user in enumerate(ids.tolist()):  # each partner's posts, engaged by its friends
        rows, time, post = _account(
            rng, pop, friends[i], user=user, prefix=f"t{i}-", rate=rate[i], mean=mean[i], end=end
        )
        blocks.append(rows)
        times.append(time)
        posts.append(post)
        # The mate's replies and answers, minutes after the post: rate x F in the window.
        talk = _REPLY * (rate[i] + _ANSWER * rate[mate[i]]) * future / DAY
        crowd = _crowd_truth(rate[i], mean[i], pop.activity[friends[i]], table)
        truth[user] = crowd - math.expm1(-talk)
    author = np.repeat(np.arange(ids.size), [t.size for t in times])
    post_time, post_id = np.concatenate(times), np.concatenate(posts)
    replied = np.flatnonzero(rng.random(post_time.size) < _REPLY)
    reply_time = post_time[replied] + rng.lognormal(math.log(_TALK_DELAY), 1.0, replied.size)
    reply_id = _names("r", replied.size, 1)
    answered = np.flatnonzero(rng.random(replied.size) < _ANSWER)
    answer_time = reply_time[answered] + rng.lognormal(math.log(_TALK_DELAY), 1.0, answered.size)
    poster, replier = ids[author[replied]], ids[mate[author[replied]]]
    blocks += [
        _Rows.make(
            reply_time,
            replier,
            _actions.REPLY,
            target=poster,
            post=reply_id,
            parent=post_id[replied],
        ),
        _Rows.make(
            answer_time,
            poster[answered],
            _actions.REPLY,
            target=replier[answered],
            post=_names("a", answered.size, 1),
            parent=reply_id[answered],
        ),
    ]
    rows = _Rows.concat(blocks)
    return _Twin(
        {"partners": ids.tolist()},
        rows.take(rows.time <= end),
        truth,
        dict(zip(ids.tolist(), quality.tolist())),
    )


def _viral(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    future: float,
    table: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> _Twin:
    """An ordinary user one of whose posts, late in the log, brings 300 newcomers who
    engage it once each and do nothing else."""
    quality = float(rng.lognormal(0.0, 0.3))
    mean = _PER_POST * quality * rng.uniform(3.0, 6.0)
    rate = float(rng.lognormal(math.log(0.8), 0.3))
    regular, _, _ = _account(
        rng, pop, genuine, user="viral", prefix="w", rate=rate, mean=mean, end=end
    )
    span = min(10 * DAY, end / 6)
    delay = min(_NEWCOMER_DELAY, span / 8)
    newcomers = _names("newcomer", _NEWCOMERS, 5)
    time = end - span + rng.exponential(delay, newcomers.size)
    action = rng.choice(_NEWCOMER_ACTIONS, size=newcomers.size, p=_NEWCOMER_SHARE)
    fans = _Rows.make(time, newcomers, action, target="viral", parent="viral-post")
    rows = _Rows.concat(
        [
            regular,
            _Rows.make(np.array([end - span]), "viral", _actions.POST, post="viral-post"),
            fans.take(fans.time <= end),
        ]
    )
    # Newcomers whose delay lands in the window (none, but in a tiny log) count too.
    late = newcomers.size * (math.exp(-span / delay) - math.exp(-(span + future) / delay))
    truth = {"viral": _crowd_truth(rate, mean, pop.activity[genuine], table) + late}
    truth.update(dict.fromkeys(newcomers.tolist(), 0.0))  # nobody engages them
    return _Twin(
        {"viral": ["viral"], "newcomer": newcomers.tolist()}, rows, truth, {"viral": quality}
    )


def _recipients(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    future: float,
) -> _Twin:
    """Three accounts that receive mentions from a few contacts each, every few days, and
    barely act: one mention from the first, none from the others."""
    ids = _names("recipient", 3, 1)
    size = np.minimum(rng.integers(3, 7, ids.size), genuine.size)
    contacts = [rng.choice(genuine, size=k, replace=False) for k in size]
    whom = np.repeat(np.arange(ids.size), size)
    contact = np.concatenate(contacts)
    rate = rng.uniform(0.1, 1 / 3, contact.size)  # a day
    sender = np.repeat(np.arange(contact.size), rng.poisson(rate * end / DAY))
    time = rng.uniform(0.0, end, sender.size)
    rows = _Rows.concat(
        [
            _Rows.make(time, pop.ids[contact[sender]], _actions.MENTION, target=ids[whom[sender]]),
            _Rows.make(
                np.array([max(end - 50 * DAY, end / 6)]),
                ids[0],
                _actions.MENTION,
                target=pop.ids[contacts[0][0]],
            ),
        ]
    )
    # Each contact mentions at its rate, no delay: present in the window w.p. 1 - e^{-rate F}.
    expected = np.bincount(whom, weights=-np.expm1(-rate * future / DAY), minlength=ids.size)
    return _Twin({"recipient": ids.tolist()}, rows, dict(zip(ids.tolist(), expected.tolist())), {})


def _link_poster(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    table: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> _Twin:
    """About 3 distinct links a day, each engaged by about 5 genuine users."""
    audience = genuine[rng.random(genuine.size) < 0.35]
    if audience.size == 0:
        audience = genuine
    quality = float(rng.lognormal(0.0, 0.2))
    mean = _PER_POST * quality * 22.0

    def links(count: int) -> NDArray[np.str_]:
        number = np.char.zfill(np.arange(count).astype(str), 5)
        return np.asarray(np.char.add("https://example.org/notes/", number))

    rows, _, _ = _account(
        rng,
        pop,
        audience,
        user="links",
        prefix="l",
        rate=3.0,
        mean=mean,
        end=end,
        share=_LINK_SHARE,
        text=links,
    )
    truth = {"links": _crowd_truth(3.0, mean, pop.activity[audience], table)}
    return _Twin({"link_poster": ["links"]}, rows, truth, {"links": quality})


def _community(
    rng: np.random.Generator,
    pop: _Ordinary,
    genuine: NDArray[np.int64],
    end: float,
    future: float,
    table: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> _Twin:
    """An established account whose club joins within a day, late in the log: members
    follow it and engage its posts, and post and engage each other's posts."""
    members = _names("member", _MEMBERS, 5)
    n = members.size
    span = min(12 * DAY, end / 5)
    joined = end - span + rng.uniform(0.0, span / 12, n)
    start = end - span + span / 12  # everyone is in: the club's life begins
    quality = float(rng.lognormal(0.0, 0.3))
    mean = _PER_POST * quality * rng.uniform(3.0, 6.0)
    rate = float(rng.lognormal(0.0, 0.2))
    host_rows, host_time, host_post = _account(
        rng, pop, genuine, user="host", prefix="h", rate=rate, mean=mean, end=end
    )
    host = np.full(host_time.size, "host")
    blocks = [host_rows]
    # The members' engagement of the host's posts from the club's start on.
    post_of, actor, time, action = _engage(
        rng,
        mean=np.where(host_time >= start, _CLUB_HOST_MEAN, 0.0),
        post_time=host_time,
        post_author=np.full(host_time.size, -1, dtype=np.int64),
        pool=np.arange(n),
        weight=np.ones(n),
        end=end,
        share=_CLUB_SHARE,
    )
    blocks.append(_engagement_rows(post_of, members[actor], time, action, host[post_of], host_post))
    # Follows: the host minutes after joining, then three fellow members.
    fan = np.repeat(np.arange(n), 3)
    fellow = (fan + 1 + np.argsort(rng.random((n, n - 1)), axis=1)[:, :3].ravel()) % n
    blocks += [
        _follow_rows(joined + rng.lognormal(math.log(600.0), 1.0, n), members, "host"),
        _follow_rows(
            start + rng.lognormal(math.log(3600.0), 1.0, fan.size), members[fan], members[fellow]
        ),
    ]
    # The members' own posts, engaged by fellow members.
    member_rate = rng.lognormal(0.0, 0.3, n)
    author, post_time = _poisson_posts(rng, member_rate, start, end)
    blocks.append(
        _posting(
            rng,
            user=members[author],
            post_id=_names("m", post_time.size, 1),
            post_time=post_time,
            mean=np.full(post_time.size, _CLUB_MEAN),
            engagers=members,
            weight=np.ones(n),
            end=end,
            share=_CLUB_SHARE,
            self_index=author,
        )
    )
    rows = _Rows.concat(blocks)
    club = _landing_table(start, end + future, end, future)
    fellows = np.full(n, 1.0 / n)
    host_truth = _crowd_truth(rate, mean, pop.activity[genuine], table) + _crowd_truth(
        rate, _CLUB_HOST_MEAN, np.ones(n), club
    )
    member_truth = _expected_engagers(
        member_rate / DAY, np.full(n, _CLUB_MEAN), fellows, fellows, club
    )
    return _Twin(
        {"community": ["host"], "member": members.tolist()},
        rows.take(rows.time <= end),
        {"host": host_truth, **dict(zip(members.tolist(), member_truth.tolist()))},
        {"host": quality},
    )


# --------------------------------------------------------------------------- ground truth
def _delay_cdf(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """P(delay <= x) under the mixture of :func:`_delays` (0 for x <= 0)."""
    erf = np.vectorize(math.erf, otypes=[np.float64])
    logx = np.log(np.maximum(x, 1e-300))
    out = np.zeros_like(x)
    for share, (median, sigma) in ((1 - _LATE_SHARE, _DELAY_FAST), (_LATE_SHARE, _DELAY_LATE)):
        z = (logx - math.log(median)) / (sigma * math.sqrt(2.0))
        out += share * 0.5 * (1.0 + erf(z))
    return np.where(x > 0, out, 0.0)


def _daily_engagers(
    hour: float, mean: float, weight: NDArray[np.float64], end: float, future: float
) -> float:
    r"""Expected distinct engagers in the window of a poster who posts once a day at *hour*
    give or take :data:`_JITTER` (uniform), each post drawing ``Poisson(mean)``
    engagements from engagers weighted by *weight*.

    Engager :math:`v` (share :math:`p`) is absent with probability
    :math:`\prod_k E_J[e^{-m p q(s_k)}]` over the days :math:`k`, the jitter
    :math:`J` independent from one day to the next (midpoint rule, 64 points).
    """
    days = np.arange(math.ceil((end + future + _JITTER) / DAY) + 1)
    jitter = ((np.arange(64) + 0.5) / 64 * 2.0 - 1.0) * _JITTER
    s = (days * DAY + hour)[:, None] + jitter[None, :]
    q = (_delay_cdf(end + future - s) - _delay_cdf(end - s)).ravel()
    values, counts = _compress(weight / weight.sum())
    absent = np.empty(values.size)
    step = max(1, 2_000_000 // q.size)
    for i in range(0, values.size, step):  # chunks of engagers: bounded memory
        x = mean * values[i : i + step, None] * q[None, :]
        absent[i : i + step] = np.log(np.exp(-x).reshape(-1, days.size, 64).mean(axis=2)).sum(1)
    return float(-np.expm1(absent) @ counts)


def _landing_table(
    first: float, last: float, end: float, future: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Tabulate :math:`H(x) = \int_{first}^{last} (1 - e^{-x q(s)})\, ds` in log-log.

    :math:`q(s)` is the probability that an engagement with a post made at
    :math:`s` lands in the future window ``(end, end + future]``. For a poster
    at rate :math:`r` over ``[first, last]`` whose posts draw ``Poisson(m)``
    engagements, one engager with share :math:`p` of them engages at least once
    in the window with probability :math:`1 - e^{-r H(m p)}` (the Laplace
    functional of the Poisson process of posts).
    """
    # u = end - s: time from the post to the end of the log; q has kinks at u = -future, 0.
    lo, hi = end - last, end - first
    cuts = sorted({lo, hi, *(c for c in (-future, 0.0) if lo < c < hi)})
    nodes = np.unique(
        np.concatenate(
            [
                a + np.concatenate(([0.0], np.geomspace(min(60.0, b - a), b - a, 1500)))
                for a, b in itertools.pairwise(cuts)
                if b > a
            ]
            or [np.array([lo])]
        )
    )
    mid, width = 0.5 * (nodes[1:] + nodes[:-1]), np.diff(nodes)
    q = _delay_cdf(mid + future) - _delay_cdf(mid)
    log_x = np.linspace(math.log(1e-12), math.log(1e6), 400)
    h = -np.expm1(-np.exp(log_x)[:, None] * q[None, :]) @ width
    return log_x, np.log(np.maximum(h, 1e-300))


def _expected_engagers(
    rate: NDArray[np.float64],
    mean: NDArray[np.float64],
    self_share: NDArray[np.float64],
    shares: NDArray[np.float64],
    table: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> NDArray[np.float64]:
    """Expected distinct engagers in the window, per poster.

    *rate* (posts per second) and *mean* (engagements per post) describe each
    poster; *shares* are the engager shares of the genuine engagers (summing to
    at most 1 over the whole pool) and *self_share* the poster's own share, 0
    when not among them: self-engagement is dropped, like in the simulation.
    """
    log_x, log_h = table

    def hits(x: NDArray[np.float64], r: NDArray[np.float64]) -> NDArray[np.float64]:
        lx = np.log(np.maximum(x, 1e-300))
        below = lx < log_x[0]
        lh = np.where(below, lx + (log_h[0] - log_x[0]), np.interp(lx, log_x, log_h))
        return np.asarray(np.where(x > 0, -np.expm1(-r * np.exp(lh)), 0.0))

    values, counts = _compress(shares)
    out = np.empty(rate.size)
    step = max(1, 2_000_000 // max(values.size, 1))
    for i in range(0, rate.size, step):  # chunks of posters: bounded memory
        x = mean[i : i + step, None] * values[None, :]
        out[i : i + step] = hits(x, rate[i : i + step, None]) @ counts
    return np.maximum(out - hits(mean * self_share, rate), 0.0)


def _compress(shares: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Engager shares as (value, count) pairs: exact up to 4,096 engagers, else binned."""
    if shares.size <= 4096:
        return shares, np.ones(shares.size)
    logs = np.log(shares)
    edges = np.linspace(logs.min(), logs.max(), 4097)
    which = np.clip(np.searchsorted(edges, logs, side="right") - 1, 0, 4095)
    counts = np.bincount(which, minlength=4096).astype(np.float64)
    sums = np.bincount(which, weights=shares, minlength=4096)
    used = counts > 0
    return sums[used] / counts[used], counts[used]
