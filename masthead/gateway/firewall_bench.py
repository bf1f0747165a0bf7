"""``firewall_scan_ms_per_100kb``: what the leak firewall costs per 100 KB of response.

    .venv/bin/python -m masthead.gateway.firewall_bench [--articles 2000] [--rounds 50]

Builds an index of ``articles`` synthetic walled articles (600 gated words each, drawn from
a 20,000-word vocabulary, so nearly every word of a body is a known word: the slow case),
then times, per 100 KB body:

- ``firewall_scan_ms_per_100kb``: ``ShingleIndex.scan`` of a REST-like JSON body that holds
  no gated text (the common case: the normaliser, the word codes, the automaton pass);
- ``firewall_filter_pass_ms_per_100kb``: the whole ``Firewall.filter_response`` on it;
- ``firewall_filter_rewrite_ms_per_100kb``: the same body with three walled articles'
  gated text in it (parsed, rewritten to previews, scanned again);
- ``pure_python_shingles_ms_per_100kb``: for comparison, the same body's 8-word shingles
  hashed in Python and looked up in a set.

Prints one JSON object (medians, milliseconds); ``bench/run.py`` can merge it as is.
No Django, no network: it runs in a second.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable

from masthead.gateway.firewall import Article, ShingleIndex, words
from masthead.gateway.firewall_doors import Action, Firewall

BODY_BYTES = 100 * 1024


def _vocabulary(size: int, rng: random.Random) -> list[str]:
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    made: set[str] = set()
    while len(made) < size:
        made.add("".join(rng.choices(letters[:20], k=rng.randint(2, 10))))
    return sorted(made)


def _sentence(vocabulary: list[str], rng: random.Random, length: int) -> str:
    return " ".join(rng.choices(vocabulary, k=length)).capitalize() + "."


def _rest_body(paragraphs: list[str], size: int) -> bytes:
    """A REST-like posts list of about ``size`` bytes holding ``paragraphs``."""
    items = []
    body = b""
    number = 0
    while len(body) < size:
        text = paragraphs[number % len(paragraphs)]
        number += 1
        items.append(
            {
                "id": number,
                "title": {"rendered": f"Story {number}"},
                "content": {"rendered": f"<p>{text}</p>\n<p>{text[::-1]}</p>", "protected": False},
                "excerpt": {"rendered": f"<p>{text[:200]}</p>"},
                "link": f"https://origin.test/2026/11/{number:02d}/story/",
            }
        )
        body = json.dumps(items).encode()
    return body


def _median_ms(action: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(articles: int = 2000, rounds: int = 50, seed: int = 14) -> dict[str, float]:
    """Build the index and time the scan and the filter; medians in ms per 100 KB."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(20_000, rng)
    index = ShingleIndex()
    started = time.perf_counter()
    walled = []
    for number in range(articles):
        gated = " ".join(_sentence(vocabulary, rng, 20) for _ in range(30))
        preview = _sentence(vocabulary, rng, 40)
        walled.append(Article(f"a{number}", gated, f"<p>{preview}</p>", origin_id=number + 1))
    for article in walled:
        index.add(article)
    index.scan("warm up")  # builds the automaton
    build_s = time.perf_counter() - started

    free = [_sentence(vocabulary, rng, 60) for _ in range(50)]
    clean = _rest_body(free, BODY_BYTES)
    leaking = _rest_body([*free[:20], *(article.gated for article in walled[:3])], BODY_BYTES)
    scale = BODY_BYTES / len(clean)
    clean_text = clean.decode()
    firewall = Firewall(index, reporter=lambda verdict, path: None)
    passed = firewall.filter_response("/wp-json/wp/v2/posts", "", "application/json", clean)
    rewritten = firewall.filter_response("/wp-json/wp/v2/posts", "", "application/json", leaking)
    assert passed.action is Action.PASS and rewritten.action is Action.REWRITE

    def pure_python() -> int:
        tokens = words(clean_text)
        shingles = set(map(hash, zip(*(tokens[i:] for i in range(8)), strict=False)))
        return len(shingles & {0})

    return {
        "firewall_scan_ms_per_100kb": round(
            _median_ms(lambda: index.scan(clean_text), rounds) * scale, 3
        ),
        "firewall_filter_pass_ms_per_100kb": round(
            _median_ms(
                lambda: firewall.filter_response(
                    "/wp-json/wp/v2/posts", "", "application/json", clean
                ),
                rounds,
            )
            * scale,
            3,
        ),
        "firewall_filter_rewrite_ms_per_100kb": round(
            _median_ms(
                lambda: firewall.filter_response(
                    "/wp-json/wp/v2/posts", "", "application/json", leaking
                ),
                max(5, rounds // 5),
            )
            * BODY_BYTES
            / len(leaking),
            3,
        ),
        "pure_python_shingles_ms_per_100kb": round(_median_ms(pure_python, rounds) * scale, 3),
        "firewall_index_articles": articles,
        "firewall_index_shingles": index.shingle_count,
        "firewall_index_build_s": round(build_s, 2),
    }


def main(argv: list[str] | None = None) -> int:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.articles, args.rounds), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
