"""Every route the app serves, as concrete requests the leak suite can send.

``all_routes`` walks the URL resolver recursively, so a route someone adds is visited
without anyone remembering to list it. A route without parameters is requested at its
literal path. A route with parameters needs a *filler*: a function that returns the
concrete URLs to try, given the fixture world. ``FILLERS`` is keyed by the route's
namespaced name (or by its pattern when it has no name); routes taking a slug under a
known prefix are filled by ``SLUG_PREFIXES``; admin routes by parameter name, from
``admin_values``. A route nobody taught the suite to fill makes
``test_it_can_fill_every_route`` fail: adding a route means adding its filler here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .fixtures import IMAGE_NAME, NEVER_KEYS, LeakWorld, hush_word, seek_word
from .gifts import gift_variants


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full pattern text, namespaced name and parameter names."""

    pattern: str
    name: str
    params: tuple[str, ...]

    @property
    def key(self) -> str:
        """Return the name the suite knows the route by."""
        return self.name or self.pattern


def _params_of(resolver_or_pattern: URLPattern | URLResolver) -> tuple[str, ...]:
    pattern = resolver_or_pattern.pattern
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespace: str, params: tuple[str, ...]
) -> Iterator[Route]:
    for entry in patterns:
        text = prefix + str(entry.pattern)
        found = params + _params_of(entry)
        if isinstance(entry, URLResolver):
            space = (
                f"{namespace}:{entry.namespace}"
                if entry.namespace and namespace
                else (entry.namespace or namespace)
            )
            yield from _walk(entry.url_patterns, text, space, found)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Route(text, name, found)


def all_routes() -> list[Route]:
    """Return every route in the URL configuration, in resolution order."""
    return list(_walk(get_resolver().url_patterns, "", "", ()))


def literal_path(pattern: str) -> str:
    """Return the path of a parameterless pattern (regex anchors removed)."""
    return "/" + pattern.replace("^", "").replace("$", "").replace("\\Z", "")


Filler = Callable[[Route, LeakWorld], list[str]]


def _article_urls(route: Route, world: LeakWorld) -> list[str]:
    urls = [fixture.url for fixture in world.articles.values()]
    # A GET never redeems a gift token (only the access check does), so the page must not
    # care: every bad kind on two articles, the genuine-but-wrong kinds on the rest, and
    # the genuine open gift itself.
    for key, fixture in world.walled.items():
        tokens = (
            gift_variants(world, fixture)
            if key in ("subscriber", "media")
            else (world.bad_gifts.get(key, []))
        )
        urls.extend(f"{fixture.url}?gift={token}" for token in tokens)
    story = world.articles["subscriber"].url
    urls.append(f"{story}?gift={world.open_gift}")
    # Views other platforms grew (AMP, print, JSON, "full"): none may exist by accident.
    for query in ("amp=1", "output=amp", "print=1", "format=json", "full=1", "preview=1"):
        urls.append(f"{story}?{query}")
    return [*urls, f"{story}amp/", f"{story}print/", f"{story}json/"]


def _slugs(route: Route, slugs: list[str]) -> list[str]:
    return [reverse(route.name, kwargs={"slug": slug}) for slug in slugs]


def _search_urls(route: Route, world: LeakWorld) -> list[str]:
    words = [hush_word(key, 3) for key in world.walled] + [seek_word("free")]
    words += ["GATEDMARK", "Behind the wall", "hushmedia"]
    path = reverse(route.name)
    return [f"{path}?q={word}" for word in words]


def _values(param: str, values: Callable[[LeakWorld], list[str]]) -> Filler:
    """Return a filler that reverses ``route`` once per value of its one parameter."""

    def fill(route: Route, world: LeakWorld) -> list[str]:
        return [reverse(route.name, kwargs={param: value}) for value in values(world)]

    return fill


def _forged_tokens(world: LeakWorld) -> list[str]:
    return ["forged", signing.dumps({"u": 1, "a": 1}, salt="leak-suite"), world.open_gift]


