// Count ad impressions: an ad slot that is at least half visible for a moment is
// reported once, by a beacon to /ads/impressions/. No cookie, no reader id: the
// page stays the same for everyone. Slots the access check inserts later are seen too.
// Nothing is watched until the access check says this reader is shown ads (paywall.js's
// "masthead:access" event): a reader who pays not to see ads is never counted, even for
// an ad on screen before the answer. No answer (a failed check), no count.
(function () {
  "use strict";
  var ENDPOINT = "/ads/impressions/";
  var seen = new Set();
  var pending = [];
  var timer = null;
  var article = document.querySelector("[data-article-id]");
  var articleId = article ? Number(article.getAttribute("data-article-id")) : null;

  function flush() {
    timer = null;
    if (!pending.length) return;
    var body = JSON.stringify({ ads: pending.splice(0, 20), article: articleId });
    var blob = new Blob([body], { type: "application/json" });
    if (!(navigator.sendBeacon && navigator.sendBeacon(ENDPOINT, blob))) {
      fetch(ENDPOINT, { method: "POST", body: body, keepalive: true, credentials: "omit",
        headers: { "Content-Type": "application/json" } }).catch(function () {});
    }
  }

  function note(slot) {
    if (seen.has(slot)) return;
    seen.add(slot);
    var id = Number(slot.getAttribute("data-ad-id"));
    if (id > 0) pending.push(id);
    if (!timer) timer = setTimeout(flush, 1000);
  }

  if (!("IntersectionObserver" in window)) return;
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        note(entry.target);
        observer.unobserve(entry.target);
      }
    });
  }, { threshold: 0.5 });

  function watch(root) {
    root.querySelectorAll("[data-masthead-ad][data-ad-id]").forEach(function (slot) {
      if (!seen.has(slot)) observer.observe(slot);
    });
  }

  var started = false;
  function start(answer) {
    if (started || !answer || answer.ad_free) return;
    started = true;
    watch(document);
    var gated = document.querySelector("[data-masthead-gated]");
    if (gated && "MutationObserver" in window) {
      new MutationObserver(function () { watch(gated); }).observe(gated, { childList: true, subtree: true });
    }
  }

  document.addEventListener("masthead:access", function (event) { start(event.detail); });
  // The answer may have come before this script ran.
  start(window.mastheadPaywall && window.mastheadPaywall.access);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush();
  });
})();
