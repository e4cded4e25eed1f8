// The review queue's keys: j/k move, s/d/u decide the current candidate, z undoes your last
// decision. Every action is the page's own form, sent with fetch; without JavaScript the same
// forms post and the page reloads.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("#queue > .candidate"));
  var status = document.getElementById("review-status");
  var current = 0;
  var lastDecision = null;

  function say(text, ok) {
    if (!status) return;
    status.textContent = text;
    status.className = "review-status" + (ok ? " ok" : "");
  }
  function focus(i) {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, i));
    items.forEach(function (el, j) { el.classList.toggle("current", j === current); });
    items[current].focus({ preventScroll: true });
    items[current].scrollIntoView({ block: "nearest" });
  }
  function post(form, extra) {
    var data = new FormData(form);
    Object.keys(extra || {}).forEach(function (k) { data.set(k, extra[k]); });
    return fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (r) {
      return r.text().then(function (t) { return { ok: r.ok, status: r.status, text: t }; });
    });
  }
  function decide(item, verdict) {
    var form = item && item.querySelector("form.decide");
    if (!form || item.classList.contains("done")) return;
    post(form, { verdict: verdict }).then(function (r) {
      if (r.ok) {
        item.classList.add("done");
        lastDecision = item;
        say(form.querySelector("button[value=" + verdict + "]").textContent.replace(/^\s*\w\s*/, "") + " ✓", true);
        var count = document.getElementById("pending-count");
        if (count && /^\d+$/.test(count.textContent)) count.textContent = String(Math.max(0, +count.textContent - 1));
        focus(current + 1);
      } else {
        say(r.text || ("Error " + r.status), false);
      }
    });
  }
  function undo() {
    var form = document.getElementById("undo-form");
    if (!form) { say("Nothing to undo on this page: reload it.", false); return; }
    // The latest decision is the server's to know: send the form without the id it was drawn with
    // when a decision was made since.
    post(form, lastDecision ? { decision: "" } : {}).then(function (r) {
      if (r.ok) {
        if (lastDecision) { lastDecision.classList.remove("done"); focus(items.indexOf(lastDecision)); lastDecision = null; }
        say("Undone ✓", true);
        if (!items.some(function (el) { return el.classList.contains("done"); })) window.location.reload();
      } else {
        say(r.text || ("Error " + r.status), false);
      }
    });
  }
  items.forEach(function (item, i) {
    item.addEventListener("click", function () { current = i; focus(i); });
    var form = item.querySelector("form.decide");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !button.value) return;
      event.preventDefault();
      current = i;
      decide(item, button.value);
    });
  });
  document.addEventListener("keydown", function (event) {
    var t = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT")) return;
    var key = event.key;
    if (key === "j") { focus(current + 1); }
    else if (key === "k") { focus(current - 1); }
    else if (key === "s") { decide(items[current], "same"); }
    else if (key === "d") { decide(items[current], "different"); }
    else if (key === "u") { decide(items[current], "unsure"); }
    else if (key === "z") { undo(); }
    else { return; }
    event.preventDefault();
  });
  if (items.length) focus(0);
})();
