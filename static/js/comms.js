// The room's "next update due" countdown (turns red when the promise is late) and the update
// composer's external wording templates. Small, no build step; the server renders the same words.
(function () {
  "use strict";

  function dueText(seconds) {
    var minutes = seconds < 0 ? Math.floor(-seconds / 60) : Math.ceil(seconds / 60);
    var words = minutes >= 120 ? Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0") + " min" : minutes + " min";
    return seconds <= 0 ? "overdue by " + words : "in " + words;
  }

  function tickCountdown() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var seconds = Math.round((due - now) / 1000);
      var label = el.querySelector(".due-in");
      if (label) label.textContent = dueText(seconds);
      el.classList.toggle("is-overdue", seconds <= 0);
      var panel = el.closest(".comms");
      if (panel) panel.classList.toggle("overdue", seconds <= 0);
    });
  }

  function templates() {
    var node = document.getElementById("update-templates");
    return node ? JSON.parse(node.textContent) : {};
  }

  // Offer the status-page wording when the update turns external, unless the author already wrote their own.
  function applyTemplate(form) {
    var status = form.querySelector("[name=status]");
    var state = form.querySelector("[name=public_state]");
    var external = form.querySelector("[name=audience][value=external]");
    if (!status || !state || !external || !external.checked) return;
    var known = Object.values(templates());
    var untouched = status.value.trim() === "" || status.value === status.defaultValue || known.indexOf(status.value) !== -1;
    var text = templates()[state.value];
    if (untouched && text) status.value = text;
  }

  document.addEventListener("change", function (evt) {
    var form = evt.target.closest && evt.target.closest("#update-composer");
    if (form && (evt.target.name === "audience" || evt.target.name === "public_state")) applyTemplate(form);
  });

  document.addEventListener("htmx:oobAfterSwap", tickCountdown);
  document.addEventListener("htmx:afterSwap", tickCountdown);
  document.addEventListener("DOMContentLoaded", function () {
    tickCountdown();
    setInterval(tickCountdown, 5000);
  });
})();
