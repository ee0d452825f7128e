// The live preview's page script (served by `undersigned preview`, never in a rendered file).
// It listens for updates (Server-Sent Events), swaps the new letter in without reloading so the
// reader keeps their place, shows problems over the last good render, and switches between the
// screen view and the paged print view (the PDF engine's pages, notes at the page foot).
(function () {
  "use strict";
  var OURS = /^us-preview/;
  var bar = document.getElementById("us-preview");
  var state = JSON.parse(document.getElementById("us-preview-state").textContent);
  var shown = state.html_generation;
  var view = "screen";
  try { view = sessionStorage.getItem("us-preview-view") || "screen"; } catch (e) { /* none */ }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var status = el("span", {id: "us-preview-status", role: "status"});
  var screenButton = el("button", {type: "button", id: "us-preview-screen"}, "Screen");
  var printButton = el("button", {type: "button", id: "us-preview-print"}, "Print");
  var tools = el("div", {id: "us-preview-bar", role: "toolbar", "aria-label": "Preview"});
  tools.append(status, screenButton, printButton);
  var overlay = el("section", {id: "us-preview-overlay", role: "alert", hidden: ""});
  var paged = el("iframe", {id: "us-preview-paged", title: "The letter as printed", hidden: ""});
  bar.append(tools, overlay, paged);

  function render(s) {
    state = s;
    bar.dataset.generation = s.generation;
    var errors = s.problems.filter(function (p) { return p.severity === "error"; });
    var warnings = s.problems.length - errors.length;
    overlay.textContent = "";
    if (errors.length || s.failure) {
      var count = errors.length + (s.failure ? 1 : 0);
      overlay.append(el("h2", {}, "The letter does not render (" + count + " problem" +
        (count > 1 ? "s" : "") + "); the last good version is shown beneath."));
      var list = el("ul");
      errors.forEach(function (p) {
        var item = el("li", {"class": "us-preview-problem", "data-file": p.file,
                             "data-line": String(p.line)});
        item.append(el("code", {"class": "us-preview-where"},
                       p.file + ":" + p.line + ":" + p.column),
                    " ", el("span", {"class": "us-preview-rule"}, p.rule),
                    " ", el("span", {"class": "us-preview-message"}, p.message));
        list.append(item);
      });
      if (s.failure) list.append(el("li", {"class": "us-preview-problem"}, s.failure));
      overlay.append(list);
      overlay.hidden = false;
      status.textContent = "✗ " + count + " to fix";
      status.className = "us-preview-bad";
    } else {
      overlay.hidden = true;
      status.textContent = "✓ up to date" + (warnings ? " · " + warnings + " warning" +
        (warnings > 1 ? "s" : "") + " (undersigned validate)" : "");
      status.className = "us-preview-good";
    }
  }

  function setView(which) {
    view = which;
    try { sessionStorage.setItem("us-preview-view", which); } catch (e) { /* none */ }
    screenButton.setAttribute("aria-pressed", String(which === "screen"));
    printButton.setAttribute("aria-pressed", String(which === "print"));
    document.documentElement.classList.toggle("us-preview-printing", which === "print");
    if (which === "print") {
      paged.src = "/letter.pdf?g=" + shown;
      paged.hidden = false;
    } else {
      paged.hidden = true;
      paged.removeAttribute("src");
    }
  }

  function swap(generation) {
    return fetch("/letter.html", {cache: "no-store"}).then(function (response) {
      if (!response.ok) return;
      return response.text().then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        var x = window.scrollX, y = window.scrollY;
        var incoming = document.createDocumentFragment();
        Array.prototype.forEach.call(fresh.body.childNodes, function (node) {
          incoming.append(document.importNode(node, true));
        });
        Array.prototype.slice.call(document.head.querySelectorAll("style")).forEach(
          function (node) { node.remove(); });
        Array.prototype.forEach.call(fresh.head.querySelectorAll("style"), function (node) {
          document.head.append(document.importNode(node, true));
        });
        document.title = fresh.title;
        document.documentElement.lang = fresh.documentElement.lang;
        Array.prototype.slice.call(document.body.childNodes).forEach(function (node) {
          if (!(node.id && OURS.test(node.id))) node.remove();
        });
        document.body.insertBefore(incoming, document.body.firstChild);
        window.scrollTo(x, y);
        shown = generation;
        bar.dataset.htmlGeneration = generation;
        if (view === "print") paged.src = "/letter.pdf?g=" + generation;
      });
    });
  }

  screenButton.addEventListener("click", function () { setView("screen"); });
  printButton.addEventListener("click", function () { setView("print"); });
  render(state);
  bar.dataset.htmlGeneration = shown;
  setView(view);

  var events = new EventSource("/events");
  events.addEventListener("update", function (event) {
    var s = JSON.parse(event.data);
    render(s);
    if (s.html_generation !== shown) swap(s.html_generation);
  });
  events.addEventListener("error", function () {
    if (events.readyState !== EventSource.OPEN) {
      status.textContent = "⏸ preview stopped";
      status.className = "us-preview-bad";
    }
  });
})();
