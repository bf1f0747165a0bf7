"""Demo stories from the culture desk: a new conductor, a mural festival, a diner review.

Written for Masthead's demo; every place, person and institution in them is invented.
"""

from __future__ import annotations

from .specs import PictureSpec, StorySpec

NEW_CONDUCTOR = StorySpec(
    slug="merrow-valley-symphony-new-conductor",
    headline="Merrow Valley Symphony names its first new conductor in 22 years",
    summary=(
        "Ilse Varga-Moreno, 38, will succeed the orchestra's long-serving music director next "
        "season. She wants concerts in school gyms and one free night a month."
    ),
    section="culture",
    authors=("desmond-achterberg",),
    age_hours=8 * 24 + 6,
    lead=PictureSpec(
        file="orchestra.jpg",
        alt="Illustration of concentric golden and violet arcs, like an orchestra seen from above",
        caption="The orchestra plays most of its season at the Harmon Hall on Bellweather Square.",
        credit="Illustration by June Castellanos",
    ),
    body="""
The Merrow Valley Symphony Orchestra has chosen Ilse Varga-Moreno as its next music director,
ending a two-year search and a tenure that has lasted longer than some of the orchestra's
players have been alive.

Varga-Moreno, 38, is now the associate conductor of an orchestra two states away and has
guest-conducted in Alder Falls twice. She will take up the post next season, succeeding
Augustin Feld, who has led the orchestra for 22 years and will become its conductor laureate.

## Concerts in the gym

At a news conference on the Harmon Hall stage, Varga-Moreno said she wants the orchestra to play
where people already are. Her first season will include four concerts in school gymnasiums and
one free evening concert each month, with tickets given out at libraries.

"An orchestra is a public thing," she said. "If people have to cross the river and pay sixty
dollars to find that out, we have made it private by accident."

> An orchestra is a public thing. -- Ilse Varga-Moreno, incoming music director

## Players had a vote

For the first time, the orchestra's musicians voted in the search, with two seats on the
selection committee. Principal cellist Tobias Nakamura-Hale said the players wanted someone who
rehearses efficiently and listens. "She does both," he said, "and she learned all our names in
one rehearsal."

Feld will conduct his final concerts as music director in May, ending with the same symphony he
conducted at his first. Tickets go on sale to subscribers first.
""",
)

MURAL_FESTIVAL = StorySpec(
    slug="mural-festival-canal-street-underpass",
    headline="A mural festival turns the Canal Street underpass into a gallery",
    summary=(
        "Twelve artists painted 400 feet of grey concrete in nine days. The city had spent "
        "years scrubbing graffiti off the same wall."
    ),
    section="culture",
    authors=("desmond-achterberg",),
    age_hours=14 * 24 + 3,
    access_level="free",
    lead=PictureSpec(
        file="mural.jpg",
        alt="Illustration of bright circles and triangles painted across a grey wall",
        caption="The finished wall, seen from the Canal Street sidewalk.",
        credit="Illustration by June Castellanos",
    ),
    body="""
For years the underpass where Canal Street ducks under the rail line was the least loved 400
feet in Alder Falls: grey concrete, one flickering light and a city crew that came every few
weeks to paint over the graffiti. Now it is the most photographed.

Twelve artists, most of them from the Merrow Valley, painted the walls during the first Canal
Walls festival, working in shifts from morning until the light went. The city paid for paint
and scaffolding; a local hardware store donated brushes and rollers.

## A wall in twelve voices

Each artist had a panel of about 30 feet, and the only rule was that the designs had to meet at
the seams. The result runs from a flock of paper cranes to a bright, almost abstract map of the
river, painted by 19-year-old Ximena Halvorsen, the youngest artist in the festival.

@image mural-detail.jpg | Close illustration of overlapping painted shapes in orange, purple and
teal | Ximena Halvorsen's panel turns the Merrow into a string of bright shapes. | Illustration by
June Castellanos

"I wanted the river to be the loudest thing in the underpass," Halvorsen said, "because it is
the reason the city is here at all."

> I wanted the river to be the loudest thing in the underpass. -- Ximena Halvorsen, artist

## Will the paint last?

The walls have been sealed with an anti-graffiti coating, and the city has added lighting. The
festival's organisers hope to paint a second underpass next year, on the North Bank, and are
asking residents to suggest walls that deserve the same treatment.
""",
)

DINER_REVIEW = StorySpec(
    slug="review-the-lantern-diner-grows-up",
    headline="Review: At the Lantern, a diner grows up without losing its pie",
    summary=(
        "The new owners of the 60-year-old Canal Street diner have added a short dinner menu "
        "and a wine list. The sour cherry pie is still the reason to go."
    ),
    section="culture",
    authors=("desmond-achterberg",),
    age_hours=17 * 24 + 5,
    access_level="subscriber",
    lead=PictureSpec(
        file="diner.jpg",
        alt="Illustration of a round pie with one purple wedge, under a hanging lantern",
        caption="The sour cherry pie at the Lantern, $6.50 a slice.",
        credit="Illustration by June Castellanos",
    ),
    body="""
The Lantern has served breakfast on Canal Street since before most of its customers were born,
and for most of that time it served the same breakfast. So when Ada and Bertrand Kowalczyk
bought it last year and announced a dinner menu, regulars worried about their eggs.

They need not have. The morning menu is intact, down to the hash browns, which arrive crisp at
the edges and soft in the middle, exactly as they always have. What is new happens after 5
p.m., when the lights go down a little and a short menu of eight dishes appears.

## Dinner, briefly

The best of it is a plate of braised chicken thighs with white beans and greens, a dish so
plain on paper that it is easy to overlook. Order it anyway. The broth alone is worth the
$18. A trout from a Kestrel County farm, pan-fried with brown butter, was almost as good.

Less successful was a beet salad that could not decide whether it wanted to be sweet or sour,
and a burger that, at $17, should have arrived with a bun that held together.

> The morning menu is intact, down to the hash browns.

## And then there is the pie

The Lantern's sour cherry pie has been made to the same recipe since the diner opened, and
the new owners were wise enough to hire the baker along with the building. The crust
shatters. The filling is tart enough to make you blink. Have it warm, with nothing on it.

The wine list is short, fairly priced and mostly from the region. Service is friendly and can
be slow when the counter fills. The Lantern is open daily from 6:30 a.m. to 9 p.m.; dinner
reservations are taken by phone only.
""",
)

STORIES = (NEW_CONDUCTOR, MURAL_FESTIVAL, DINER_REVIEW)
