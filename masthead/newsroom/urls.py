"""The newsroom's public URLs: articles, fronts, feeds, sitemaps and standing pages."""

from django.contrib.sitemaps.views import sitemap
from django.urls import URLPattern, URLResolver, path, re_path

from . import feeds, oembed, sitemaps, views
from .caching import View, public_cache
from .replica_reads import from_replica

app_name = "newsroom"


def feed(view: View) -> View:
    """A feed view: publicly cacheable, its articles read from the replica when current."""
    return public_cache(from_replica(view))


urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    re_path(
        r"^(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        views.article,
        name="article",
    ),
    path("section/<slug:slug>/", views.section, name="section"),
    path("section/<slug:slug>/rss/", feed(feeds.SectionFeed()), name="section_rss"),
    path("section/<slug:slug>/atom/", feed(feeds.SectionAtomFeed()), name="section_atom"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("author/<slug:slug>/rss/", feed(feeds.AuthorFeed()), name="author_rss"),
    path("author/<slug:slug>/atom/", feed(feeds.AuthorAtomFeed()), name="author_atom"),
    path("search/", views.search, name="search"),
    path("pages/<slug:slug>/", views.page, name="page"),
    path("feeds/rss/", feed(feeds.SiteFeed()), name="rss"),
    path("feeds/atom/", feed(feeds.SiteAtomFeed()), name="atom"),
    path(
        "sitemap.xml",
        public_cache(sitemap),
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap",
    ),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news_sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("oembed/", oembed.oembed, name="oembed"),
]
