/* Masthead paywall: asks the server whether this reader may read the article, then
 * fills in the rest of the body or shows the right wall. No dependencies.
 *
 * Without this script the page is the preview and the gate (what reader mode, scrapers
 * and readers with JavaScript off see). The server decides everything; this script only
 * places what the access check (POST /api/access/) sends back.
 *
 * While the check runs, the gate says so ("Checking your access"); then it shows the
 * result, or "Try again" when the check failed. For a metered read it shows the free
 * articles left, and for a gift that a subscriber shared the article.
 *
 * When it is done it fires a "masthead:access" event on document with the check's JSON
 * as event.detail (also kept as window.mastheadPaywall.access), so other scripts (ads,
 * gifts) can react: ads.js counts impressions only once an answer says ads are shown.
 *
 * It keeps two flags in localStorage, "1" or absent, written only from an answer:
 * "masthead:ad-free" (the check's ad_free) and "masthead:subscriber" (/api/me/'s
 * subscriber). early.js reads them before the first paint to hide ad slots and the
 * header's "Subscribe"; this script confirms or undoes that when the answers come.
 */
(function () {
  "use strict";

  /* The one global: early.js looks for it at the load event (a page script that never
   * ran means nothing will confirm its guesses) and ads.js reads the last answer. */
  var state = (window.mastheadPaywall = { version: 1, access: null });

  var CHECK_URL = "/api/access/";
  var ME_URL = "/api/me/";
  var root = document.documentElement;

  function $(selector, root) {
    return (root || document).querySelector(selector);
  }

  function $all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function hide(node) {
    if (node) node.hidden = true;
  }

  function herePath() {
    return window.location.pathname;
  }

  function giftToken() {
    try {
      return new URLSearchParams(window.location.search).get("gift");
    } catch (e) {
      return null;
    }
  }

  /* Links in a wall send the reader back to this article after registering, logging in
   * or subscribing; the server does not know the page's address, the page does. */
  function pointBackHere(root) {
    $all("a[data-masthead-next]", root).forEach(function (link) {
      var url = new URL(link.getAttribute("href"), window.location.origin);
      url.searchParams.set("next", herePath());
      link.setAttribute("href", url.pathname + url.search);
    });
  }

  function plural(count, word) {
    return count + " free " + word + (count === 1 ? "" : "s");
  }

  /* What the banner says for this answer, or null for none. The meter's window (a
   * calendar month or a rolling 30 days) is not in the answer, so the count is worded
   * without a period; the wall, rendered by the server, names the period. */
  function bannerWords(result) {
    if (result.reason === "gift") {
      return ["A subscriber shared this article with you.", "Subscribe to read every article."];
    }
    if (result.reason !== "metered" || !result.meter) return null;
    var left = result.meter.remaining;
    var count = left > 0 ? "You have " + plural(left, "article") + " left." : "This is your last free article.";
    return [count, "Subscribe for unlimited access."];
  }

  function showBanner(result) {
    var banner = $("[data-masthead-banner]");
    var words = bannerWords(result);
    if (!banner || !words) return;
    banner.textContent = "";
    banner.setAttribute("data-banner-kind", result.reason);
    banner.appendChild(el("span", { class: "banner-count" }, words[0]));
    banner.appendChild(document.createTextNode(" "));
    banner.appendChild(el("a", { href: "/subscribe/", "data-masthead-next": "" }, words[1]));
    pointBackHere(banner);
    banner.hidden = false;
  }

  /* Remember one of the reader's answers as a bare flag; storage may be blocked. */
  function remember(key, on) {
    try {
      if (on) window.localStorage.setItem(key, "1");
      else window.localStorage.removeItem(key);
    } catch (e) {
      /* private mode or blocked storage: the next page simply guesses nothing */
    }
  }

  /* The check's word on ads: confirm early.js's hiding, or bring the slots back. */
  function applyAdFree(adFree) {
    remember("masthead:ad-free", adFree);
    if (adFree) {
      root.classList.add("masthead-ad-free");
      $all("[data-masthead-ad]").forEach(hide);
    } else {
      root.classList.remove("masthead-ad-free");
    }
  }

  function grant(result, gate) {
    var gated = $("[data-masthead-gated]");
    if (gated) gated.innerHTML = result.html || "";
    hide(gate);
    showBanner(result);
  }

  function deny(result, gate) {
    if (!gate) return;
    gate.innerHTML = result.offer ? result.offer.html : "";
    gate.setAttribute("data-masthead-offer", result.offer ? result.offer.kind : "none");
    pointBackHere(gate);
  }

  /* The gate's states: "checking" shows only "Checking your access", "failed" the
   * gate's own instructions (log in, subscribe) and "Try again", "answered" the wall. */
  function setState(gate, state) {
    if (!gate) return;
    gate.setAttribute("data-masthead-state", state);
    var checking = $("[data-masthead-checking]", gate);
    var words = $("[data-masthead-gate-words]", gate);
    if (checking) checking.hidden = state !== "checking";
    if (words) words.hidden = state === "checking";
  }

  /* A failed check keeps the preview and the gate, and adds a way to try again. Nothing
   * is being checked any more, so the "checking" words go until the reader asks again;
   * they come back while the retry is under way. */
  function showRetry(gate, article) {
    var target = gate || article;
    if (!target) return;
    var old = $("[data-masthead-retry-box]", target);
    if (old) old.parentNode.removeChild(old);
    setState(gate, "failed");
    var box = el("div", { class: "masthead-retry", "data-masthead-retry-box": "", role: "alert" });
    box.appendChild(el("p", { class: "wall-reason" }, "We could not confirm your access just now."));
    var button = el("button", { type: "button", class: "button wall-button", "data-masthead-retry": "" }, "Try again");
    button.addEventListener("click", function () {
      button.disabled = true;
      button.textContent = "Checking…";
      setState(gate, "checking");
      checkAccess();
    });
    box.appendChild(button);
    target.hidden = false;
    target.appendChild(box);
  }

  function announce(result) {
    state.access = result;
    try {
      document.dispatchEvent(new CustomEvent("masthead:access", { detail: result }));
    } catch (e) {
      /* very old browsers: nothing listens there anyway */
    }
  }

  function checkAccess() {
    var article = $("article.masthead-article[data-article-id]");
    if (!article) return;
    var gate = $("section[data-masthead-gate]", article) || $("[data-masthead-gate]");
    var id = parseInt(article.getAttribute("data-article-id"), 10);
    if (gate && !gate.hasAttribute("data-masthead-state")) setState(gate, "checking");
    fetch(CHECK_URL, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ article: id, gift: giftToken() }),
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (result) {
        applyAdFree(!!result.ad_free);
        var old = $("[data-masthead-retry-box]", article);
        if (old) old.parentNode.removeChild(old);
        if (gate) gate.setAttribute("data-masthead-state", "answered");
        if (result.granted) grant(result, gate);
        else deny(result, gate);
        announce(result);
      })
      .catch(function () {
        showRetry(gate, article);
      });
  }

  function fillAccountNav() {
    var nav = $("nav[data-masthead-account]");
    if (!nav) return;
    fetch(ME_URL, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (me) {
        var subscriber = !!(me.authenticated && me.subscriber);
        remember("masthead:subscriber", subscriber);
        if (!subscriber) root.classList.remove("masthead-subscriber");
        var subscribe = $("[data-masthead-subscribe]", nav);
        if (subscribe) subscribe.setAttribute("data-masthead-next", "");
        if (!me.authenticated) {
          $all("a", nav).forEach(function (link) {
            var url = new URL(link.getAttribute("href"), window.location.origin);
            if (url.pathname === "/accounts/login/") link.setAttribute("data-masthead-next", "");
          });
          pointBackHere(nav);
          return;
        }
        nav.innerHTML = "";
        if (subscribe && !subscriber) {
          nav.appendChild(subscribe);
          pointBackHere(nav);
        }
        nav.appendChild(el("a", { href: me.account_url, class: "account-link", title: me.email || "" }, "Account"));
        var form = el("form", { method: "post", action: me.logout_url, class: "logout-form" });
        form.appendChild(el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: me.csrf_token }));
        form.appendChild(el("input", { type: "hidden", name: "next", value: herePath() }));
        var logout = el("button", { type: "submit", class: "logout-button" }, "Log out");
        form.appendChild(logout);
        nav.appendChild(form);
      })
      .catch(function () {
        /* the "Log in" link the page was served with stays: never a blank header */
      });
  }

  function start() {
    fillAccountNav();
    checkAccess();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
