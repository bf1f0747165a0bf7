"""Regressions for each place the schema and the server disagreed before the fuzz test ran.

One test per disagreement (oEmbed formats, negative ids, empty e-mails, the CSRF error body,
unknown methods), plus the 500s the fuzzer found on the way (digits that are not ASCII,
whole numbers written as ``2.0``) and the webhook's bounded body.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from masthead.access.schema import api_schema
from masthead.billing.tests.factories import reader, subscription
from masthead.newsroom.tests.factories import article, publication, section

pytestmark = pytest.mark.django_db
SAME_ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@pytest.fixture(autouse=True)
def fast_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def story(db: None) -> Any:
    publication()
    return article("schema-story", section=section("news"), access_level="subscriber")


@pytest.fixture
def subscriber(db: None) -> Any:
    user = reader()
    held = subscription(user)
    held.current_period_end = None
    held.save()
    return user


def _operation(path: str, method: str) -> dict[str, Any]:
    return dict(api_schema()["paths"][path][method])


def _is_json_error(response: Any) -> bool:
    return response["Content-Type"] == "application/json" and "error" in response.json()


# oEmbed formats --------------------------------------------------------------------------


def test_oembed_answers_501_for_xml_and_400_for_a_format_oembed_does_not_define(
    client: Client,
) -> None:
    url = "http://testserver/nowhere/"
    assert client.get("/oembed/", {"url": url, "format": "xml"}).status_code == 501
    other = client.get("/oembed/", {"url": url, "format": "yaml"})
    assert other.status_code == 400 and _is_json_error(other)
    # An empty format is the default, json: the url decides (not an article: 404).
    assert client.get("/oembed/", {"url": url, "format": ""}).status_code == 404
    responses = _operation("/oembed/", "get")["responses"]
    assert {"400", "404", "405", "501"} <= set(responses)


def test_oembed_answers_404_for_urls_it_cannot_parse_and_400_for_no_url(client: Client) -> None:
    assert client.get("/oembed/", {"url": "http://["}).status_code == 404
    assert client.get("/oembed/", {"url": "   "}).status_code == 404
    assert client.get("/oembed/", {"url": ""}).status_code == 400
    assert client.get("/oembed/", {"url": "x" * 2001}).status_code == 400


# Negative ids ----------------------------------------------------------------------------


def test_negative_ids_are_refused_and_the_schema_says_ids_are_positive(client: Client) -> None:
    assert client.get("/gifts/status/", {"article": "-1"}).status_code == 400
    check = client.post(
        "/api/access/", '{"article": -1}', content_type="application/json", **SAME_ORIGIN
    )
    assert check.status_code == 400
    beacon = client.post(
        "/ads/impressions/", '{"ads": [-1]}', content_type="application/json", **SAME_ORIGIN
    )
    assert beacon.status_code == 400
    [status_article] = _operation("/gifts/status/", "get")["parameters"]
    assert status_article["schema"]["minimum"] == 1
    beacon_body = _operation("/ads/impressions/", "post")["requestBody"]["content"]
    items = beacon_body["application/json"]["schema"]["properties"]["ads"]
    assert items["items"]["minimum"] == 1 and items["minItems"] == 1
    request = api_schema()["components"]["schemas"]["AccessCheckRequest"]
    assert request["properties"]["article"]["anyOf"][0]["minimum"] == 1


# Empty e-mails ---------------------------------------------------------------------------


def test_an_empty_email_makes_the_gift_and_mails_nothing(
    client: Client, subscriber: Any, story: Any
) -> None:
    client.force_login(subscriber)
    answer = client.post("/gifts/", {"article": story.pk, "email": ""})
    assert answer.status_code == 200
    assert "emailed" not in answer.json()
    assert mail.outbox == []
    form = _operation("/gifts/", "post")["requestBody"]["content"]
    email = form["application/x-www-form-urlencoded"]["schema"]["properties"]["email"]
    assert {"type": "string", "maxLength": 0} in email["anyOf"]


# The CSRF error body ---------------------------------------------------------------------


def test_a_csrf_refusal_on_a_json_endpoint_is_a_json_error(subscriber: Any, story: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(subscriber)
    refused = client.post("/gifts/", {"article": story.pk})
    assert refused.status_code == 403
    assert _is_json_error(refused)
    assert refused["Cache-Control"] == "private, no-store"
    assert "403" in _operation("/gifts/", "post")["responses"]


def test_a_csrf_refusal_on_a_page_is_still_the_html_page(subscriber: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(subscriber)
    refused = client.post("/accounts/delete/", {"password": "x"})
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("text/html")


# Unknown methods -------------------------------------------------------------------------

JSON_ENDPOINTS = {
    "/api/access/": "POST",
    "/api/me/": "GET, HEAD",
    "/api/schema/": "GET, HEAD",
    "/gifts/status/": "GET, HEAD",
    "/gifts/": "POST",
    "/ads/impressions/": "POST",
    "/oembed/": "GET, HEAD",
    "/billing/stripe/webhook/": "POST",
    "/healthz": "GET, HEAD",
}


@pytest.mark.parametrize("path", sorted(JSON_ENDPOINTS))
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "QUERY", "TRACE"])
def test_unknown_methods_get_a_json_405_with_allow(path: str, method: str) -> None:
    # enforce_csrf_checks: an unsafe method would otherwise meet the CSRF check first.
    response = Client(enforce_csrf_checks=True).generic(method, path, **SAME_ORIGIN)
    assert response.status_code == 405, (path, method)
    assert _is_json_error(response)
    assert response["Allow"] == JSON_ENDPOINTS[path]
    assert response["Cache-Control"] == "private, no-store"


def test_every_documented_operation_documents_its_405() -> None:
    for path, item in api_schema()["paths"].items():
        for method, operation in item.items():
            assert "405" in operation["responses"], (path, method)


# What the fuzzer found -------------------------------------------------------------------


def test_digits_that_are_not_ascii_are_a_400_not_a_500(client: Client) -> None:
    assert client.get("/oembed/", {"url": "http://testserver/", "maxwidth": "²"}).status_code == 400
    assert client.get("/gifts/status/", {"article": "²"}).status_code == 400
    body = json.dumps({"article": "²"})
    check = client.post("/api/access/", body, content_type="application/json", **SAME_ORIGIN)
    assert check.status_code == 400


def test_whole_numbers_written_with_a_point_are_ids(client: Client, story: Any) -> None:
    check = client.post(
        "/api/access/",
        json.dumps({"article": float(story.pk)}),
        content_type="application/json",
        **SAME_ORIGIN,
    )
    assert check.status_code == 200
    half = client.post(
        "/api/access/", '{"article": 1.5}', content_type="application/json", **SAME_ORIGIN
    )
    assert half.status_code == 400


def test_the_webhook_reads_a_bounded_body(client: Client, settings: Any) -> None:
    settings.BILLING_STRIPE_WEBHOOK_SECRET = "whsec_test"
    huge = "{" + " " * (1024 * 1024) + "}"
    response = client.post(
        "/billing/stripe/webhook/", huge, content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=0",
    )  # fmt: skip
    assert response.status_code == 400 and _is_json_error(response)
    assert "at most" in response.json()["error"]
