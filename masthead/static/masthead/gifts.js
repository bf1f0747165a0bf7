/* Gift articles: a "Gift this article" button for subscribers, and a link to copy.
 *
 * The article page is identical for every reader, so this script asks the server
 * (GET /gifts/status/, private) whether this reader may gift the article, and only
 * then shows the button inside [data-masthead-gift]. Creating a link is a POST with
 * the CSRF token the status answer carries. No dependencies.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-masthead-gift]");
  var holder = box && box.closest("[data-article-id]");
  if (!box || !holder || !window.fetch) return;
  var articleId = holder.getAttribute("data-article-id");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function leftText(remaining, limit) {
    return remaining + " of " + limit + " gift links left this month.";
  }

  function showLink(url) {
    var panel = box.querySelector(".gift-link") || el("div", { "class": "gift-link" });
    panel.textContent = "";
    var label = el("label", { "for": "gift-url" }, "Anyone with this link can read the whole article:");
    var row = el("div", { "class": "gift-row" });
    var input = el("input", { id: "gift-url", type: "text", readonly: "readonly", value: url });
    var copy = el("button", { type: "button", "class": "gift-copy" }, "Copy link");
    var note = el("p", { "class": "gift-note", role: "status" }, "Link ready. Copy it and send it to anyone.");
    copy.addEventListener("click", function () {
      input.select();
      var done = function () { copy.textContent = "Copied"; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
    row.append(input, copy);
    panel.append(label, row, note, mailForm());
    box.appendChild(panel);
    input.focus();
    input.select();
  }

  /* Optional: mail the link from the site, so the recipient sees who sent it. */
  function mailForm() {
    /* novalidate: our own message, read out by screen readers, instead of the browser's bubble. */
    var form = el("form", { "class": "gift-mail", novalidate: "novalidate" });
    var label = el("label", { "for": "gift-email" }, "Or send it by e-mail to:");
    var row = el("div", { "class": "gift-row" });
    var address = el("input", {
      id: "gift-email", type: "email", autocomplete: "off",
      placeholder: "name@example.com", "aria-describedby": "gift-mail-status"
    });
    var send = el("button", { type: "submit" }, "Send");
    var said = el("p", { id: "gift-mail-status", "class": "gift-mail-status", role: "status" });
    row.append(address, send);
    form.append(label, row, said);
    function refuse(message) {
      said.textContent = message;
      said.className = "gift-mail-status gift-mail-error";
      address.setAttribute("aria-invalid", "true");
      address.focus();
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var typed = address.value.trim();
      if (!typed || !address.checkValidity()) {
        return refuse("Enter a valid e-mail address, like name@example.com.");
      }
      address.removeAttribute("aria-invalid");
      said.className = "gift-mail-status";
      said.textContent = "Sending…";
      send.disabled = true;
      post({ article: articleId, email: typed }).then(function (answer) {
        send.disabled = false;
        if (answer.ok && answer.data.emailed) {
          said.textContent = "Sent to " + typed + ".";
        } else {
          refuse(answer.data.email_error || answer.data.error || "The e-mail could not be sent.");
        }
      }, function () {
        send.disabled = false;
        said.textContent = "The e-mail could not be sent.";
      });
    });
    return form;
  }

  function showError(message) {
    var error = box.querySelector(".gift-error") || el("p", { "class": "gift-error", role: "alert" });
    error.textContent = message;
    box.appendChild(error);
  }

  var csrfToken = "";

  /* On a first visit /api/me/ and /gifts/status/ may each set a new CSRF cookie at once;
     the cookie keeps whichever came last, so the token to send is the cookie's (the status
     answer's token is the fallback when the cookie cannot be read). */
  function currentCsrfToken() {
    var found = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return found ? decodeURIComponent(found[1]) : csrfToken;
  }

  function post(fields) {
    var form = new FormData();
    Object.keys(fields).forEach(function (name) { form.append(name, fields[name]); });
    return fetch("/gifts/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": currentCsrfToken(), "Accept": "application/json" },
      body: form
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  }

  function create(status, button) {
    button.disabled = true;
    post({ article: articleId }).then(function (answer) {
      button.disabled = false;
      if (!answer.ok) return showError(answer.data.error || "The gift link could not be made.");
      var hint = box.querySelector(".gift-hint");
      if (hint) hint.textContent = leftText(answer.data.remaining, status.limit);
      showLink(answer.data.url);
    }).catch(function () {
      button.disabled = false;
      showError("The gift link could not be made. Please try again.");
    });
  }

  function render(status) {
    if (!status.can_gift) return;
    csrfToken = status.csrf_token;
    var button = el("button", { type: "button", "class": "gift-button", "data-masthead-gift-button": "" }, "Gift this article");
    var hint = el("span", { "class": "gift-hint" }, leftText(status.remaining, status.limit));
    button.addEventListener("click", function () { create(status, button); });
    box.textContent = "";
    box.append(button, " ", hint);
    box.hidden = false;
  }

  fetch("/gifts/status/?article=" + encodeURIComponent(articleId), {
    credentials: "same-origin",
    headers: { "Accept": "application/json" }
  }).then(function (response) {
    return response.ok ? response.json() : { can_gift: false };
  }).then(render).catch(function () { /* no button: the page stays as it is */ });
})();
