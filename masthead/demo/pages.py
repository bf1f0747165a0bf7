"""The demo paper's standing pages: About, Privacy and Terms, in Markdown.

The privacy page describes what Masthead actually stores; keep it true when that changes.
"""

from __future__ import annotations

from .specs import PageSpec

ABOUT = PageSpec(
    slug="about",
    title="About the Courier",
    body="""
The Alder Falls Courier has reported on Alder Falls and the towns of the Merrow Valley since
1889. We cover City Hall and the county commission, schools, the river and the weather, the
businesses that employ our neighbours, and the music, art and food that make the valley worth
living in.

**This is a demonstration site.** The Courier, Alder Falls, the Merrow River, Kestrel County and
every person quoted in these pages are invented. The articles were written to show what the
Masthead publishing platform does: metered articles, a registration wall, subscriptions, gift
links and house ads. The pictures are abstract illustrations drawn by a small program, and the
one video is a generated test pattern.

**How we work**

Our reporters do not write editorials, and our editorial board does not assign stories. When
we get something wrong we correct it on the article, at the top, and say what changed.

**Reading the Courier**

Stories in the Climate section are free to everyone. Most other stories count against a small
monthly allowance of free articles; opinion pieces are free with a free account; some business
and culture stories are for subscribers.
""",
)

PRIVACY = PageSpec(
    slug="privacy",
    title="Privacy",
    body="""
This page says what the Courier's website stores about you and why. It is written for the
demonstration site and describes how the Masthead software behaves.

**Article pages set no cookie**

When you open an article, the page itself is the same for every reader and sets no cookie.
That is what lets it be served quickly from a shared cache.

**The cookies the rest of the site sets**

After an article page loads, a small script asks our server two things: who is logged in, so
the header shows the right links, and whether you may read the rest of the article. Those
answers can set two cookies:

- **A visitor cookie**, set once while you are logged out: a signed, random identifier. It
  lets us count how many different metered articles this browser has read in the current
  month, so that we can offer a handful free before asking you to register or subscribe. It
  holds no name, e-mail address or browsing history, and it lasts up to a year; the count
  itself is kept on our server against that identifier. If you delete the cookie, the count
  starts again.
- **A security cookie** that protects forms, such as the login form, from forgery. It holds
  a random value and nothing about you.

With JavaScript turned off, neither is set, and you see the opening of each article.

**If you have an account**

When you log in, a session cookie keeps you logged in. We store your e-mail address, a hash of
your password (never the password itself), your subscription, and which metered articles you
have opened this month. Payments are handled by our payment processor; we never see or store
your card number.

**What we count**

We record page views, how often the paywall is shown, registrations, subscriptions and gift
link redemptions, to understand what readers value. These counts are not sold or shared with
advertisers. House ads on this site are our own and do not track you.

**Your choices**

You can read without an account; the only cookies a logged-out reader gets are the two
described above. You can delete your account at any time by writing to us, and
we will delete what we store about you, except records the law requires us to keep.
""",
)

TERMS = PageSpec(
    slug="terms",
    title="Terms of use",
    body="""
These terms cover your use of the Courier's website. They are short on purpose.

**Our articles**

The articles, pictures and video on this site belong to the Courier or to the people who made
them. You may read them, link to them and quote short passages with credit. Please do not copy
whole articles elsewhere.

**Your account**

Keep your password to yourself. One subscription is for one person; a gift link is for sharing
one article with someone you choose. We may close accounts that are used to get around the
paywall at scale, for example by scraping.

**Subscriptions**

A subscription renews until you cancel it, and you can cancel at any time from your account
page. When you cancel, you keep access until the end of the period you have paid for.

**The demonstration**

This is a demonstration site with invented news. Nothing on it is real, nothing you pay for
here is charged, and the demo accounts are reset from time to time.
""",
)

PAGES = (ABOUT, PRIVACY, TERMS)
