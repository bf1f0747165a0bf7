"""The site's Content-Security-Policy: strict by default, extended only with origins."""

from __future__ import annotations

import pytest
from csp.utils import build_policy
from django.core.exceptions import ImproperlyConfigured

from masthead.core.csp import checked_report_uri, checked_sources, content_security_policy

STRIPE = ["https://checkout.stripe.com", "https://billing.stripe.com"]


def test_the_default_policy_allows_only_the_site_and_the_payment_pages() -> None:
    policy = build_policy(config=content_security_policy(form_action_origins=STRIPE)["DIRECTIVES"])
    # django-csp writes the directives in no fixed order.
    assert sorted(policy.split("; ")) == sorted(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "media-src 'self'",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
            "form-action 'self' https://checkout.stripe.com https://billing.stripe.com",
        ]
    )


def test_publishers_add_origins_where_they_need_them() -> None:
    directives = content_security_policy(
        media_origins=["https://media.news.example"],
        img_origins=["https://ads.example.net", "https://media.news.example"],
        extra_media_origins=["https://video.example.org"],
        form_action_origins=STRIPE,
        frame_ancestors=["https://partner.example.com"],
        report_uri="/csp-reports/",
    )["DIRECTIVES"]
    assert directives["img-src"] == [
        "'self'",
        "https://media.news.example",
        "https://ads.example.net",
    ]
    assert directives["media-src"] == [
        "'self'",
        "https://media.news.example",
        "https://video.example.org",
    ]
    assert directives["frame-ancestors"] == ["https://partner.example.com"]
    assert directives["report-uri"] == ["/csp-reports/"]
    # Nothing a publisher sets reaches scripts or styles.
    assert directives["script-src"] == directives["style-src"] == ["'self'"]


@pytest.mark.parametrize(
    "source",
    [
        "https://cdn.example.com",
        "https://cdn.example.com:8443",
        "https://*.example.com",
        "http://localhost:9000",
        "https://media.example.com/videos/",
        "https:",
        "data:",
    ],
)
def test_it_accepts_origins(source: str) -> None:
    assert checked_sources("MASTHEAD_CSP_IMG_ORIGINS", [source]) == [source]


@pytest.mark.parametrize(
    "source",
    [
        "'unsafe-inline'",
        "'self'",
        "*",
        "cdn.example.com",
        "javascript:",
        "https://cdn.example.com; script-src *",
        "https://cdn.example.com 'unsafe-eval'",
        "https://exa mple.com",
        "https://",
        "ftp://files.example.com",
    ],
)
def test_it_refuses_anything_but_an_origin_loudly(source: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="MASTHEAD_CSP_IMG_ORIGINS"):
        checked_sources("MASTHEAD_CSP_IMG_ORIGINS", ["https://fine.example", source])


def test_a_report_uri_is_a_path_or_an_https_url() -> None:
    assert checked_report_uri("R", "") == ""
    assert checked_report_uri("R", "/csp/") == "/csp/"
    assert checked_report_uri("R", "https://reports.example.com/csp") == (
        "https://reports.example.com/csp"
    )
    for bad in ("http://reports.example.com", "reports; script-src *", "javascript:alert(1)"):
        with pytest.raises(ImproperlyConfigured):
            checked_report_uri("R", bad)
