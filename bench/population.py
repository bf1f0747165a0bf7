"""Generate the readers the benchmarks replay: anonymous, registered and subscribers.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.population OUT_DIR NAME...

For each NAME it writes ``OUT_DIR/requests-NAME.txt`` (bench/wrk/requests.lua's format) with
a population of its own — fresh visitors, accounts and sessions — so that every measured
run starts from an untouched meter. Each reader has a client address in a /24 of its own
inside 127.0.0.0/8 (sent as X-Forwarded-For from the trusted proxy), so the network
allowance never stops them. It also clones the demo articles until there are
``ARTICLES`` live ones and writes ``articles.json``, ``baseline.txt`` (the baseline view's
requests) and ``subscriber-cookie.txt`` (a subscriber's session, for the browser).
"""

from __future__ import annotations

import json
import random
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ARTICLES = 200
VISITORS = 3000  # VISITORS + REGISTERED + SUBSCRIBERS must fit in SPACING (below)
REGISTERED = 150
SUBSCRIBERS = 40
REQUESTS = 20000
# Who asks: mostly anonymous readers, as on a news site.
READER_MIX = {"anonymous": 0.7, "registered": 0.2, "subscriber": 0.1}
# What they open, by the article's access level.
LEVEL_MIX = {"metered": 0.6, "free": 0.1, "registered": 0.15, "subscriber": 0.15}


@dataclass(frozen=True)
class Reader:
    """One generated reader: a cookie header and a client address."""

    cookie: str
    address: str


# Client networks (/24s) in 127.0.0.0/8 that are not 127.0.0.x: A in 1..254, B in 0..255.
NETWORKS = 254 * 256
# Each population's readers get addresses from index (population number) x SPACING on:
# room for NETWORKS // SPACING = 20 populations before addresses repeat.
SPACING = 3200


def _address(index: int) -> str:
    # One /24 per reader: 127.A.B.7. Past NETWORKS the networks repeat (a later population
    # shares the networks of the first one, "warm", whose few checks hardly count).
    network = index % NETWORKS
    return f"127.{1 + network // 256}.{network % 256}.7"


def clone_articles(target: int) -> None:
    """Copy the live demo articles (with their blocks) until ``target`` are live."""
    from django.utils import timezone

    from masthead.newsroom.models import Article

    originals = list(Article.objects.live(timezone.now()).prefetch_related("blocks", "authors"))
    copy = 0
    while Article.objects.live(timezone.now()).count() < target and originals:
        source = originals[copy % len(originals)]
        copy += 1
        blocks, authors = list(source.blocks.all()), list(source.authors.all())
        source.pk = None
        source.slug = f"{source.slug[:100]}-b{copy}"
        source.save()
        for block in blocks:
            block.pk = None
            block.article = source
            block.save()
        source.authors.set(authors)


def _sessions(users: list[Any]) -> list[str]:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    cookies = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        key = str(session.session_key)
        cookies.append(f"sessionid={key}{_reader_pass(user, key)}")
    return cookies


def _reader_pass(user: Any, session_key: str) -> str:
    """Return "; masthead_pass=..." as the reader's first check would have issued it, or "".

    A logged-in reader's browser holds a pass from its first check on (docs/design.md, "The
    reader pass"); wrk replays fixed cookies, so the population carries the pass the app
    would have set. Only when passes are on (the Redis meter); the generation is created in
    the bench's Redis exactly as the check creates it.
    """
    from django.utils import timezone

    from masthead.access import generations
    from masthead.access.reader_pass import PASS_COOKIE, ReaderPass, encode_pass, lifetime
    from masthead.access.sources import entitlement_terms_for, has_confirmed_email

    if not generations.passes_enabled():
        return ""
    now = timezone.now()
    generation = generations.generation_for_issue(user.pk)
    terms = entitlement_terms_for(user, now)
    if generation is None or terms is None or not terms.covers(now):
        return ""
    issued = ReaderPass(user.pk, generation, now + lifetime(), terms, has_confirmed_email(user))
    return f"; {PASS_COOKIE}={encode_pass(issued, session_key)}"


def _accounts(name: str, count: int, *, subscribers: bool) -> list[str]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from masthead.billing.models import AccessGrant

    kind = "subscriber" if subscribers else "reader"
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        user_model(email=f"bench-{name}-{kind}-{n}@example.com", password=make_password(None))
        for n in range(count)
    )
    if subscribers:
        AccessGrant.objects.bulk_create(AccessGrant(user=user, note="bench") for user in users)
    return _sessions(users)


def _visitors(count: int) -> list[str]:
    from django.conf import settings
    from django.core import signing

    from masthead.access.visitors import SALT

    signer = signing.Signer(salt=SALT)
    name = settings.PAYWALL_VISITOR_COOKIE
    return [f"{name}={signer.sign(secrets.token_urlsafe(16))}" for _ in range(count)]


