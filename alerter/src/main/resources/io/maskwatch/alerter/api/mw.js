/* MaskWatch pages: shared helpers. The session is an HttpOnly cookie (the sign-in form or a one-time
   /login link): scripts never hold the token, and no URL they build carries one. */
var MW = (function () {
  "use strict";
  var signedIn = false;

  function showLogin() {
    var f = document.getElementById("login");
    if (f) { f.hidden = false; }
  }

  function api(path) {
    return fetch(path, { credentials: "same-origin" }).then(function (r) {
      if (r.status === 401) {
        // An inline form rather than prompt(): a modal dialog would block a kiosk or headless browser.
        showLogin();
        var err = new Error(signedIn ? "the token was not accepted" : "sign in with the API token");
        err.auth = true;
        throw err;
      }
      if (!r.ok) {
        return r.json().catch(function () { return {}; }).then(function (b) {
          var e = new Error(b.error || (path + ": HTTP " + r.status));
          e.status = r.status;
          throw e;
        });
      }
      return r.json();
    });
  }

  /** POST a JSON body; rejects with a message a person can act on. */
  function post(path, body) {
    return fetch(path, { method: "POST", credentials: "same-origin", body: JSON.stringify(body || {}),
      headers: { "Content-Type": "application/json" } }).then(function (r) {
      if (r.ok) { return r.status === 204 ? {} : r.json().catch(function () { return {}; }); }
      return r.json().catch(function () { return {}; }).then(function (b) {
        var why = b.error || ("HTTP " + r.status);
        if (r.status === 401 || r.status === 403) { why = "not allowed: sign in with the admin token (" + why + ")"; }
        if (r.status === 404 || r.status === 405) { why = "this alerter cannot record that (" + why + ")"; }
        throw new Error(why);
      });
    });
  }

  function onLogin(callback) {
    var form = document.getElementById("login");
    if (!form) { return; }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var input = document.getElementById("token-input");
      var body = "token=" + encodeURIComponent(input.value.trim());
      input.value = "";
      signedIn = true;
      fetch("/api/session", { method: "POST", credentials: "same-origin", body: body,
        headers: { "Content-Type": "application/x-www-form-urlencoded" } }).then(function () {
        form.hidden = true;
        if (callback) { callback(); }
      });
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function image(cls, url, alt) {
    var img = document.createElement("img");
    img.className = cls;
    img.alt = alt;
    img.dataset.loaded = "pending";
    img.onload = function () { img.dataset.loaded = img.naturalWidth > 0 ? "true" : "error"; };
    img.onerror = function () { img.dataset.loaded = "error"; };
    if (url) { img.src = url; } else { img.dataset.loaded = "none"; }
    return img;
  }

  /** Compliance per window as a line (0..100%); windows with nobody decided leave a gap. */
  function sparkline(windows) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("viewBox", "0 0 100 28");
    svg.setAttribute("preserveAspectRatio", "none");
    var pts = (windows || []).filter(function (w) { return w.compliance !== null && w.compliance !== undefined; });
    svg.dataset.points = String(pts.length);
    var target = document.createElementNS(ns, "line");
    target.setAttribute("class", "target");
    target.setAttribute("x1", "0"); target.setAttribute("x2", "100");
    target.setAttribute("y1", "4.4"); target.setAttribute("y2", "4.4"); // 90%
    svg.appendChild(target);
    if (pts.length === 0) { return svg; }
    var t0 = windows[0].window_start_ms, t1 = windows[windows.length - 1].window_start_ms;
    var span = Math.max(1, t1 - t0);
    var coords = pts.map(function (w) {
      var x = windows.length === 1 ? 50 : (w.window_start_ms - t0) / span * 100;
      var y = 26 - w.compliance * 24;
      return x.toFixed(1) + "," + y.toFixed(1);
    });
    var line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", coords.join(" "));
    svg.appendChild(line);
    var last = coords[coords.length - 1].split(",");
    var dot = document.createElementNS(ns, "circle");
    dot.setAttribute("cx", last[0]); dot.setAttribute("cy", last[1]); dot.setAttribute("r", "2");
    svg.appendChild(dot);
    var title = document.createElementNS(ns, "title");
    title.textContent = "compliance per window: " + pts.map(function (w) { return Math.round(w.compliance * 100) + "%"; }).join(", ");
    svg.appendChild(title);
    return svg;
  }

  function age(ms) {
    if (ms === null || ms === undefined) { return "never"; }
    var s = Math.round(ms / 1000);
    if (s < 60) { return s + " s ago"; }
    if (s < 3600) { return Math.round(s / 60) + " min ago"; }
    return Math.round(s / 3600) + " h ago";
  }

  function percent(x) { return x === null || x === undefined ? "-" : Math.round(x * 100) + "%"; }

  /** "acknowledged by ana at 10:02: note" / "false alarm (by ana at 10:02)"; null when neither. */
  function handledText(a) {
    function when(h) { return (h.by ? " by " + h.by : "") + (h.at_ms ? " at " + new Date(h.at_ms).toLocaleString() : ""); }
    if (a.false_alarm) { return "false alarm" + when(a.false_alarm) + (a.false_alarm.note ? ": " + a.false_alarm.note : ""); }
    if (a.acknowledged) { return "acknowledged" + when(a.acknowledged) + (a.acknowledged.note ? ": " + a.acknowledged.note : ""); }
    return null;
  }

  /** Ack / False alarm buttons for an alert; the outcome (or why it failed) shows next to them. */
  function actions(a, noteInput, done) {
    var box = el("span", "actions");
    var msg = el("span", "msg");
    function act(kind, label) {
      var b = el("button", kind, label);
      b.type = "button";
      b.addEventListener("click", function (ev) {
        ev.stopPropagation();
        b.disabled = true;
        msg.className = "msg"; msg.textContent = "saving...";
        var note = noteInput ? noteInput.value.trim() : "";
        post(a.url + "/" + kind, note ? { note: note } : {}).then(function () {
          msg.className = "msg ok"; msg.textContent = kind === "ack" ? "acknowledged" : "marked as false alarm";
          if (done) { done(); }
        }).catch(function (e) {
          msg.className = "msg error"; msg.textContent = (kind === "ack" ? "Ack" : "False alarm") + " failed: " + e.message;
        }).then(function () { b.disabled = false; });
      });
      box.appendChild(b);
    }
    act("ack", "Ack");
    act("false-alarm", "False alarm");
    box.appendChild(msg);
    return box;
  }

  return { api: api, post: post, onLogin: onLogin, el: el, image: image, sparkline: sparkline, age: age,
    percent: percent, handledText: handledText, actions: actions };
})();
