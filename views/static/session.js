// Warns two minutes before the login ends and offers to continue (WCAG
// 2.2.1). Without JavaScript the next request after the end leads to the
// login page, and from there back to the same page.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="session-remaining"]');
  var dialog = document.getElementById("session-dialog");
  if (!meta || !dialog || typeof dialog.showModal !== "function") return;
  var warnBefore = 120000;
  var ends = Date.now() + parseInt(meta.content, 10);
  var extendPath = meta.getAttribute("data-extend") || "/session/forlang";
  var loginPath = meta.getAttribute("data-login") || "/logga-in";
  var remaining = document.getElementById("session-remaining");
  var timer = null;

  function expire() {
    location.href = loginPath + "?expired=1&next=" + encodeURIComponent(location.pathname + location.search);
  }
  function tick() {
    var left = ends - Date.now();
    if (left <= 0) return expire();
    var s = Math.ceil(left / 1000);
    remaining.textContent = Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
    timer = setTimeout(tick, 1000);
  }
  function warn() {
    if (!dialog.open) dialog.showModal();
    tick();
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(warn, Math.max(0, ends - warnBefore - Date.now()));
  }
  document.getElementById("session-continue").addEventListener("click", function () {
    fetch(extendPath, { method: "POST", credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) { ends = Date.now() + d.remaining_ms; dialog.close(); schedule(); })
      .catch(expire);
  });
  schedule();
})();
