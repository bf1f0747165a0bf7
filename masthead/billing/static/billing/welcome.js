/* The welcome after subscribing or switching plans, on the article the reader returns to.
 *
 * The article page is the same for everyone, so it cannot say "you're subscribed" itself.
 * Starting a checkout or switching plans sets a short-lived cookie (masthead_welcome);
 * this script waits for the page's access check (the "masthead:access" event), and only
 * when the check found the reader's plan shows the banner and deletes the cookie. An
 * abandoned checkout therefore shows nothing and the cookie simply expires.
 */
(function () {
  "use strict";
  var NAME = "masthead_welcome";

  function cookie() {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var pair = parts[i].split("=");
      if (pair[0] === NAME) return decodeURIComponent(pair.slice(1).join("="));
    }
    return "";
  }

  function forget() {
    document.cookie = NAME + "=; Max-Age=0; Path=/; SameSite=Lax";
  }

  function words(kind, reason) {
    var first = kind === "plan-changed" ? "Your new plan is in effect — welcome." : "You're subscribed — welcome.";
    if (reason === "plan_excludes_section") {
      return first + " This story is not part of your plan; the plans page shows which ones open it.";
    }
    return first + " Enjoy the whole story.";
  }

  function show(text) {
    var article = document.querySelector("article.masthead-article");
    if (!article) return;
    var banner = document.createElement("p");
    banner.className = "masthead-welcome";
    banner.setAttribute("role", "status");
    banner.setAttribute("data-masthead-welcome", "");
    banner.textContent = text;
    // The site's style sheet belongs to the newsroom; a few properties set here keep this
    // banner self-contained (CSSOM changes are allowed under the content security policy).
    var style = banner.style;
    style.background = "#eef6ee";
    style.borderLeft = "4px solid #1d6b3a";
    style.padding = ".6rem .8rem";
    style.margin = "0 0 1rem";
    style.fontFamily = "system-ui, sans-serif";
    var header = article.querySelector(".story-header");
    article.insertBefore(banner, header || article.firstChild);
  }

  var kind = cookie();
  if (!kind) return;
  document.addEventListener("masthead:access", function (event) {
    var result = (event && event.detail) || {};
    var reason = result.reason || "";
    if (reason !== "subscriber" && reason !== "plan_excludes_section") return;
    forget();
    if (!document.querySelector("[data-masthead-welcome]")) show(words(kind, reason));
  });
})();
