"""Demo stories from City Hall: the budget, the mayor's race, the ward map, the bus vote.

Written for Masthead's demo; every place, person and institution in them is invented.
"""

from __future__ import annotations

from .specs import PictureSpec, StorySpec

BUDGET = StorySpec(
    slug="council-passes-budget-all-night-session",
    headline="Council passes a $412 million budget after an all-night session",
    summary=(
        "The vote was 6-3. Property taxes rise 2.1 percent, the fire department gets 12 new "
        "firefighters, and a plan to close two pools is dropped."
    ),
    section="politics",
    authors=("maren-oduya",),
    age_hours=3 * 24 + 7,
    lead=PictureSpec(
        file="budget-bars.jpg",
        alt="Bar chart of nine years of city spending, rising, with the latest year in red",
        caption="City operating budgets, in millions, over nine years. This year's is in red.",
        credit="Chart by June Castellanos; data from the Alder Falls budget office",
    ),
    body="""
The Alder Falls city council passed a $412 million budget shortly after sunrise, ending a
session that began at 6 p.m. the evening before and ran through 31 amendments, two recesses
and one tray of sandwiches that ran out around midnight.

The final vote was 6-3. The budget raises property taxes by 2.1 percent, which the finance
department estimates will add about $58 a year to the bill on a median home.

## What changed overnight

Mayor Celeste Harrowgate's proposal had closed the Eastgate and Millbrook pools to save
$640,000. After more than two hours of public comment, most of it from parents and swim
coaches, the council restored both and paid for them by delaying the purchase of three
street sweepers.

"We heard you," Council President Ines Okafor told the few dozen residents still in the
chamber at 4 a.m. "We also heard the sweepers are very old, so please be patient with the
leaves."

@image budget-pie.jpg | Ring chart splitting the city budget into six unequal shares |
Public safety takes the largest share of the budget, followed by public works and schools
support. | Chart by June Castellanos; data from the Alder Falls budget office

The fire department will hire 12 firefighters, enough to staff a second engine at the North
Bank station around the clock for the first time since 2011. The police budget is flat.

> We heard you. We also heard the sweepers are very old. -- Council President Ines Okafor

## The three no votes

Council members Jonah Whitlock, Pell Marchetti and Rosalind Yu voted against the budget.
Whitlock said the tax increase was too large in a year when water rates are also going up.
Marchetti and Yu said it did too little for the bus network, which the council is set to
overhaul next month.

The budget takes effect at the start of the fiscal year. The mayor has said she will sign it.
""",
)

MAYOR_RACE = StorySpec(
    slug="third-candidate-enters-mayor-race",
    headline="A retired fire chief becomes the third candidate in the race for mayor",
    summary=(
        "Gideon Sarkissian, who ran the fire department for 14 years, says the city has "
        "stopped fixing small things. He joins the mayor and a council member on the ballot."
    ),
    section="politics",
    authors=("maren-oduya",),
    age_hours=6 * 24 + 2,
    access_level="subscriber",
    lead=PictureSpec(
        file="candidates.jpg",
        alt="Illustration of three figures standing behind podiums",
        caption="The race now has three candidates; the first debate is set for the spring.",
        credit="Illustration by June Castellanos",
    ),
    body="""
Gideon Sarkissian, who spent 14 years as Alder Falls fire chief before retiring last spring,
said he will run for mayor, setting up a three-way race against Mayor Celeste Harrowgate and
Council member Rosalind Yu.

Sarkissian made the announcement outside the North Bank fire station, where he started his
career as a volunteer at 19. He did not attack either opponent by name. His theme, repeated
four times in a twelve-minute speech, was that the city has stopped fixing small things.

"A pothole is not a crisis. A broken streetlight is not a crisis," he said. "But when nobody
fixes them for a year, people stop believing anybody is in charge."

## A candidate without a party line

City elections in Alder Falls are nonpartisan, and Sarkissian has never said how he votes. He
said he would not seek the endorsement of either county party and would cap individual
donations to his campaign at $250, below the city's legal limit of $1,000.

> When nobody fixes them for a year, people stop believing anybody is in charge. -- Gideon
Sarkissian

Harrowgate's campaign said in a statement that the mayor welcomed "a serious conversation
about city services" and pointed to the budget the council just passed, which adds 12
firefighters. Yu, who has focused her campaign on buses and housing, said the more candidates
talking about basic services the better.

## What it means for the race

A three-way race changes the arithmetic. The city has no runoff, so the winner needs only the
most votes. Political scientist Amara Delacroix of Merrow Valley College said a well-known
third candidate is more likely to draw votes from the incumbent than from a challenger.

"Voters who are mostly satisfied stay with the mayor," Delacroix said. "Voters who are
mostly annoyed now have two places to go, and that could split them."

The filing deadline is in February. The League of Kestrel Voters has scheduled the first
debate for the spring at the Bellweather Square library.
""",
)

