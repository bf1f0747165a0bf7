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
    var input = el("input", { id: "gift-url", type: "text", readonly: "readonly", value: url });
    var copy = el("button", { type: "button", "class": "gift-copy" }, "Copy link");
    var note = el("p", { "class": "gift-remaining", role: "status" }, "Link ready. Copy it and send it to anyone.");
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
    panel.append(label, input, copy, note, mailForm());
    box.appendChild(panel);
    input.focus();
    input.select();
  }

  /* Optional: mail the link from the site, so the recipient sees who sent it. */
  function mailForm() {
    var form = el("form", { "class": "gift-mail" });
    var label = el("label", { "for": "gift-email" }, "Or send it by e-mail to:");
    var address = el("input", { id: "gift-email", type: "email", required: "required", autocomplete: "off" });
    var send = el("button", { type: "submit" }, "Send");
    var said = el("span", { "class": "gift-mail-status", role: "status" });
    form.append(label, address, send, said);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      send.disabled = true;
      post({ article: articleId, email: address.value }).then(function (answer) {
        send.disabled = false;
        said.textContent = answer.ok && answer.data.emailed
          ? "Sent to " + address.value + "."
          : "The e-mail could not be sent.";
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

  function post(fields) {
    var form = new FormData();
    Object.keys(fields).forEach(function (name) { form.append(name, fields[name]); });
    return fetch("/gifts/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken, "Accept": "application/json" },
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
