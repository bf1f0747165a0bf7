"""The plans page, starting a checkout, the customer portal, cancel and resume.

Every redirect target a reader can influence (``next``) is checked to stay on this site;
anything else falls back to the account page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead.core.errors import error_response
from masthead.core.events import EventKind, record

from . import subscriptions
from .exceptions import ProviderError
from .models import Plan, Subscription
from .providers import CheckoutRequest, get_provider

logger = logging.getLogger(__name__)


def safe_next(request: HttpRequest, default: str = "") -> str:
    """Return ``next`` from the query or form when it points at this site, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse("accounts:account")


@dataclass(frozen=True)
class Offer:
    """A plan on the plans page and where choosing it leads a reader not logged in."""

    plan: Plan
    register_url: str


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    """Show the plans on sale, remembering the article the reader came from.

    A reader who is not logged in chooses a plan by creating an account first; the
    account page sends them on to that plan's checkout (``GET /subscribe/<slug>/``) and
    from there back to the article.
    """
    next_url = safe_next(request)
    here = _with_next(reverse("billing:plans"), next_url)
    register = reverse("accounts:register")
    offers = [
        Offer(
            plan,
            _with_next(
                register, _with_next(reverse("billing:checkout", args=[plan.slug]), next_url)
            ),
        )
        for plan in Plan.objects.filter(is_active=True).prefetch_related("sections")
    ]
    context = {
        "offers": offers,
        "next": next_url,
        "login_url": _with_next(reverse("accounts:login"), here),
    }
    return _private(render(request, "billing/plans.html", context))


@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the chosen plan's checkout (GET) or start paying for it (POST).

    GET is where registering or logging in after choosing a plan lands: it asks for one
    press to go on to payment (a GET never starts a checkout, so link prefetchers and
    back buttons start nothing). Readers not logged in are sent to create an account
    (GET) or log in (POST) and come back here. 404 for a plan not on sale.
    """
    plan = get_object_or_404(Plan, slug=slug, is_active=True)
    if not request.user.is_authenticated:
        if request.method == "GET":
            return redirect(_with_next(reverse("accounts:register"), request.get_full_path()))
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        return start_checkout(request, plan)
    next_url = safe_next(request)
    if _already_holds(request, plan):
        messages.info(request, f"You already subscribe to {plan.name}.")
        return redirect(next_url)
    context = {
        "plan": plan,
        "next": next_url,
        "plans_url": _with_next(reverse("billing:plans"), next_url),
    }
    return _private(render(request, "billing/checkout.html", context))


def start_checkout(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Send the logged-in reader to pay for ``plan``; back to ``next`` afterwards."""
    next_url = safe_next(request)
    if _already_holds(request, plan):
        messages.info(request, f"You already subscribe to {plan.name}.")
        return redirect(next_url)
    back = f"{reverse('billing:plans')}?{urlencode({'next': next_url})}"
    reader: Any = request.user  # logged in: login_required
    checkout = CheckoutRequest(
        user_id=reader.pk,
        email=reader.email,
        plan_slug=plan.slug,
        price_id=plan.stripe_price_id,
        trial_days=plan.trial_days,
        success_url=request.build_absolute_uri(next_url),
        cancel_url=request.build_absolute_uri(back),
        customer_id=_customer_id(request),
    )
    try:
        started = get_provider().start_checkout(checkout)
    except ProviderError:
        return error_response(request, 502, "Payments are unavailable right now. Please try again.")
    # The article the reader came from (``next``) is what the dashboard credits.
    record(
        EventKind.CHECKOUT_STARTED,
        user_id=reader.pk,
        article_url=next_url,
        extra={"plan": plan.slug},
    )
    return HttpResponseRedirect(started.url, status=303)


def _already_holds(request: HttpRequest, plan: Plan) -> bool:
    now = timezone.now()
    reader: Any = request.user
    held = Subscription.objects.possibly_entitling().filter(user=reader, plan=plan)
    return any(subscription.is_entitling(now) for subscription in held)


def _customer_id(request: HttpRequest) -> str:
    reader: Any = request.user
    earlier = (
        Subscription.objects.filter(user=reader, provider="stripe")
        .exclude(provider_customer_id="")
        .first()
    )
    return earlier.provider_customer_id if earlier else ""


@require_POST
@login_required
def portal(request: HttpRequest) -> HttpResponse:
    """Open the provider's self-service portal for the reader's card and invoices."""
    customer_id = _customer_id(request)
    if not customer_id:
        return redirect("accounts:account")
    return_url = request.build_absolute_uri(reverse("accounts:account"))
    try:
        url = get_provider("stripe").portal_url(customer_id, return_url)
    except ProviderError:
        return error_response(request, 502, "Payments are unavailable right now. Please try again.")
    return HttpResponseRedirect(url, status=303)


def _change_cancel(request: HttpRequest, pk: int, cancel: bool) -> HttpResponse:
    subscription = get_object_or_404(Subscription, pk=pk, user=request.user)
    if not subscription.is_entitling(timezone.now()):
        messages.error(request, "That subscription has already ended.")
        return redirect("accounts:account")
    try:
        subscriptions.set_cancel_at_period_end(subscription, cancel)
    except ProviderError:
        messages.error(request, "We could not reach our payment provider. Please try again.")
        return redirect("accounts:account")
    if cancel:
        messages.success(request, "Your subscription will end at the close of this period.")
    else:
        messages.success(request, "Your subscription will renew as before.")
    return redirect("accounts:account")


@require_POST
@login_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one of the reader's subscriptions at the end of its period."""
    return _change_cancel(request, pk, True)


@require_POST
@login_required
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a cancellation that has not taken effect yet."""
    return _change_cancel(request, pk, False)
