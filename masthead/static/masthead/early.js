/* Masthead, before the first paint: loaded in <head> (a file, never inline, for the
 * content security policy), it marks <html> so the stylesheet can hide what the
 * reader's last answers say is not for them, before anything is drawn:
 *
 *   masthead-js          scripts run: the gate shows "checking" until paywall.js takes over
 *   masthead-ad-free     the last access check said ad-free: ad slots take no room
 *   masthead-subscriber  the last /api/me/ answer said subscriber: no "Subscribe" link
 *
 * The flags in localStorage say nothing about who the reader is ("1" or absent), are
 * written only by paywall.js from an answer, and are only a guess: the page is the
 * same for everyone, and the check confirms or undoes the guess when it answers.
 */
(function () {
  "use strict";
  var root = document.documentElement;
  var FLAGS = { "masthead:ad-free": "masthead-ad-free", "masthead:subscriber": "masthead-subscriber" };
  root.classList.add("masthead-js");
  try {
    Object.keys(FLAGS).forEach(function (key) {
      if (window.localStorage.getItem(key) === "1") root.classList.add(FLAGS[key]);
    });
  } catch (e) {
    /* storage blocked: show everything and let the check decide */
  }
  /* paywall.js blocked or broken: nothing will confirm the guesses, so drop them and
   * let the page's own words (the gate's instructions) show. Deferred scripts have
   * run by the load event. */
  window.addEventListener("load", function () {
    if (window.mastheadPaywall) return;
    root.classList.remove("masthead-js", "masthead-ad-free", "masthead-subscriber");
  });
})();
