"""Demo stories from the city desk: the alert network, the bridge, buses, the library.

Written for Masthead's demo; every place, person and institution in them is invented.
"""

from __future__ import annotations

from .specs import PictureSpec, StorySpec, VideoSpec

SIGNAL_TEST = VideoSpec(
    title="The signal test, as it appeared on screens",
    file="signal-test.webm",
    poster="signal-test-poster.jpg",
    caption=(
        "What screens showed during the test: colour bars, the network's name and a steady "
        "tone. This six-second clip is a generated test pattern; it has no narration."
    ),
    credit="Video by the Courier video desk",
    transcript=(
        "[0:00] Colour bars fill the screen. On a black band across the middle, white "
        'capital letters read "Alder Falls Alert Network", and below them, "Signal test".\n\n'
        "[0:00 to 0:06] A steady, high-pitched tone plays the whole time. There is no "
        "speech and no music.\n\n"
        "[0:06] The tone stops and the clip ends."
    ),
)

ALERT_NETWORK = StorySpec(
    slug="alert-network-signal-test",
    headline="Alder Falls switches on its new emergency alert network with a six-second test",
    summary=(
        "No sirens sounded. Instead, cable channels, the city website and 31 street signs "
        "showed the same colour bars and tone, the first full test of a system meant to reach "
        "every resident in under a minute."
    ),
    section="news",
    authors=("luis-fenwick", "maren-oduya"),
    age_hours=5,
    video=SIGNAL_TEST,
    lead=PictureSpec(
        file="skyline.jpg",
        alt="Flat illustration of the Alder Falls skyline at night with lit windows",
        caption="The alert network reaches screens in every ward, from downtown to the hills.",
        credit="Illustration by June Castellanos",
    ),
    body="""
For six seconds, nearly every public screen in Alder Falls showed the same thing: a band of
colour bars, the words "Signal test" and a tone that made dogs on Canal Street look up. It was
the first full run of the Alder Falls Alert Network, a $2.3 million system the city has spent
two years building.

The network replaces a patchwork of sirens, a phone tree and a page on the city website that,
by the emergency office's own count, about one resident in nine had ever visited. It can now
push a warning to cable television, the website, the 31 digital signs along the river and
every phone that has signed up for text alerts, all from one console.

"The point of today was boring on purpose," said Odalys Brennan, who directs the Office of
Emergency Management. "We wanted to see the pattern land everywhere at once, and it did,
except for two signs on the Wrenfield road that we are already fixing."

## What residents will see next time

The test pattern is the only thing the network will ever send without words. A real alert
carries a short message in English and Spanish, a map link and a time it expires, and repeats
every two minutes until the emergency office cancels it.

@image alert-signs.jpg | Illustration of four riverside street signs showing colour bars at
dusk | The 31 digital signs along the river showed the test pattern at the same moment. |
Illustration by June Castellanos

Phones get a text rather than a push notification, because the city could not require an app.
Brennan said 14,200 numbers were registered by the morning of the test, about a fifth of
households, and that the office would start a sign-up drive at libraries and schools.

> We wanted to see the pattern land everywhere at once, and it did. -- Odalys Brennan, Office
of Emergency Management

## The sirens stay, for now

The eleven outdoor sirens installed in the 1960s will keep sounding on the first Monday of
each month until the council decides whether to replace or retire them. Several are too
quiet to be heard indoors, and two have failed their last three inspections.

Council member Jonah Whitlock, who chairs the public safety committee, said he wanted a
cost estimate for new sirens before the spring budget. "A text does not wake you up if your
phone is in the other room," he said. "A siren might."

The next network test is planned for the spring. The city says it will announce the date a
week ahead, so nobody mistakes colour bars for the real thing.
""",
)