def _reset_urls(route: Route, world: LeakWorld) -> list[str]:
    return [
        reverse(route.name, kwargs={"uidb64": uid, "token": token})
        for uid, token in (("MQ", "set-password"), ("MQ", "forged-token"), ("zz", "x"))
    ]


def _subscription_pks(world: LeakWorld) -> list[str]:
    # Someone else's subscription, and one that does not exist.
    from masthead.billing.models import Subscription

    return [str(pk) for pk in Subscription.objects.values_list("pk", flat=True)[:2]] + ["999999"]


def _gift_pks(world: LeakWorld) -> list[str]:
    from masthead.gifts.models import GiftLink

    return [str(pk) for pk in GiftLink.objects.values_list("pk", flat=True)[:2]] + ["999999"]


def _plan_slugs(world: LeakWorld) -> list[str]:
    from masthead.billing.models import Plan

    return [*Plan.objects.values_list("slug", flat=True)[:3], "no-such-plan"]


def _oembed_urls(route: Route, world: LeakWorld) -> list[str]:
    path = reverse(route.name)
    urls = [path, f"{path}?url=http://evil.example/x/"]
    for fixture in world.articles.values():
        target = quote(f"http://testserver{fixture.url}", safe="")
        urls += [f"{path}?url={target}", f"{path}?url={target}&format=xml&maxwidth=10"]
    gifted = quote(f"http://testserver{world.articles['subscriber'].url}?gift={world.open_gift}")
    return [*urls, f"{path}?url={gifted}"]


def _query(param: str, values: Callable[[LeakWorld], list[str]]) -> Filler:
    """Return a filler for a parameterless route that reads ``param`` from the query."""

    def fill(route: Route, world: LeakWorld) -> list[str]:
        path = reverse(route.name)
        return [path] + [f"{path}?{param}={quote(value)}" for value in values(world)]

    return fill


def _article_ids(world: LeakWorld) -> list[str]:
    return [str(fixture.article.pk) for fixture in world.articles.values()] + ["x", "-1"]


def _preview_urls(route: Route, world: LeakWorld) -> list[str]:
    keys = ("subscriber", "draft", "scheduled")
    return [reverse(route.name, args=[world.articles[key].article.pk]) for key in keys]


def _experiment_pks(world: LeakWorld) -> list[str]:
    # Every stored experiment (the page is staff-only) and one that does not exist.
    from masthead.experiments.models import Experiment

    return [str(pk) for pk in Experiment.objects.values_list("pk", flat=True)[:2]] + ["999999"]


# Routes filled by name. Parameterless routes that read the query string are listed too:
# the resolver cannot tell the suite about query parameters.
FILLERS: dict[str, Filler] = {
    "newsroom:oembed": _oembed_urls,
    # The editors' "preview as reader", drafts included: staff with permission only.
    "admin:newsroom_article_preview": _preview_urls,
    "newsroom:home": _query("page", lambda world: ["2", "999", "x"]),
    "gifts:status": _query("article", _article_ids),
    "newsroom:article": _article_urls,
    "newsroom:search": _search_urls,
    "accounts:email_confirm": _values("token", _forged_tokens),
    # The address confirmation link: forged and foreign tokens (a genuine one confirms an
    # address on POST only, and shows nothing gated).
    "accounts:confirm_email": _values("token", _forged_tokens),
    "accounts:password_reset_confirm": _reset_urls,
    "billing:checkout": _values("slug", _plan_slugs),
    "billing:cancel": _values("pk", _subscription_pks),
    "billing:resume": _values("pk", _subscription_pks),
    "billing:cancel_confirm": _values("pk", _subscription_pks),
    "billing:keep_plan": _values("pk", _subscription_pks),
    "billing:change_plan": _values("slug", _plan_slugs),
    "billing:test_checkout": _values("token", _forged_tokens),
    "gifts:revoke": _values("pk", _gift_pks),
    # The experiments page under the Dashboard, and its Stop and Ship (POST only).
    "experiments:detail": _values("pk", _experiment_pks),
    "experiments:stop": _values("pk", _experiment_pks),
    "experiments:ship": _values("pk", _experiment_pks),
    # Uploads (the paywall's protected media): the gated figure's file, bare and with a
    # forged signature, a miss, a traversal. tests/leak/test_media.py tries every kind of
    # protected file with every reader and the signed URLs' positive control.
    "media": lambda route, world: [
        f"/media/{IMAGE_NAME}",
        f"/media/{IMAGE_NAME}?expires=4102444800&signature=forged",
        "/media/no-such.png",
        "/media/../masthead/settings.py",
    ],
}

