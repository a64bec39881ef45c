// Warroom page behaviour: small, no build step. Live clocks, Enter-to-post, and the timeline's
// rule that an entry id is shown once and in order, whichever path (htmx answer, live feed) brings it.
(function () {
  "use strict";

  function formatDuration(ms) {
    var minutes = Math.max(0, Math.floor(ms / 60000));
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    if (days) return days + "d " + hours + "h";
    if (hours) return hours + "h " + String(mins).padStart(2, "0") + "m";
    return mins + "m";
  }

  function tickClocks() {
    var now = Date.now();
    document.querySelectorAll("[data-since]").forEach(function (el) {
      var since = Date.parse(el.getAttribute("data-since"));
      if (!isNaN(since)) el.textContent = formatDuration(now - since);
    });
  }

  function entryId(el) {
    return parseInt(el.getAttribute("data-entry-id"), 10) || 0;
  }

  // The highest entry id the page shows: sent with room requests and live-feed resumes.
  function lastEntryId() {
    var last = 0;
    document.querySelectorAll("#timeline [data-entry-id]").forEach(function (el) {
      last = Math.max(last, entryId(el));
    });
    return last;
  }
  window.warroomLastEntryId = lastEntryId;

  // Drop entries the page already shows; put a late, older entry in its place by id.
  function placeEntries(fragment, timeline) {
    fragment.querySelectorAll("[data-entry-id]").forEach(function (incoming) {
      if (document.getElementById(incoming.id)) {
        incoming.remove();
        return;
      }
      var id = entryId(incoming);
      var later = Array.prototype.find.call(timeline.querySelectorAll("[data-entry-id]"), function (el) {
        return entryId(el) > id;
      });
      if (later) timeline.insertBefore(incoming, later);
    });
  }
  window.warroomPlaceEntries = placeEntries;

  function followTimeline() {
    var tl = document.getElementById("timeline");
    if (!tl) return;
    var nearBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
    if (nearBottom) window.scrollTo(0, document.body.scrollHeight);
  }

  // A panel carries the newest entry id its rendering had seen. Every change writes an entry, so a
  // panel no newer than the one shown changes nothing: skip it (and keep what the user is typing).
  function isStale(fragment, target) {
    var incoming = fragment && fragment.querySelector ? fragment.querySelector("[data-as-of]") : null;
    if (!incoming || !target.hasAttribute("data-as-of")) return false;
    return parseInt(incoming.getAttribute("data-as-of"), 10) <= parseInt(target.getAttribute("data-as-of"), 10);
  }
  window.warroomIsStale = isStale;

  // A form someone is typing in keeps their text: a live push of the same form (a fresher prefill) waits.
  document.addEventListener("input", function (evt) {
    var form = evt.target.form;
    if (form && form.hasAttribute("data-keep-while-editing")) form.setAttribute("data-editing", "");
  });

  document.addEventListener("htmx:oobBeforeSwap", function (evt) {
    var target = evt.detail.target;
    if (!target) return;
    if (target.id === "timeline") placeEntries(evt.detail.fragment, target);
    else if (target.hasAttribute("data-editing") || isStale(evt.detail.fragment, target)) evt.detail.shouldSwap = false;
  });
  document.addEventListener("htmx:oobAfterSwap", function (evt) {
    if (evt.detail.target && evt.detail.target.id === "timeline") followTimeline();
    tickClocks();
  });

  document.addEventListener("htmx:configRequest", function (evt) {
    if (document.getElementById("timeline")) evt.detail.headers["X-Warroom-After"] = String(lastEntryId());
  });

  document.addEventListener("keydown", function (evt) {
    var target = evt.target;
    if (evt.key === "Enter" && !evt.shiftKey && !evt.isComposing && target.matches && target.matches("textarea[data-enter-submits]")) {
      evt.preventDefault();
      if (target.value.trim()) target.form.requestSubmit();
    }
  });

  // After the composer is swapped back in, keep the cursor in it.
  document.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.detail.target && evt.detail.target.id === "composer") {
      var box = document.getElementById("composer-body");
      if (box) box.focus();
    }
  });

  // A "cancel" link on a form that htmx put in the page empties its box; without JS it goes back to the room.
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest("[data-dismiss]");
    if (!link) return;
    var box = link.closest(link.getAttribute("data-dismiss"));
    if (box && document.getElementById("timeline")) {
      evt.preventDefault();
      box.replaceChildren();
    }
  });

  // Controls carry who may use them (data-allow / data-deny: usernames). Panels are rendered once for every
  // viewer, so each page hides what its own user may not use; the server refuses it anyway, with the reason.
  function applyAuthority() {
    var me = document.body.getAttribute("data-user") || "";
    var admin = document.body.getAttribute("data-admin") === "1";
    document.querySelectorAll("[data-allow], [data-deny]").forEach(function (el) {
      var allowed = el.hasAttribute("data-allow") ? el.getAttribute("data-allow").split(/\s+/) : null;
      var denied = (el.getAttribute("data-deny") || "").split(/\s+/);
      var adminPasses = admin && el.getAttribute("data-allow-admin") !== "0";
      var ok = (!allowed || adminPasses || allowed.indexOf(me) >= 0) && denied.indexOf(me) < 0;
      if (ok) el.removeAttribute("data-denied");
      else el.setAttribute("data-denied", "");
    });
  }
  window.warroomApplyAuthority = applyAuthority;
  document.addEventListener("htmx:load", applyAuthority);
  document.addEventListener("htmx:oobAfterSwap", applyAuthority);

  document.addEventListener("DOMContentLoaded", function () {
    applyAuthority();
    tickClocks();
    setInterval(tickClocks, 15000);
    if (document.getElementById("timeline")) window.scrollTo(0, document.body.scrollHeight);
  });
})();

// Postmortem editor: a refused stale save (409) still shows its answer, which keeps both texts on screen.
document.addEventListener("htmx:beforeSwap", function (evt) {
  if (evt.detail.xhr && evt.detail.xhr.status === 409 && evt.detail.elt && evt.detail.elt.closest("#pm-form, #pm-conflict")) {
    evt.detail.shouldSwap = true;
    evt.detail.isError = false;
  }
});
