"""Demo stories from the business desk: the old mill, a grocery co-op, the river port.

Written for Masthead's demo; every place, person and company in them is invented.
"""

from __future__ import annotations

from .specs import PictureSpec, StorySpec

MILL_LOFTS = StorySpec(
    slug="harlan-mill-apartments-food-hall",
    headline="The old Harlan textile mill will become 220 apartments and a food hall",
    summary=(
        "A Merrow Valley developer bought the empty mill for $3.8 million. A quarter of the "
        "apartments will rent below market, a condition of the city's tax break."
    ),
    section="business",
    authors=("tomasz-greer",),
    age_hours=4 * 24 + 1,
    lead=PictureSpec(
        file="mill.jpg",
        alt="Illustration of a long brick mill building with rows of arched windows and a chimney",
        caption="The Harlan mill closed in 1987 and has stood empty since a furniture outlet left.",
        credit="Illustration by June Castellanos",
    ),
    body="""
The Harlan textile mill, the four-storey brick hulk that has loomed over the canal in the Old
Mill district for as long as anyone in Alder Falls can remember, is to become 220 apartments, a
food hall and a small riverside park.

Foundry Row Partners, a developer based in Hollis Ferry, bought the building from the county
land bank for $3.8 million. The firm's managing partner, Beatrix Okonjo, said construction
could start next autumn and take about two years.

## The tax break and its conditions

The project depends on a 15-year property tax abatement the council approved last month. In
exchange, 55 of the apartments must rent at prices affordable to households earning 60 percent
of the area's median income, about $1,150 a month for a one-bedroom today.

@image rent-chart.jpg | Line chart with two lines rising and falling over two years |
Average asking rents in the Old Mill district (orange) have outpaced the city as a whole
(blue). | Chart by June Castellanos; data from Merrow Valley Realtors

Okonjo said the numbers work only because the mill's heavy timber floors and tall windows are
worth keeping. "You could not build this today for what we will charge," she said. "The
building is doing half the work."

> You could not build this today for what we will charge. The building is doing half the
work. -- Beatrix Okonjo, Foundry Row Partners

## A food hall, not a mall

The ground floor will hold 12 food stalls, a bakery and a hardware store, which Okonjo said
the neighbourhood asked for more often than anything else. Stall rents will start low for the
first two years to attract cooks from the valley rather than chains.

Neighbours broadly welcomed the plan, with one worry: parking. The project includes 160
spaces, fewer than one per apartment, and relies on a new bus stop at the mill gate that the
transit authority has not yet approved.
""",
)

GROCERY_COOP = StorySpec(
    slug="wrenfield-grocery-coop-opens",
    headline="Wrenfield's grocery co-op opens after six years and 2,100 member-owners",
    summary=(
        "The town lost its last supermarket in 2018. Residents raised $1.9 million, one share "
        "at a time, to open their own."
    ),
    section="business",
    authors=("tomasz-greer",),
    age_hours=15 * 24 + 6,
    access_level="metered",
    lead=PictureSpec(
        file="co-op.jpg",
        alt="Illustration of three shopfronts with striped awnings and fruit in the windows",
        caption="Wrenfield Commons Market occupies the old hardware store on Main Street.",
        credit="Illustration by June Castellanos",
    ),
    body="""
A line of about 300 people stretched down Main Street in Wrenfield when the doors of the
Wrenfield Commons Market opened for the first time. Many of them owned a piece of it.

The town, 11 miles up the Merrow from Alder Falls, lost its last supermarket in 2018, when a
regional chain closed the store and turned its lease into a warehouse. For six years residents
drove to Alder Falls or Hollis Ferry for groceries, or bought what they could at the gas
station.

## One share at a time

The co-op sold member shares at $200 each, with a payment plan of $10 a month for those who
needed it. It signed up 2,100 member-owners, about one household in three, and borrowed the
rest of its $1.9 million start-up budget from a community development lender.

"People kept asking who was behind it," said Nell Abara, the co-op's first general manager.
"The honest answer was: the woman in front of you in line, and the one behind her."

> The honest answer was: the woman in front of you in line, and the one behind her. -- Nell
Abara, general manager

Anyone can shop at the market. Member-owners get a share of any profit at the end of the year
and elect the board, one vote per member regardless of how many shares they hold.

## Local first, where it can be

About a fifth of the shelves carry food from within 50 miles, including eggs from three Kestrel
County farms and bread from a bakery in the Old Mill district. The rest comes through a
cooperative wholesaler, which Abara said keeps prices close to a chain store's.

The market employs 34 people, most of them from Wrenfield. It needs weekly sales of about
$95,000 to break even, and Abara said the first week came in above that.
""",
)

