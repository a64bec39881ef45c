// The war room's live feed: one WebSocket per open room, HTML frames swapped in by htmx (out of band, by
// id), a resume on every (re)connect so nothing is lost, back-off, and the live/reconnecting/offline pill.
// A small client rather than the htmx ws extension: the resume must go first on every open, reconnecting
// must also follow a clean close (we close on `offline`) and start at once on `online`, and the indicator
// needs the back-off state. Frames still go through htmx.swap, so warroom.js's by-id rule applies.
(function () {
  "use strict";

  var room = document.querySelector("[data-live-url]");
  var pill = document.getElementById("live-status");
  if (!room || !pill || !window.WebSocket) return;

  var LABELS = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…", offline: "Offline" };
  var socket = null;
  var attempts = 0;
  var retryTimer = null;

  function show(state) {
    pill.setAttribute("data-state", state);
    pill.querySelector(".live-label").textContent = LABELS[state];
  }

  function socketUrl() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + room.getAttribute("data-live-url");
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (!navigator.onLine) return show("offline");
    show(attempts ? "reconnecting" : "connecting");
    var ws = new WebSocket(socketUrl());
    socket = ws;
    ws.onopen = function () {
      attempts = 0;
      // Replayed entries come first, oldest first; ids the page already shows are dropped by warroom.js.
      ws.send(JSON.stringify({ type: "resume", after: window.warroomLastEntryId() }));
      show("live");
    };
    ws.onmessage = function (evt) {
      if (ws === socket && typeof evt.data === "string") htmx.swap(document.body, evt.data, { swapStyle: "none" });
    };
    ws.onclose = function (evt) {
      if (ws !== socket) return; // a socket we dropped on purpose
      socket = null;
      // 4401: this session or token no longer has access; 4404: this room is no longer visible to this user.
      // Reloading shows the sign-in page or the "no such incident" page instead of a room that stays stale.
      if (evt.code === 4401 || evt.code === 4404) return window.location.reload();
      retry();
    };
  }

  // Full jitter between 0.5 s and 30 s: a server restart is not met by every room at the same instant.
  function retry() {
    if (!navigator.onLine) return show("offline");
    attempts += 1;
    var ceiling = Math.min(30000, 500 * Math.pow(2, attempts));
    show("reconnecting");
    retryTimer = setTimeout(connect, 500 + Math.random() * (ceiling - 500));
  }

  window.addEventListener("offline", function () {
    clearTimeout(retryTimer);
    if (socket) {
      var dropped = socket;
      socket = null;
      dropped.close();
    }
    show("offline");
  });
  window.addEventListener("online", function () {
    attempts = 0;
    if (!socket) connect();
  });

  connect();
})();