BRIDGE_REPAIRS = StorySpec(
    slug="merrow-street-bridge-lane-closure",
    headline="Cracked bearings close a lane of the Merrow Street Bridge until spring",
    summary=(
        "Inspectors found worn steel bearings under the east span. One northbound lane is shut "
        "and trucks over 10 tons must detour by the Hollis Ferry crossing."
    ),
    section="news",
    authors=("luis-fenwick",),
    age_hours=30,
    access_level="free",
    updated_after_hours=6.5,
    correction=(
        "An earlier version of this article gave the wrong year for the bridge's opening. "
        "The Merrow Street Bridge opened in 1931, not 1913."
    ),
    lead=PictureSpec(
        file="bridge.jpg",
        alt="Illustration of a four-arch bridge crossing a river at sunrise",
        caption=(
            "The Merrow Street Bridge carries about 18,000 vehicles a day between downtown "
            "and the North Bank."
        ),
        credit="Illustration by June Castellanos",
    ),
    body="""
One of the two northbound lanes on the Merrow Street Bridge will stay closed until at least
April after inspectors found cracked steel bearings beneath the east span, the county's public
works department said. The southbound lanes and the sidewalk remain open.

The bearings are the joints that let the deck expand in summer and shrink in winter. Two of
the twelve under the east span showed cracks during a routine underwater and underdeck
inspection, and a third had shifted nearly an inch out of line.

"Nothing about this bridge is in danger of falling down," said Anneliese Kord, the county
engineer. "But a bearing that cannot move passes the stress somewhere else, and we would
rather take a lane away now than a girder later."

## Detours for heavy trucks

Vehicles heavier than 10 tons, including loaded gravel trucks and most moving vans, must use
the Hollis Ferry crossing, about four miles upriver. City buses are exempt because they weigh
less than the limit when empty and will be routed over the closed lane's neighbour.

Drivers should expect delays between 7 and 9 a.m., when northbound traffic already backs up
past the Canal Street light. The department is retiming that signal to give the bridge an extra
ten seconds of green.

> We would rather take a lane away now than a girder later. -- Anneliese Kord, county engineer

## A bridge with a long service record

The Merrow Street Bridge opened in 1931 and was last rebuilt in 1988, when its deck and
railings were replaced. Its bearings are original, which Kord said was remarkable for steel
that has sat over a river for more than ninety years.

Replacement parts must be cast to order. The county expects them in February, and the work
itself, which involves jacking up the span a fraction of an inch at a time, should take about
six weeks if the river stays low.
""",
)

BUS_DRIVERS = StorySpec(
    slug="school-bus-driver-shortage-routes",
    headline="Kestrel County schools trim bus routes as the driver shortage deepens",
    summary=(
        "The district is 23 drivers short. Starting next month, 14 routes will be merged, and "
        "about 600 students will walk farther to their stops."
    ),
    section="news",
    authors=("luis-fenwick",),
    age_hours=52,
    access_level="metered",
    lead=PictureSpec(
        file="school-bus.jpg",
        alt="Illustration of a yellow school bus on an empty road",
        caption="The district runs 118 routes with 95 drivers on its roster.",
        credit="Illustration by June Castellanos",
    ),
    body="""
The Kestrel County school district will merge 14 bus routes next month because it cannot hire
enough drivers to run them, Superintendent Camille Ashdown told the school board. About 600
students will have longer walks to their stops, and some middle school buses will leave ten
minutes earlier.

The district needs 118 drivers to cover every route with a spare. It has 95, and six of them
are substitutes who can only work two days a week.

@paywall

## Where the changes land

Most of the merged routes are in the hill neighbourhoods east of Wrenfield Road, where homes are
far apart and buses run half empty. No stop will be more than half a mile from a student's
home, the district said, which is within the state's limit for students over ten.

Parents at the board meeting were not reassured. "Half a mile on Quarry Hill in January is not
half a mile on a map," said Teodora Ruiz, whose two children ride route 41. "There are no
sidewalks up there."

> Half a mile on Quarry Hill in January is not half a mile on a map. -- Teodora Ruiz, parent

## Why drivers are hard to find

Ashdown said the district's starting wage of $21 an hour trails the county's transit agency by
nearly four dollars, and that the split shift of mornings and afternoons rules out most people
who need a full day's work. Training for the commercial licence takes about seven weeks.

The board agreed to raise the starting wage to $23.50 and to pay trainees during their course.
Ashdown said that would not bring drivers back before spring, when she hopes to restore the
routes. Families can look up their new stops on the district website from next week.
""",
)