def population(name: str, first_address: int) -> dict[str, list[Reader]]:
    """Create one population's readers; addresses start at index ``first_address``."""
    groups = {
        "anonymous": _visitors(VISITORS),
        "registered": _accounts(name, REGISTERED, subscribers=False),
        "subscriber": _accounts(name, SUBSCRIBERS, subscribers=True),
    }
    readers: dict[str, list[Reader]] = {}
    index = first_address
    for kind, cookies in groups.items():
        readers[kind] = []
        for cookie in cookies:
            readers[kind].append(Reader(cookie, _address(index)))
            index += 1
    return readers


def requests_lines(
    readers: dict[str, list[Reader]], articles: list[dict[str, Any]], rng: random.Random
) -> list[str]:
    """Return ``REQUESTS`` access-check lines drawn from the reader and level mixes."""
    by_level: dict[str, list[int]] = {}
    for entry in articles:
        by_level.setdefault(entry["level"], []).append(entry["id"])
    levels = [level for level in LEVEL_MIX if level in by_level]
    habits = _habits(readers, rng)
    lines = []
    for _ in range(REQUESTS):
        kind = rng.choices(list(READER_MIX), weights=list(READER_MIX.values()))[0]
        # Who checks how often comes from the simulator's reader model (its habits).
        reader = rng.choices(readers[kind], cum_weights=habits[kind])[0]
        level = rng.choices(levels, weights=[LEVEL_MIX[level] for level in levels])[0]
        body = json.dumps({"article": rng.choice(by_level[level]), "gift": None})
        # The reader's kind rides in a sixth field, which wrk's script ignores and
        # bench.profile_check reads (registered and subscriber cookies look alike).
        lines.append(f"POST\t/api/access/\t{reader.cookie}\t{reader.address}\t{body}\t{kind}")
    return lines


# No reader may send more than this many of a population's checks: a heavy reader of the
# model would otherwise meet the check's rate limit (120 a minute per address) and the
# figures would measure 429s.
MAX_CHECKS_PER_READER = 60


def _habits(readers: dict[str, list[Reader]], rng: random.Random) -> dict[str, list[float]]:
    """Return the readers' cumulative weights: visits per day from the simulator's model.

    The same model (``masthead.experiments.simulator.population``) drives the demo's
    traffic and the simulator, so the three populations come back the same way. Habits
    are capped so that no reader's expected share passes ``MAX_CHECKS_PER_READER``.
    """
    import numpy as np

    from masthead.experiments.simulator.population import PopulationSpec, build_population

    generator = np.random.default_rng(rng.randrange(2**32))
    found = {}
    for kind, group in readers.items():
        if not group:
            continue
        weights = build_population(PopulationSpec(len(group)), generator, kind).habit
        expected = REQUESTS * READER_MIX[kind]
        for _ in range(20):  # capping lowers the sum, so cap again until it holds
            weights = np.minimum(weights, MAX_CHECKS_PER_READER * weights.sum() / expected)
        # Cumulative, so each draw is a bisection rather than a pass over every weight.
        found[kind] = [float(w) for w in np.cumsum(weights)]
    return found


def baseline_lines(articles: list[dict[str, Any]], rng: random.Random) -> list[str]:
    """Return the baseline view's requests: a signed cookie each, spread addresses."""
    from bench.views import visitor_cookie

    lines = []
    for n in range(REQUESTS):
        cookie = f"bench_visitor={visitor_cookie(f'visitor-{n % VISITORS}')}"
        body = json.dumps({"article": rng.choice(articles)["id"], "gift": None})
        lines.append(f"POST\t/bench/baseline/\t{cookie}\t{_address(40_000 + n % VISITORS)}\t{body}")
    return lines


def main(argv: list[str]) -> int:
    """Write the populations named in ``argv[1:]`` into ``argv[0]``; 0 on success."""
    import django

    django.setup()
    from bench.catalogue import catalogue

    out, names = Path(argv[0]), argv[1:]
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(6)  # a fixed seed: the same mix every run
    clone_articles(ARTICLES)
    articles = catalogue()
    (out / "articles.json").write_text(json.dumps(articles, indent=1))
    (out / "baseline.txt").write_text("\n".join(baseline_lines(articles, rng)) + "\n")
    for number, name in enumerate(names):
        readers = population(name, first_address=number * SPACING)
        lines = requests_lines(readers, articles, rng)
        (out / f"requests-{name}.txt").write_text("\n".join(lines) + "\n")
    # The session alone: the browser gets its pass from its own first check.
    browser = _accounts("browser", 1, subscribers=True)[0].split(";")[0]
    (out / "subscriber-cookie.txt").write_text(browser)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
