"""The plans page, starting a checkout, plan changes, the customer portal, cancel and resume.

Every redirect target a reader can influence (``next``) is checked to stay on this site;
anything else falls back to the account page. A reader who already has a subscription
never starts a second checkout: choosing another plan leads to the plan-change page.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masthead.access import FREE, ArticleFacts, current_policy, effective_level
from masthead.core.errors import error_response
from masthead.core.events import EventKind, record

from . import subscriptions
from .account import reader_date
from .entitlements import plan_opens
from .exceptions import ProviderError
from .models import Plan, Subscription
from .providers import CheckoutRequest, get_provider
from .subscriptions import PlanChange, PlanChangeRefused

# Read once by billing/welcome.js on the article the reader returns to, then deleted:
# the article page itself stays the same for everyone and sets no cookie.
WELCOME_COOKIE = "masthead_welcome"
WELCOME_MAX_AGE = 3600

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
class Story:
    """The article the reader came from, as far as choosing a plan is concerned."""

    headline: str
    level: str
    section_slug: str
    section_name: str


@dataclass(frozen=True)
class Offer:
    """A plan on the plans page and where choosing it leads.

    ``opens_story`` says whether the plan opens the article the reader came from (None:
    no such article, or it is free). For a reader who has a plan, ``is_current`` marks
    it, ``change`` says what moving to this plan would do, ``refusal`` why they cannot.
    """

    plan: Plan
    register_url: str
    opens_story: bool | None = None
    is_current: bool = False
    is_pending: bool = False
    change: PlanChange | None = None
    refusal: str = ""
    change_url: str = ""


def story_at(url: str) -> Story | None:
    """Return the live article at ``url`` (a path on this site), or None."""
    from masthead.newsroom.models import Article

    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    if match.view_name != "newsroom:article" or "slug" not in match.kwargs:
        return None
    article = Article.objects.live().select_related("section").filter(slug=match.kwargs["slug"])
    found = article.first()
    if found is None:
        return None
    section = found.section
    slug = section.slug if section else ""
    # The publisher's walled and exempt sections move an article's level, as in the check.
    facts = ArticleFacts(found.pk, found.effective_access_level(), slug, found.published_at)
    return Story(
        headline=found.headline,
        level=effective_level(facts, current_policy()),
        section_slug=slug,
        section_name=section.name if section else "",
    )


def _opens(plan: Plan, story: Story | None) -> bool | None:
    if story is None or story.level == FREE:
        return None
    return plan_opens(plan, story.level, story.section_slug)


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
    now = timezone.now()
    next_url = safe_next(request)
    here = _with_next(reverse("billing:plans"), next_url)
    register = reverse("accounts:register")
    story = story_at(next_url) if request.GET.get("next") else None
    current = subscriptions.current_subscription(request.user, now)
    if current is not None:
        subscriptions.settle(current, now)
    offers = [
        _offer(plan, current, story, next_url, now, register)
        for plan in Plan.objects.filter(is_active=True).prefetch_related("sections")
    ]
    context = {
        "offers": offers,
        "next": next_url,
        "login_url": _with_next(reverse("accounts:login"), here),
        "story": story,
        "story_plans": [offer.plan.name for offer in offers if offer.opens_story],
        "current": current,
        "current_plan": current.plan_at(now) if current else None,
        "current_ends": (
            reader_date(current.current_period_end)
            if current and current.cancel_at_period_end and current.current_period_end
            else ""
        ),
        "pending_from": (
            reader_date(current.pending_plan_from)
            if current and current.pending_plan and current.pending_plan_from
            else ""
        ),
        "trial_allowed": subscriptions.trial_allowed(request.user)
        if request.user.is_authenticated
        else True,
    }
    return _private(render(request, "billing/plans.html", context))


def _offer(
    plan: Plan,
    current: Subscription | None,
    story: Story | None,
    next_url: str,
    now: Any,
    register: str,
) -> Offer:
    checkout_url = _with_next(reverse("billing:checkout", args=[plan.slug]), next_url)
    opens = _opens(plan, story)
    if current is None:
        return Offer(plan, _with_next(register, checkout_url), opens_story=opens)
    is_current = plan.pk == current.plan_at(now).pk
    change: PlanChange | None = None
    refusal = ""
    if not is_current:
        try:
            # Stripe is asked for the exact figure on the change page, not for every plan here.
            change = subscriptions.quote_change(current, plan, now, ask_provider=False)
        except PlanChangeRefused as exc:
            refusal = str(exc)
    return Offer(
        plan,
        _with_next(register, checkout_url),
        opens_story=opens,
        is_current=is_current,
        is_pending=current.pending_plan_id == plan.pk,
        change=change,
        refusal=refusal,
        change_url=_with_next(reverse("billing:change_plan", args=[plan.slug]), next_url),
    )


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
    next_url = safe_next(request)
    if _already_holds(request, plan):
        messages.info(request, f"You already subscribe to {plan.name}.")
        return redirect(next_url)
    if subscriptions.current_subscription(request.user, timezone.now()) is not None:
        # One subscription per reader: another plan is a change of plan, not a second one.
        return redirect(_with_next(reverse("billing:change_plan", args=[plan.slug]), next_url))
    if request.method == "POST":
        return start_checkout(request, plan)
    story = story_at(next_url) if request.GET.get("next") else None
    context = {
        "plan": plan,
        "next": next_url,
        "plans_url": _with_next(reverse("billing:plans"), next_url),
        "trial_days": _trial_days(request, plan),
        "story": story,
        "opens_story": _opens(plan, story),
    }
    return _private(render(request, "billing/checkout.html", context))


def _trial_days(request: HttpRequest, plan: Plan) -> int:
    """Return the plan's trial for this reader: none when they or their card had one."""
    allowed = subscriptions.trial_allowed(request.user, _customer_id(request))
    return plan.trial_days if allowed else 0


