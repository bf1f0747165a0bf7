"""The demo paper itself: its name, its sections and the people on its bylines.

Alder Falls, the Merrow River, Kestrel County and everyone named here are made up.
"""

from __future__ import annotations

from .specs import AuthorSpec, SectionSpec

PUBLICATION_NAME = "The Alder Falls Courier"
PUBLICATION_TAGLINE = "News of Alder Falls and the Merrow Valley since 1889"
PUBLICATION_TIME_ZONE = "America/New_York"

SECTIONS = (
    SectionSpec(
        "news",
        "News",
        "What happened today in Alder Falls and the towns along the Merrow.",
        "metered",
    ),
    SectionSpec(
        "politics",
        "Politics",
        "City Hall, the county commission and the people who want their seats.",
        "metered",
    ),
    SectionSpec(
        "business",
        "Business",
        "Jobs, shops, the river port and the money that moves the valley.",
        "subscriber",
    ),
    SectionSpec(
        "climate",
        "Climate",
        "Heat, floods and the work of adapting a river city. Free to read, always.",
        "free",
    ),
    SectionSpec(
        "culture",
        "Culture",
        "Music, art, food and the places the valley gathers.",
        "metered",
    ),
    SectionSpec(
        "opinion",
        "Opinion",
        "Editorials, columns and letters. Free to any reader with an account.",
        "registered",
    ),
)

AUTHORS = (
    AuthorSpec(
        "maren-oduya",
        "Maren Oduya",
        "City Hall reporter",
        "Maren Oduya has covered the Alder Falls city council since 2017 and has sat through "
        "more budget hearings than she will admit to. Before the Courier she reported for a "
        "weekly in Hollis Ferry.",
        "maren-oduya.jpg",
    ),
    AuthorSpec(
        "tomasz-greer",
        "Tomasz Greer",
        "Business reporter",
        "Tomasz Greer writes about work and money in the Merrow Valley: the river port, the "
        "old mill district and the small shops on Canal Street. He was a bookkeeper first.",
        "tomasz-greer.jpg",
    ),
    AuthorSpec(
        "priya-halloran",
        "Priya Halloran",
        "Climate and environment reporter",
        "Priya Halloran reports on heat, water and land use in Kestrel County. She trained as "
        "a hydrologist and still reads river-gauge data for fun.",
        "priya-halloran.jpg",
    ),
    AuthorSpec(
        "desmond-achterberg",
        "Desmond Achterberg",
        "Arts and food writer",
        "Desmond Achterberg reviews restaurants, concerts and exhibitions, and pays for every "
        "meal he writes about. He plays the cello badly and the piano slightly better.",
        "desmond-achterberg.jpg",
    ),
    AuthorSpec(
        "ruth-abernathy-cole",
        "Ruth Abernathy-Cole",
        "Columnist",
        "Ruth Abernathy-Cole writes a weekly column about getting around, growing up and "
        "growing old in Alder Falls. She has lived in four of the city's nine wards.",
        "ruth-abernathy-cole.jpg",
    ),
    AuthorSpec(
        "luis-fenwick",
        "Luis Fenwick",
        "Transportation and schools reporter",
        "Luis Fenwick covers buses, bridges and the Kestrel County school district. He also "
        "shoots and edits video for the newsroom.",
        "luis-fenwick.jpg",
    ),
    AuthorSpec(
        "editorial-board",
        "The Editorial Board",
        "Opinion",
        "The Courier's editorial board is the opinion staff and the publisher. It is separate "
        "from the newsroom, and its views are not those of the paper's reporters.",
    ),
)
