"""The fake checkout page of the demo's test payments: every page says no money moves."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from masthead.billing.models import Plan
from masthead.billing.providers import test_payments_allowed
from masthead.billing.subscriptions import start_test_subscription

from .client import read_checkout


def _on_site(request: HttpRequest, url: str) -> str:
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return "/accounts/"


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, token: str) -> HttpResponse:
    """Show the test checkout (GET) or complete it (POST) and return to the article.

    404 outside demo/debug mode, for a forged or stale token, or for someone else's
    checkout.
    """
    if not test_payments_allowed():
        raise Http404("Test payments are off.")
    data = read_checkout(token)
    if data is None or data.get("u") != request.user.pk:
        raise Http404("No such checkout.")
    plan = Plan.objects.filter(slug=data.get("p"), is_active=True).first()
    if plan is None:
        raise Http404("No such plan.")
    if request.method == "POST":
        _complete(request, plan, str(data.get("s", "")))
        return HttpResponseRedirect(_on_site(request, str(data.get("next", ""))), status=303)
    context = {"plan": plan, "back": _on_site(request, str(data.get("back", "")))}
    response = render(request, "billing/test_checkout.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _complete(request: HttpRequest, plan: Plan, session_id: str) -> None:
    """Start the subscription once per checkout; a second submit changes nothing."""
    try:
        with transaction.atomic():
            start_test_subscription(request.user, plan, timezone.now(), f"test_{session_id}")
    except IntegrityError:
        return