PORT_NIGHT_SHIFT = StorySpec(
    slug="merrow-port-adds-night-shift",
    headline="The Merrow River port adds a night shift as freight volumes climb",
    summary=(
        "Barge traffic is up 27 percent on last year. The port will hire 40 workers and keep "
        "its cranes running until 2 a.m."
    ),
    section="business",
    authors=("tomasz-greer",),
    age_hours=40,
    lead=PictureSpec(
        file="port.jpg",
        alt="Night illustration of three dock cranes above stacks of coloured shipping containers",
        caption="The port handled 1.1 million tons of cargo last year, most of it grain and steel.",
        credit="Illustration by June Castellanos",
    ),
    body="""
The Port of Alder Falls will add a second shift and keep its cranes running until 2 a.m. from
next month, the port authority said, after barge traffic on the Merrow rose 27 percent in the
first ten months of the year.

The port plans to hire 40 workers: crane operators, forklift drivers, clerks and two
electricians. Starting pay for dock work is $26.40 an hour, with a night premium of $3.

## Why freight is coming back to the river

Port director Silas Ferreira-Lunde said much of the growth is grain and road salt that used to
move by truck. Diesel prices and a shortage of long-haul drivers have made a barge, slow as it
is, the cheaper way to move heavy loads for anyone who can wait two days.

@image freight-chart.jpg | Line chart comparing two lines over 24 months | Monthly tonnage at the
port (blue) against the same month a year earlier (orange). | Chart by June Castellanos; data
from the Port of Alder Falls

"A barge carries what 70 trucks carry," Ferreira-Lunde said. "That is 70 trucks that are not
on the Merrow Street Bridge, and given what the bridge is going through, I think everybody can
get behind that."

> A barge carries what 70 trucks carry. -- Silas Ferreira-Lunde, port director

## Neighbours want quiet

The night shift worries residents of the South Bank, across the river from the container yard.
The port said it will switch to broadband reversing alarms, which sound like a hiss rather than
a beep, and will not load scrap metal after 10 p.m.

The port authority board approved the shift without dissent. Ferreira-Lunde said he would
report back in six months on the noise complaints and on whether the new volume has held.
""",
)

DOWNTOWN_VACANCIES = StorySpec(
    slug="downtown-storefront-vacancies-fall",
    headline="Downtown storefront vacancies fall for the first time since 2019",
    summary=(
        "Twenty-two shops opened on Canal Street and around Bellweather Square this year, and "
        "fourteen closed. Landlords credit shorter leases."
    ),
    section="business",
    authors=("tomasz-greer",),
    age_hours=0,
    status="draft",
    lead=PictureSpec(
        file="storefronts.jpg",
        alt="Illustration of three shopfronts with striped awnings",
        caption="New shops on Canal Street this year included a bike repair shop and a bakery.",
        credit="Illustration by June Castellanos",
    ),
    body="""
For the first time in five years, more shops opened in downtown Alder Falls than closed, the
Downtown Alliance said in its annual count. The storefront vacancy rate fell to 14 percent from
17 percent a year earlier.

Twenty-two businesses opened on Canal Street and the streets around Bellweather Square, and
fourteen closed. The alliance counts every ground-floor space in its district twice a year.

## Shorter leases, smaller shops

Landlords have started offering one-year leases instead of five, said the alliance's director,
Oren Mbeki, which lets new owners try an idea without betting their savings on it.

> A one-year lease is a conversation. A five-year lease is a marriage. -- Oren Mbeki, Downtown
Alliance

Several of the new shops share space: a bakery that becomes a bar in the evening, a bike repair
shop with a barber in the back. Mbeki said the alliance will publish its full count, block by
block, next month.

[Draft: waiting on the alliance's final figures before this runs.]
""",
)

STORIES = (MILL_LOFTS, GROCERY_COOP, PORT_NIGHT_SHIFT, DOWNTOWN_VACANCIES)
