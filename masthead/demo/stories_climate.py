"""Demo stories from the climate desk: street heat, floodplain buyouts, solar school roofs.

Written for Masthead's demo; every place, person and institution in them is invented.
"""

from __future__ import annotations

from .specs import PictureSpec, StorySpec

HEAT_MAP = StorySpec(
    slug="east-end-streets-run-hotter-heat-map",
    headline="A heat map shows East End streets run 9 degrees hotter than the hills",
    summary=(
        "Volunteers drove sensors across the city on the hottest afternoon of the summer. The "
        "hottest blocks have the fewest trees and the most asphalt."
    ),
    section="climate",
    authors=("priya-halloran",),
    age_hours=7 * 24 + 4,
    lead=PictureSpec(
        file="heat-map.jpg",
        alt="Grid map shaded from blue in the upper right to deep orange in the lower left",
        caption=(
            "Afternoon air temperatures across Alder Falls: orange blocks were hottest, blue "
            "coolest. The dark line is the Merrow River."
        ),
        credit="Illustration by June Castellanos; data from the Kestrel Heat Watch volunteers",
    ),
    body="""
On the hottest afternoon of last summer, 46 volunteers drove slowly along assigned routes
across Alder Falls with temperature sensors clipped to their car windows. The map they
produced shows what East End residents have long suspected: their streets were as much as 9
degrees hotter than the wooded hills a mile and a half away.

The survey, organised by the county health department and volunteers from Merrow Valley
College, took readings every second for three hours, at 6 a.m., 3 p.m. and 7 p.m. The hottest
reading, 104 degrees, came from a parking lot beside the Eastgate shopping plaza.

## Trees and asphalt

The pattern follows the tree canopy almost block for block. Streets where trees shade less than
a tenth of the ground were the hottest on the map, and they are concentrated in the East End and
the blocks around the rail yard, where many homes were built without yards.

"Heat is the weather event that kills the most people in this county, and it does it quietly,"
said Dr. Farida Quennell, the county health officer. "Now we can see where it sits."

@image heat-chart.jpg | Line chart of two temperature lines over an afternoon | Temperatures
recorded along an East End route (orange) and a hill route (blue) over three hours. | Chart by
June Castellanos; data from the Kestrel Heat Watch volunteers

> Heat is the weather event that kills the most people in this county, and it does it quietly.
-- Dr. Farida Quennell, county health officer

## What the city plans to do

The parks department will plant 1,200 street trees in the hottest tracts over the next three
years, starting with blocks near schools and senior housing. The city will also test a pale,
reflective coating on two East End parking lots and measure whether it lowers the air
temperature around them.

Volunteers will repeat the survey next summer. Anyone with a car and a free afternoon can sign
up through the health department.
""",
)

FLOOD_BUYOUTS = StorySpec(
    slug="hollis-ferry-floodplain-buyouts",
    headline="Hollis Ferry weighs buying out 38 homes in the floodplain",
    summary=(
        "The river has reached the same streets three times in eight years. A federal grant "
        "would pay owners pre-flood value to leave, and turn their lots into parkland."
    ),
    section="climate",
    authors=("priya-halloran",),
    age_hours=11 * 24 + 8,
    access_level="metered",
    lead=PictureSpec(
        file="floodplain.jpg",
        alt="Illustration of small houses on a green bank with the river risen close below them",
        caption="Homes on Willow and Tanner streets sit a few feet above the river's normal level.",
        credit="Illustration by June Castellanos",
    ),
    body="""
The town of Hollis Ferry has asked the owners of 38 homes on Willow and Tanner streets whether
they would sell to the town and move away from the Merrow, which has flooded the same low
blocks three times in eight years.

The offers would be paid mostly by a federal hazard mitigation grant, at the home's value
before the most recent flood. Once bought, the houses would be torn down and the lots kept as
open land that can flood without harming anyone.

## A hard choice on Willow Street

Some residents are ready. "I have carried my furniture upstairs three times," said Alvaro
Pennington, who has lived on Willow Street for 31 years. "I am 68. I do not want to do it a
fourth time."

Others are not. Several families said the buyout price would not buy a comparable home on
higher ground, where prices have climbed, and that they do not want to leave neighbours they
have known for decades.

> I have carried my furniture upstairs three times. I do not want to do it a fourth time.
-- Alvaro Pennington, Willow Street

@image river-gauge.jpg | Line chart of two lines rising and falling | River levels at the Hollis
Ferry gauge during the last three floods (orange) against an ordinary spring (blue). | Chart by
June Castellanos; data from the Kestrel County river gauge network

## No one will be forced

Town manager Delphine Arkwright said the programme is voluntary and that the town will not use
eminent domain. A buyout works best when a whole block sells, she said, but the grant can pay
for scattered lots too.

Owners have until the end of March to say whether they are interested. The town will hold an
open meeting at the fire hall, and has hired a housing counsellor to help families compare the
offer with the cost of rebuilding.
""",
)

SOLAR_ROOFS = StorySpec(
    slug="solar-panels-eleven-school-roofs",
    headline="Eleven school roofs will carry solar panels by next fall",
    summary=(
        "The district expects to cut its electricity bill by about a third, and students will be "
        "able to watch the panels' output on a screen in each lobby."
    ),
    section="climate",
    authors=("priya-halloran", "luis-fenwick"),
    age_hours=19 * 24 + 2,
    lead=PictureSpec(
        file="solar-roofs.jpg",
        alt="Illustration of rows of dark solar panels on a sloping roof under a pale sun",
        caption="The first panels go on the roof of Bellweather Elementary over the winter break.",
        credit="Illustration by June Castellanos",
    ),
    body="""
Solar panels will cover the roofs of 11 Kestrel County schools by next fall, the school board
decided, in a project the district says will cut its electricity bill by about a third and pay
for itself in roughly nine years.

The board chose the schools whose roofs are newest and flattest, so that no roof will need
replacing before the panels reach the end of their 25-year life. Work starts at Bellweather
Elementary during the winter break, when the building is empty.

## Who pays

The $6.2 million project will be paid for with a state clean energy grant and a low-interest
bond. Business manager Rupert Annunziata said the district pays about $1.4 million a year for
electricity and expects to save $470,000 of that each year once all 11 roofs are running.

> The roof has been sitting in the sun for fifty years. It might as well do something.
-- Rupert Annunziata, district business manager

## A lesson on every wall

Each school will get a screen in its lobby showing how much power the panels are making, and
the science department is writing lessons around the data. Teachers at Wrenfield Middle School
asked for the raw numbers, too, so students can build their own charts.

The district says the panels will not affect classes, since installers will work mostly on
weekends and holidays. Four more schools could follow once their roofs are replaced.
""",
)

STORIES = (HEAT_MAP, FLOOD_BUYOUTS, SOLAR_ROOFS)