# Routes taking only a slug, filled by what their path starts with; a new route under
# one of these prefixes (a section's JSON feed, say) is filled without a new entry.
SLUG_PREFIXES: dict[str, Callable[[LeakWorld], list[str]]] = {
    "section/": lambda world: [s.slug for s in world.sections.values()],
    "author/": lambda world: [a.slug for a in world.authors],
    "pages/": lambda world: [p.slug for p in world.pages],
}


def _slug_filler(route: Route) -> Filler | None:
    if route.params != ("slug",) or not route.name:
        return None
    for prefix, slugs in SLUG_PREFIXES.items():
        if route.pattern.startswith(prefix):
            return lambda route, world: _slugs(route, slugs(world))
    return None


def filler_for(route: Route) -> Filler | None:
    """Return the filler of ``route``, or None when the suite does not know it."""
    return FILLERS.get(route.key) or _slug_filler(route)


def admin_values(world: LeakWorld) -> dict[str, str]:
    """Return a value for each parameter admin routes use."""
    article = world.articles["subscriber"].article
    return {
        "app_label": "newsroom",
        "object_id": str(article.pk),
        "content_type_id": str(ContentType.objects.get_for_model(article).pk),
        "id": str(article.pk),
        "url": f"newsroom/article/{article.pk}/change/",
        "uidb64": "MQ",
        "token": "set-password",
        # The publisher's dashboard downloads (admin/dashboard/<name>.csv).
        "name": "top_articles",
    }


def can_fill(route: Route) -> bool:
    """Return True when the suite knows how to build a URL for ``route``."""
    if not route.params or filler_for(route) is not None:
        return True
    if route.pattern.startswith("admin/"):
        return set(route.params) <= set(ADMIN_PARAMS)
    return False


ADMIN_PARAMS = (
    "app_label",
    "object_id",
    "content_type_id",
    "id",
    "url",
    "uidb64",
    "token",
    "name",
)


def _app_label_for(route: Route) -> str:
    """Return "newsroom" when the admin's app-list pattern accepts it, else its first app."""
    found = re.search(r"\(\?P<app_label>([^)]*)\)", route.pattern)
    labels = found.group(1).split("|") if found else ["newsroom"]
    return "newsroom" if "newsroom" in labels else labels[0]


def _admin_url(route: Route, world: LeakWorld) -> str:
    values = {**admin_values(world), "app_label": _app_label_for(route)}
    if route.name:
        return reverse(route.name, kwargs={p: values[p] for p in route.params})
    path = route.pattern
    for param in route.params:
        path = re.sub(rf"<(?:\w+:)?{param}>|\(\?P<{param}>[^)]*\)", values[param], path)
    return literal_path(path)


def urls_for(route: Route, world: LeakWorld) -> list[str]:
    """Return the concrete URLs to request for ``route``.

    Raises ``LookupError`` when no filler knows the route (see the module docstring).
    """
    filler = filler_for(route)
    if filler is not None:
        return filler(route, world)
    if not route.params:
        return [reverse(route.name) if route.name else literal_path(route.pattern)]
    if route.pattern.startswith("admin/") and can_fill(route):
        return [_admin_url(route, world)]
    raise LookupError(f"no filler for route {route.key!r} ({route.pattern})")


def never_live_urls(world: LeakWorld) -> list[str]:
    """Return the URLs of the scheduled and draft fixture articles."""
    return [world.articles[key].url for key in NEVER_KEYS]
