"""The plans page, starting a checkout, the customer portal, cancel and resume.

Every redirect target a reader can influence (``next``) is checked to stay on this site;
anything else falls back to the account page.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from masthead.analytics import EventKind, article_id_for, record
from masthead.errors import error_response

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


@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    """Show the plans on sale, remembering the article the reader came from."""
    next_url = safe_next(request)
    here = f"{reverse('billing:plans')}?{urlencode({'next': next_url})}"
    context = {
        "plans": Plan.objects.filter(is_active=True).prefetch_related("sections"),
        "next": next_url,
        "register_url": f"{reverse('accounts:register')}?{urlencode({'next': here})}",
        "login_url": f"{reverse('accounts:login')}?{urlencode({'next': here})}",
    }
    response = render(request, "billing/plans.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def start_checkout(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the reader to pay for a plan; back to ``next`` afterwards."""
    plan = get_object_or_404(Plan, slug=slug, is_active=True)
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
        article_id=article_id_for(next_url),
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
