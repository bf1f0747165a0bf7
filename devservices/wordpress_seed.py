"""The content the ``wordpress`` kind seeds: known text the leak tests look for.

Every walled post (tag ``subscriber``) has a lead-in (``lead``: the first paragraphs, the
part everyone may read) and a gated part (``gated``) in which one invented word
(``oracle_word``) appears and nowhere else on the site, so a search for it tells whether a
door answers from the gated text. Free posts have no gated part. The seeding script
(``devservices/php/seed.php``) writes each post's paragraphs as Gutenberg paragraph blocks,
the images as image blocks of real PNG attachments, and records what it made (ids, URLs,
attachment files) in ``seed.json`` in the service folder: tests read it with
``load_seeded``.

The lead-in is always the first ``len(lead)`` paragraphs of the body; the post with
``more=True`` also carries WordPress's own ``<!--more-->`` break right after it. The
night-market post's lead-in is shorter than WordPress's automatic 55-word excerpt, so its
stock excerpt runs into the gated part (a leak the gateway has to cut).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CATEGORIES = ("Politics", "Science", "Culture")
WALL_TAG = "subscriber"


@dataclass(frozen=True)
class SeedImage:
    """A small PNG made at seed time; ``gated`` says whether it sits in the gated part."""

    name: str  # file name stem, e.g. "harbour-crane"
    alt: str
    gated: bool
    colour: tuple[int, int, int] = (40, 90, 160)


@dataclass(frozen=True)
class SeedPost:
    """One post as seeded (the input of seed.php)."""

    slug: str
    title: str
    category: str
    date: str  # "YYYY-MM-DD HH:MM:SS", the site's time zone (UTC)
    lead: tuple[str, ...]
    gated: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    oracle_word: str = ""
    more: bool = False
    images: tuple[SeedImage, ...] = ()
    post_type: str = "post"

    @property
    def walled(self) -> bool:
        """True for posts tagged ``subscriber`` (the ones with a gated part)."""
        return WALL_TAG in self.tags


POSTS: tuple[SeedPost, ...] = (
    SeedPost(
        slug="harbour-budget-vote",
        title="Council backs the harbour budget after a long night",
        category="Politics",
        date="2026-11-03 09:15:00",
        tags=(WALL_TAG, "harbour"),
        oracle_word="glimmerquay",
        lead=(
            "The town council approved the harbour budget shortly before two in the morning, "
            "after eleven hours of debate in which every line of the spending plan was read "
            "aloud at least once and three amendments were withdrawn without a vote.",
            "The plan keeps the ferry berth open through the winter and pays for a survey of "
            "the old sea wall, which engineers have described as tired rather than dangerous, "
            "a word choice that itself took twenty minutes of argument.",
        ),
        gated=(
            "Behind closed doors, two councillors had already agreed to trade the dredging "
            "contract for a promise on parking fees, according to notes of the glimmerquay "
            "meeting seen by this newspaper and confirmed by three people who attended it.",
            "The notes show the treasurer warning that the reserve fund would fall below its "
            "legal minimum by March unless the crane hire was postponed for a second year, a "
            "warning that never reached the public agenda.",
            "Asked about the meeting, the harbour master said she had not been invited and "
            "learned of the arrangement from a fisherman who overheard it at the chandlery "
            "counter on a Tuesday afternoon.",
        ),
        images=(
            SeedImage("harbour-at-dawn", "The harbour at dawn", gated=False, colour=(30, 80, 140)),
            SeedImage("treasurer-notes", "The treasurer's notes", gated=True, colour=(150, 40, 40)),
        ),
    ),
    SeedPost(
        slug="tidal-turbine-trial",
        title="The tidal turbine trial ends with more questions than power",
        category="Science",
        date="2026-11-05 14:30:00",
        tags=(WALL_TAG, "energy"),
        oracle_word="saltmarrow",
        more=True,
        lead=(
            "For eighteen months a single turbine sat on the floor of the estuary, turning "
            "with every tide and sending its readings to a shed on the quay where two "
            "researchers took turns watching the numbers climb and fall with the moon.",
        ),
        gated=(
            "The final report, due next month, finds that the blades fouled with a saltmarrow "
            "weed far faster than the models predicted, cutting the output by almost half "
            "after the first summer and forcing four unplanned dives to clean them.",
            "The researchers now believe a slower rotor with fewer blades would have shed the "
            "growth on its own, and they have asked for a second trial that the university "
            "has not yet agreed to fund.",
            "Fishermen who worked near the site reported no change in their catch, a finding "
            "the report treats with caution because the counts were kept in notebooks rather "
            "than by any agreed method.",
        ),
        images=(
            SeedImage("fouled-blade", "A fouled turbine blade", gated=True, colour=(40, 130, 60)),
        ),
    ),
    SeedPost(
        slug="night-market-returns",
        title="The night market returns, smaller and louder",
        category="Culture",
        date="2026-11-07 19:00:00",
        tags=(WALL_TAG,),
        oracle_word="lanternwick",
        lead=(
            "After two quiet years the night market is back on the square, with forty stalls "
            "instead of ninety and a brass band nobody booked.",
        ),
        gated=(
            "Organisers say the smaller size was forced on them by the insurer, which refused "
            "to cover more than forty lanternwick stalls after a gas bottle rolled into the "
            "fountain at the last market and had to be fished out by a volunteer.",
            "The band, it turns out, is the mayor's nephew and his friends, who were told "
            "they could play if they kept away from the food tent and stopped before the "
            "church clock struck eleven.",
            "Stallholders pay a flat fee this year rather than a share of their takings, a "
            "change that the bakers welcome and the jewellers say will drive them to the "
            "coast road fair instead.",
        ),
    ),
    SeedPost(
        slug="library-opening-hours",
        title="The library opens on Sunday afternoons from December",
        category="Culture",
        date="2026-11-09 10:00:00",
        tags=("community",),
        lead=(
            "The town library will open from one until five on Sundays starting in December, "
            "the first change to its hours in more than a decade, after a petition gathered "
            "over six hundred signatures in a single month.",
            "Volunteers from the reading circle will staff the desk on alternate weeks, and "
            "the children's corner gets a new carpet paid for by the bring-and-buy sale.",
            "The librarian asked readers to return overdue books before the change so that "
            "the new Sunday shelves do not start the season half empty.",
        ),
    ),
    SeedPost(
        slug="river-survey-results",
        title="Volunteers count more otters on the river than last year",
        category="Science",
        date="2026-11-11 08:45:00",
        tags=("wildlife",),
        lead=(
            "The autumn river survey counted fourteen otters between the mill and the weir, "
            "four more than last year, and found fresh spraint under two of the three bridges "
            "the volunteers checked every morning for a fortnight.",
            "The survey leader credits the cleaner water since the tannery closed, though she "
            "warned that a single good year says little about a population that moves up and "
            "down the valley with the fish.",
        ),
        images=(
            SeedImage(
                "otter-tracks", "Otter tracks in the mud", gated=False, colour=(120, 100, 60)
            ),
        ),
    ),
    SeedPost(
        slug="ferry-timetable-change",
        title="The winter ferry timetable drops the first crossing",
        category="Politics",
        date="2026-11-13 07:20:00",
        tags=("harbour",),
        lead=(
            "From the first of December the ferry's earliest crossing leaves at seven rather "
            "than half past five, the operator announced, citing too few passengers on dark "
            "mornings to pay for the crew.",
            "Commuters who work the early shift at the cannery across the water say they "
            "will have to drive the long way round, which adds forty minutes each way.",
        ),
    ),
    SeedPost(
        slug="about-the-gazette",
        title="About the Harbour Gazette",
        category="",
        date="2026-11-01 12:00:00",
        post_type="page",
        lead=(
            "The Harbour Gazette is a small test newspaper that exists so that a paywall can "
            "be tried against a real WordPress site without touching anyone's real readers.",
        ),
    ),
)


@dataclass
class SeededPost:
    """A post as WordPress stored it (read back from ``seed.json``)."""

    slug: str
    id: int
    url: str
    walled: bool
    oracle_word: str
    lead: list[str]
    gated: list[str]
    post_type: str = "post"
    category: str = ""
    tags: list[str] = field(default_factory=list)
    # name -> {"id": attachment id, "url": file URL, "gated": bool}
    images: dict[str, dict[str, Any]] = field(default_factory=dict)


def seed_input() -> str:
    """The JSON seed.php reads: the posts, their categories and tags, and the images."""
    return json.dumps({"categories": CATEGORIES, "posts": [asdict(post) for post in POSTS]})


def load_seeded(seed_file: Path | str) -> list[SeededPost]:
    """Read what seed.php recorded (``MASTHEAD_TEST_WP_SEED``) as ``SeededPost`` objects."""
    raw = json.loads(Path(seed_file).read_text())
    return [SeededPost(**entry) for entry in raw["posts"]]