WARD_MAP = StorySpec(
    slug="new-ward-map-splits-riverside",
    headline="Commission unveils a new ward map, and Riverside is split in two",
    summary=(
        "The draft redraws all nine wards to match the census. Riverside residents say "
        "dividing their neighbourhood down Sumner Avenue would halve their voice at City Hall."
    ),
    section="politics",
    authors=("maren-oduya",),
    age_hours=12 * 24 + 5,
    access_level="registered",
    lead_in_paragraphs=2,
    lead=PictureSpec(
        file="ward-map.jpg",
        alt="Map-like illustration of irregular districts in muted colours, crossed by a river",
        caption="The draft map keeps nine wards but moves most of their borders.",
        credit="Illustration by June Castellanos",
    ),
    body="""
The commission that redraws Alder Falls' nine council wards released its draft map, and the
most talked-about line on it runs straight down Sumner Avenue, dividing the Riverside
neighbourhood between the 3rd and 4th wards.

The city must redraw its wards after every census so that each holds roughly the same number
of people. The North Bank grew by almost 4,000 residents over the decade, while the river
wards lost population, so the borders had to move south and west.

## Why Sumner Avenue

Commission chair Wendell Ostrova said Sumner was the only line that kept both wards within
the five percent population range the city charter allows without breaking up the Old Mill
historic district. "Every other version we drew failed one test or the other," he said.

Riverside residents do not accept that. The neighbourhood association has asked the commission
to move the line four blocks east, to the rail tracks, which it says would keep Riverside whole
and still pass the population test.

> Every other version we drew failed one test or the other. -- Wendell Ostrova, commission
chair

"Right now, we have one council member who knows every block," said Marisol Teague, the
association's president. "Split us, and we have two who each think of us as the far edge of
somebody else's ward."

## What happens next

The commission will hold three public hearings before it votes on a final map. Residents can
draw and submit their own versions on the commission's website, and Ostrova said every
submitted map that meets the legal tests will be published alongside the draft.
""",
)

TRANSIT_VOTE = StorySpec(
    slug="council-bus-network-vote-what-to-watch",
    headline="What to watch as the council votes on the bus network overhaul",
    summary=(
        "Fewer routes, more frequent buses and a new crosstown line. Here is what the plan "
        "changes, who objects and how the votes are lining up."
    ),
    section="politics",
    authors=("luis-fenwick",),
    age_hours=-46,
    status="scheduled",
    access_level="metered",
    lead=PictureSpec(
        file="council-routes.jpg",
        alt="Schematic illustration of coloured bus routes with stops",
        caption="The proposed network would cut the number of routes from 19 to 12.",
        credit="Illustration by June Castellanos",
    ),
    body="""
The Alder Falls city council is set to vote on the biggest change to the bus network in forty
years. The plan, drawn up by the Merrow Valley Transit Authority over two years, would cut the
number of routes from 19 to 12 but run most of the remaining ones every 15 minutes.

Today only three routes come that often. The rest run every 30 or 60 minutes, which the
authority's planners say is too rare for anyone to rely on without a timetable in hand.

## The crosstown line

The centrepiece is a new crosstown route linking the North Bank, the hospital and the college
without a transfer downtown. Riders now make that trip in about 50 minutes; the authority
projects 22.

## Who objects

Residents of the hill neighbourhoods, where three lightly used routes would be replaced by an
on-demand van service, have packed the last two hearings. They say a van that must be booked an
hour ahead is not the same as a bus that simply comes.

> A van you have to book is not a bus. It is an appointment. -- Teodora Ruiz, Quarry Hill
resident

## How the votes line up

Five council members have said they support the plan, which is enough to pass it. Two are
undecided, and Council member Jonah Whitlock has said he will vote no unless the hill routes
keep at least one fixed-schedule bus each hour.

If it passes, the new network would start in late summer, after new timetables are printed and
drivers are trained on the crosstown route.
""",
)

COLUMN_BUSES = StorySpec(
    slug="column-every-bus-route-in-one-day",
    headline="I rode every bus route in Alder Falls in one day. Here is what I learned.",
    summary=(
        "Nineteen routes, fourteen hours, one cold sandwich and a great deal of respect for the "
        "drivers who know every pothole by name."
    ),
    section="opinion",
    authors=("ruth-abernathy-cole",),
    age_hours=20 * 24 + 4,
    lead=PictureSpec(
        file="bus-routes.jpg",
        alt="Schematic illustration of five coloured bus routes crossing a pale map",
        caption="The city's 19 bus routes, as the columnist rode them, end to end.",
        credit="Illustration by June Castellanos",
    ),
    body="""
I set out from the downtown transfer centre at 5:40 one morning with a day pass, a thermos
and a plan to ride all 19 of the city's bus routes from one end to the other. I finished a
little after 7:30 that evening, on the last trip of route 17, the only passenger aboard.

I did it because the council is about to rebuild the network, and I realised I had opinions
about routes I had never ridden. Most of us do. We know our own bus and assume the rest are
either better or worse.

## The fast ones and the faithful ones

Route 1 along the river is a pleasure: frequent, full and quick. Route 6 to the hospital
carried more people with walkers and canes than any other, and its driver waited, every time,
until each of them had sat down.

> Its driver waited, every time, until each of them had sat down.

Then there are the routes that come once an hour and carry almost nobody. On route 12 in the
hills, I rode for 40 minutes with one other passenger, a teenager going to his job at the
garden centre. He told me he leaves an hour early in case the bus is full. It never is.

## What I would tell the council

Frequency is freedom. A bus that comes every 15 minutes lets you stop planning your day around
it, and the proposed network would give that to far more riders than today's. I am persuaded.

But the teenager on route 12 matters too. If the hill routes become a van you have to book,
the council should make sure it is as dependable as the bus it replaces, and should publish
the numbers that prove it, month by month.

The drivers, by the way, were the best part of the day. Every one of them knew something about
the city I did not, and most of them were happy to tell me.
""",
)

STORIES = (BUDGET, MAYOR_RACE, WARD_MAP, TRANSIT_VOTE, COLUMN_BUSES)
