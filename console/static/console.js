// paxwatch console: live refresh of the alert queue. An element with data-live="URL" has its content
// replaced by the HTML fragment at URL every 10 seconds (same origin, session cookie; GET only).
"use strict";
(function () {
  const live = document.querySelector("[data-live]");
  if (!live) return;
  const url = live.getAttribute("data-live");
  async function refresh() {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } });
      if (response.redirected || !response.ok) return; // signed out or refused: leave the page as it is
      live.innerHTML = await response.text();
    } catch (_) {
      // network trouble: try again at the next tick
    }
  }
  setInterval(refresh, 10000);
})();
