"""Generated data sets: a deterministic synthetic social network with planted adversaries.

:func:`synthetic` simulates a population of genuine users (a latent content
quality, heavy-tailed audiences, engagement with long-tailed delays) together
with the accounts that make influence scoring hard:

- a prolific **curator** posting about 200 links a day to an audience that
  genuinely engages with a fraction of them;
- a **dormant star** with a big audience who went silent 3 to 5 weeks before
  the end of the log;
- a **spam** account posting 100 to 300 junk posts a day, propped up by a bot
  **farm** of fresh accounts that like or share its every post;
- a reciprocity **ring** of ordinary users who share each other's every post
  within minutes;
- a **Sybil** attack: a burst of fresh accounts that only follow and like one
  weak genuine user.

Adaptive variants, off by default, change what an attacker does once the plain
attack is caught: Sybils that like each other (``sybil_mesh``), a farm that
sells its engagement to many customers (``farm_customers``) and a ring that
mixes in conversation with genuine users (``ring_mixing``).

Next to each attack stand its **good twins** (``twins``, on by default):
genuine behaviour that looks like it and that a defence must leave alone, a
daily columnist, conversation partners, a post gone viral with newcomers, an
account that mostly receives mentions, a link poster and a community that joins
together; and, for comparison, a burst poster whose volume buys nothing.

Every population draws from its own random stream, seeded by ``(seed, k)``, so
switching one off removes its events and changes nothing else: the genuine
users' events are bit-identical with and without each attack, and a score
difference between the two worlds measures the attack alone. The generator is
the data behind ``influence demo``, the tests and ``bench/bench_gaming.py``.
"""

from influence.datasets.attacks import FARM_TEXTS, SPAM_TEXTS
from influence.datasets.generator import EPOCH, World, synthetic
from influence.datasets.labels import ATTACKS, GENUINE_KINDS, KINDS, TWINS
from influence.datasets.loaders import (
    Ratings,
    load_bitcoin_otc,
    load_bitcoin_otc_ratings,
    load_collegemsg,
    load_higgs,
)

__all__ = [
    "ATTACKS",
    "EPOCH",
    "FARM_TEXTS",
    "GENUINE_KINDS",
    "KINDS",
    "Ratings",
    "SPAM_TEXTS",
    "TWINS",
    "World",
    "load_bitcoin_otc",
    "load_bitcoin_otc_ratings",
    "load_collegemsg",
    "load_higgs",
    "synthetic",
]
