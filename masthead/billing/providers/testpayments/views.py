"""The fake checkout page of the demo's test payments: every page says no money moves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from masthead.billing.models import Plan, Subscription
from masthead.billing.providers import test_payments_allowed
from masthead.billing.subscriptions import start_test_subscription, trial_allowed

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
    trial_days = _trial_days(request, plan, data)
    if request.method == "POST":
        if not _complete(request, plan, str(data.get("s", "")), trial_days):
            messages.error(request, "You already have a subscription: change your plan instead.")
            return HttpResponseRedirect("/subscribe/", status=303)
        return HttpResponseRedirect(_on_site(request, str(data.get("next", ""))), status=303)
    context = {
        "plan": plan,
        "back": _on_site(request, str(data.get("back", ""))),
        "trial_days": trial_days,
    }
    response = render(request, "billing/test_checkout.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def _trial_days(request: HttpRequest, plan: Plan, data: dict[str, object]) -> int:
    """Return the trial the checkout was started with (older tokens: the plan's rule)."""
    days = data.get("t")
    if isinstance(days, int):
        return max(days, 0)
    return plan.trial_days if trial_allowed(request.user) else 0


def _complete(request: HttpRequest, plan: Plan, session_id: str, trial_days: int) -> bool:
    """Start the subscription once per checkout; return False if the reader has one already.

    A second submit of the same checkout changes nothing (and is not an error). The
    database allows one live subscription per reader, so a checkout finished in a
    second tab after another plan was bought is refused.
    """
    reference = f"test_{session_id}"
    try:
        with transaction.atomic():
            start_test_subscription(
                request.user, plan, timezone.now(), reference, trial_days=trial_days
            )
    except IntegrityError:
        return Subscription.objects.filter(
            provider=Subscription.Provider.TEST, provider_subscription_id=reference
        ).exists()
    return True