LIBRARY_FINES = StorySpec(
    slug="library-ends-late-fines",
    headline="The library stopped charging late fines, and 1,400 overdue books came home",
    summary=(
        "A year after Alder Falls Public Library dropped fines, more cards are active again and "
        "the losses the fines were meant to prevent did not appear."
    ),
    section="news",
    authors=("maren-oduya",),
    age_hours=9 * 24 + 3,
    access_level="registered",
    lead=PictureSpec(
        file="library.jpg",
        alt="Illustration of a columned library building above a row of coloured book spines",
        caption="The Alder Falls Public Library's main branch on Bellweather Square.",
        credit="Illustration by June Castellanos",
    ),
    body="""
When the Alder Falls Public Library stopped charging late fines, its director expected a few
old books to come back. She did not expect 1,400 of them in the first three months, including a
cookbook that had been out since 1994.

The library dropped fines a year ago, after a study by its own staff found that most unpaid
fines belonged to children and to readers in the three poorest wards. Cards blocked for fines
of more than $10 could not borrow anything, so the readers who most needed the library were the
ones it was turning away.

"We were charging people for being busy or broke," said Director Hana Lindqvist. "It cost us
more to collect the fines than the fines brought in."

## Fewer blocked cards, more borrowing

The library unblocked about 3,100 cards when the policy changed. Roughly a third of them have
been used since, and borrowing by children is up 18 percent on the year before.

> We were charging people for being busy or broke. -- Hana Lindqvist, library director

Books are still due back, and readers who keep an item long after its due date are charged its
replacement cost, which is cancelled when the book is returned. Lindqvist said that rule, not
the fine, is what gets rare items back.

## What the council asked

Some council members worried last year that the library would lose money. The fines brought in
about $41,000 a year; the library says it saved about $26,000 in staff time and card-processing
fees, and that donations to its foundation rose enough to cover the difference.
""",
)

EDITORIAL_ALERTS = StorySpec(
    slug="editorial-alert-network-tell-people",
    headline="Editorial: The alert network works. Now make sure people know it exists.",
    summary=(
        "A test reached every screen in the city at once. Only a fifth of households will get "
        "the texts that matter most, and that is the problem to solve before the next storm."
    ),
    section="opinion",
    authors=("editorial-board",),
    age_hours=26,
    body="""
The city's new emergency alert network passed its first test. For six seconds, every cable
channel, the city website and the signs along the river showed the same pattern at the same
moment. That is harder than it sounds, and the Office of Emergency Management deserves credit
for getting it right.

But a warning system is measured by who it reaches, not by what it can do. By the city's own
count, about 14,200 phone numbers are registered for text alerts. That is roughly one household
in five, and we would guess it is not the fifth that most needs a warning.

## Sign-ups should not be opt-in by accident

The people least likely to sign up for a city text service are the people a flood or a heat
wave hurts first: older residents living alone, renters who move often, families who do not
read English. A sign-up drive at libraries is a start. It is not enough.

> A warning system is measured by who it reaches, not by what it can do.

We would like to see the city add a sign-up box to every water bill, every library card form
and every school enrolment packet, in English and Spanish, with a plain promise that the
number will be used for nothing else.

## Keep the sirens until there is something better

There is also the question of the eleven old sirens. Some council members would like to let
them go. We would not, at least not until the text service reaches most homes. A siren is
crude and often too quiet, but it does not depend on anyone having filled in a form.

The network works. The job now is to make it reach people who will never read this editorial.
""",
)

STORIES = (ALERT_NETWORK, BRIDGE_REPAIRS, BUS_DRIVERS, LIBRARY_FINES, EDITORIAL_ALERTS)
