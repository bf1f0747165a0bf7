/* Masthead paywall: asks the server whether this reader may read the article, then
 * fills in the rest of the body or shows the right wall. No dependencies.
 *
 * Without this script the page is the preview and the gate (what reader mode, scrapers
 * and readers with JavaScript off see). The server decides everything; this script only
 * places what the access check (POST /api/access/) sends back.
 *
 * For a metered read it shows the free articles left, and for a gift that a subscriber
 * shared the article; a failed check offers "Try again".
 *
 * When it is done it fires a "masthead:access" event on document with the check's JSON
 * as event.detail, so other scripts (ads, gifts) can react to the inserted part.
 */
(function () {
  "use strict";

  var CHECK_URL = "/api/access/";
  var ME_URL = "/api/me/";

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

  function hideAds() {
    $all("[data-masthead-ad]").forEach(hide);
  }

  function grant(result, gate, notice) {
    var gated = $("[data-masthead-gated]");
    if (gated) gated.innerHTML = result.html || "";
    hide(gate);
    hide(notice);
    showBanner(result);
  }

  function deny(result, gate, notice) {
    hide(notice);
    if (!gate) return;
    gate.innerHTML = result.offer ? result.offer.html : "";
    gate.setAttribute("data-masthead-offer", result.offer ? result.offer.kind : "none");
    pointBackHere(gate);
  }

  /* The parts of the page that say the check is under way: the notice above the
   * article and the gate's "Thank you for waiting" title. */
  function waitingParts(gate, notice) {
    return [notice, gate && $("#gate-title", gate)].filter(Boolean);
  }

  function setWaiting(gate, notice, waiting) {
    waitingParts(gate, notice).forEach(function (node) {
      node.hidden = !waiting;
    });
  }

  /* A failed check keeps the preview and the gate, and adds a way to try again. Nothing
   * is being checked any more, so the "we are checking" words go until the reader asks
   * again; they come back while the retry is under way. */
  function showRetry(gate, notice, article) {
    var target = gate || article;
    if (!target) return;
    var old = $("[data-masthead-retry-box]", target);
    if (old) old.parentNode.removeChild(old);
    setWaiting(gate, notice, false);
    var box = el("div", { class: "masthead-retry", "data-masthead-retry-box": "", role: "alert" });
    box.appendChild(el("p", { class: "wall-reason" }, "We could not confirm your access just now."));
    var button = el("button", { type: "button", class: "button wall-button", "data-masthead-retry": "" }, "Try again");
    button.addEventListener("click", function () {
      button.disabled = true;
      button.textContent = "Checking…";
      setWaiting(gate, notice, true);
      checkAccess();
    });
    box.appendChild(button);
    target.hidden = false;
    target.appendChild(box);
  }

  function announce(result) {
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
    var notice = $("[data-masthead-notice]", article);
    var id = parseInt(article.getAttribute("data-article-id"), 10);
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
        if (result.ad_free) hideAds();
        var old = $("[data-masthead-retry-box]", article);
        if (old) old.parentNode.removeChild(old);
        if (result.granted) grant(result, gate, notice);
        else deny(result, gate, notice);
        announce(result);
      })
      .catch(function () {
        showRetry(gate, notice, article);
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
        if (!me.authenticated) {
          $all("a", nav).forEach(function (link) {
            var url = new URL(link.getAttribute("href"), window.location.origin);
            if (url.pathname === "/accounts/login/") link.setAttribute("data-masthead-next", "");
          });
          pointBackHere(nav);
          return;
        }
        nav.innerHTML = "";
        nav.appendChild(el("a", { href: me.account_url, class: "account-link", title: me.email || "" }, "Account"));
        var form = el("form", { method: "post", action: me.logout_url, class: "logout-form" });
        form.appendChild(el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: me.csrf_token }));
        form.appendChild(el("input", { type: "hidden", name: "next", value: herePath() }));
        var logout = el("button", { type: "submit", class: "logout-button" }, "Log out");
        // Look like the header's links, whatever the site's button style is.
        form.style.display = "inline";
        form.style.marginLeft = "1rem";
        logout.style.cssText = "background:none;border:0;padding:0;font:inherit;color:inherit;text-decoration:underline;cursor:pointer";
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
