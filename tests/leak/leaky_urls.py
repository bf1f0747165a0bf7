"""The real URL configuration plus one route that leaks on purpose (the suite's canary).

``leaky-feed/`` renders every live article's gated part through the real content
source, the way a feed that forgot the paywall cut would.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path
from django.utils import timezone

from masthead.newsroom import paywall
from masthead.newsroom.models import Article
from masthead.urls import urlpatterns as real_patterns


def _leaky_feed(request: HttpRequest) -> HttpResponse:
    live = Article.objects.live(timezone.now()).values_list("pk", flat=True)
    return HttpResponse("".join(paywall.gated_html(pk, ad_free=True) for pk in live))


urlpatterns: list[URLPattern | URLResolver] = [
    path("leaky-feed/", _leaky_feed),
    *real_patterns,
]