def start_checkout(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Send the logged-in reader to pay for ``plan``; back to ``next`` afterwards."""
    next_url = safe_next(request)
    back = f"{reverse('billing:plans')}?{urlencode({'next': next_url})}"
    reader: Any = request.user  # logged in: login_required
    checkout = CheckoutRequest(
        user_id=reader.pk,
        email=reader.email,
        plan_slug=plan.slug,
        price_id=plan.stripe_price_id,
        trial_days=_trial_days(request, plan),
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
    response = HttpResponseRedirect(started.url, status=303)
    # The article welcomes the reader back only when its access check finds the plan
    # (billing/welcome.js): an abandoned checkout shows nothing.
    _welcome(response, "subscribed")
    return response


def _welcome(response: HttpResponse, kind: str) -> None:
    response.set_cookie(WELCOME_COOKIE, kind, max_age=WELCOME_MAX_AGE, samesite="Lax")


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


@require_http_methods(["GET", "POST"])
@login_required
def change_plan(request: HttpRequest, slug: str) -> HttpResponse:
    """Show what moving to ``slug`` does and costs (GET), or make the change (POST).

    A reader with no subscription is sent to the plan's checkout instead. An upgrade
    goes back to ``next`` (the article, now open); a change at the period's end to the
    account page, which shows it pending.
    """
    plan = get_object_or_404(Plan, slug=slug, is_active=True)
    now = timezone.now()
    next_url = safe_next(request)
    plans_url = _with_next(reverse("billing:plans"), next_url)
    current = subscriptions.current_subscription(request.user, now)
    if current is None:
        return redirect(_with_next(reverse("billing:checkout", args=[plan.slug]), next_url))
    subscriptions.settle(current, now)
    if request.method == "POST":
        return _make_change(request, current, plan, next_url, plans_url)
    try:
        change = subscriptions.quote_change(current, plan, now)
    except PlanChangeRefused as exc:
        messages.error(request, str(exc))
        return redirect(plans_url)
    story = story_at(next_url) if request.GET.get("next") else None
    context = {
        "change": change,
        "plan": plan,
        "current_plan": current.plan,
        "next": next_url,
        "plans_url": plans_url,
        "effective_day": reader_date(change.effective_at) if change.effective_at else "",
        "renews_day": reader_date(plan.period(now)) if change.new_period else "",
        "pending_plan": current.pending_plan,
        "story": story,
        "opens_story": _opens(plan, story),
        "is_test": current.provider == Subscription.Provider.TEST,
    }
    return _private(render(request, "billing/change_plan.html", context))


def _make_change(
    request: HttpRequest, current: Subscription, plan: Plan, next_url: str, plans_url: str
) -> HttpResponse:
    try:
        change = subscriptions.change_plan(current, plan, timezone.now())
    except PlanChangeRefused as exc:
        messages.error(request, str(exc))
        return redirect(plans_url)
    except ProviderError as exc:
        declined = exc.permanent and "declined" in str(exc)
        messages.error(
            request,
            "Your card was declined, so your plan did not change."
            if declined
            else "We could not reach our payment provider. Please try again.",
        )
        return redirect(plans_url)
    if not change.is_now:
        day = reader_date(change.effective_at) if change.effective_at else ""
        messages.success(
            request,
            f"Your plan changes to {plan.name} on {day}. "
            f"You keep {change.old_plan.name} until then.",
        )
        return redirect("accounts:account")
    charged = (
        f" We charged {change.amount_display} for the rest of this period."
        if (change.amount_minor)
        else ""
    )
    messages.success(request, f"Your plan is now {plan.name}.{charged}")
    response = redirect(next_url)
    _welcome(response, "plan-changed")
    return response


@require_POST
@login_required
def keep_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """Call off a plan change scheduled for the end of the period."""
    subscription = get_object_or_404(Subscription, pk=pk, user=request.user)
    try:
        subscriptions.keep_plan(subscription)
    except ProviderError:
        messages.error(request, "We could not reach our payment provider. Please try again.")
        return redirect("accounts:account")
    messages.success(request, f"You keep {subscription.plan.name}; nothing changes.")
    return redirect("accounts:account")


@require_GET
@login_required
def cancel_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask before canceling, saying until when access lasts; the form posts to ``cancel``."""
    subscription = get_object_or_404(
        Subscription.objects.select_related("plan", "pending_plan"), pk=pk, user=request.user
    )
    now = timezone.now()
    subscriptions.settle(subscription, now)
    if not subscription.is_entitling(now) or subscription.cancel_at_period_end:
        return redirect("accounts:account")
    end = subscription.current_period_end
    context = {
        "subscription": subscription,
        "plan": subscription.plan_at(now),
        "until": reader_date(end) if end else "",
        "is_trial": subscription.status == Subscription.Status.TRIALING,
    }
    return _private(render(request, "billing/cancel_confirm.html", context))


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
        end = subscription.current_period_end
        until = f" You can read until {reader_date(end)}." if end else ""
        messages.success(request, f"Your subscription will end at the close of this period.{until}")
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
