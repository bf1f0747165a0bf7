"""One shape and one cache treatment for every error answer."""

from __future__ import annotations

import json

from django.test import RequestFactory, override_settings

from masthead.core.errors import PRIVATE, error_response, json_error


def test_json_error_is_private_and_never_stored() -> None:
    response = json_error(429, "Too many.", headers={"Retry-After": "60"}, extra={"remaining": 0})
    assert response.status_code == 429
    assert json.loads(response.content) == {"error": "Too many.", "remaining": 0}
    assert response["Cache-Control"] == PRIVATE == "private, no-store"
    assert response["Retry-After"] == "60"


def test_api_callers_get_json() -> None:
    for request in (
        RequestFactory().get("/api/anything/"),
        RequestFactory().get("/page/", headers={"Accept": "application/json"}),
    ):
        response = error_response(request, 405, "Use POST.", headers={"Allow": "POST"})
        assert json.loads(response.content) == {"error": "Use POST."}
        assert (response["Cache-Control"], response["Allow"]) == (PRIVATE, "POST")


def test_people_get_the_error_page_with_the_same_cache_treatment() -> None:
    response = error_response(RequestFactory().get("/story/"), 404, "We could not find that.")
    assert response.status_code == 404
    assert "We could not find that." in response.content.decode()
    assert response["Cache-Control"] == PRIVATE


@override_settings(TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}])
def test_a_missing_template_still_gives_an_escaped_page() -> None:
    response = error_response(RequestFactory().get("/x/"), 500, "<b>down</b>")
    body = response.content.decode()
    assert "<h1>500</h1>" in body and "&lt;b&gt;down&lt;/b&gt;" in body
    assert response["Cache-Control"] == PRIVATE


def _view(request, *args, **kwargs):
    from django.http import JsonResponse

    return JsonResponse({"ok": True})


def test_json_endpoint_answers_other_methods_with_a_json_405_and_allow() -> None:
    from masthead.core.errors import json_endpoint

    view = json_endpoint("GET")(_view)
    factory = RequestFactory()
    assert view(factory.get("/x/")).status_code == 200
    assert view(factory.head("/x/")).status_code == 200
    refused = view(factory.generic("QUERY", "/x/"))
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, HEAD"
    assert json.loads(refused.content) == {"error": "Use GET or HEAD."}
    assert refused["Cache-Control"] == PRIVATE


def test_json_endpoint_keeps_a_chosen_refusal_and_marks_the_view() -> None:
    from masthead.core.errors import JSON_METHODS_ATTRIBUTE, json_endpoint

    view = json_endpoint("POST", refusal="Only POST here.")(_view)
    refused = view(RequestFactory().get("/x/"))
    assert json.loads(refused.content) == {"error": "Only POST here."}
    assert getattr(view, JSON_METHODS_ATTRIBUTE) == ("POST",)


def test_whole_numbers_follow_json_schema() -> None:
    from masthead.core.jsonbody import whole_number

    assert whole_number(2) == 2
    assert whole_number(2.0) == 2
    assert whole_number(2.5) is None
    assert whole_number(True) is None
    assert whole_number("2") is None
