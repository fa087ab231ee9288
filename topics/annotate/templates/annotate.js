(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("sample-data").textContent);
  var themes = data.themes, releases = data.releases;
  var state = load();
  var $ = function (id) { return document.getElementById(id); };

  function load() {
    var blank = { position: 0, answers: {} };
    try {
      var saved = JSON.parse(window.localStorage.getItem(data.key) || "null");
      return saved && saved.answers ? saved : blank;
    } catch (e) { return blank; }
  }
  function save() {
    try { window.localStorage.setItem(data.key, JSON.stringify(state)); } catch (e) { /* full or disabled */ }
  }
  function answer(release) {
    var a = state.answers[release.id];
    if (!a) { a = state.answers[release.id] = { themes: [], unsure: false, done: false }; }
    return a;
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function highlighted(target, text, spans) {
    target.textContent = "";
    var at = 0;
    spans.forEach(function (s) {
      if (s[0] > at) { target.appendChild(document.createTextNode(text.slice(at, s[0]))); }
      var mark = el("mark", text.slice(s[0], s[1]));
      mark.title = themes[s[2]].name;
      target.appendChild(mark);
      at = s[1];
    });
    if (at < text.length) { target.appendChild(document.createTextNode(text.slice(at))); }
  }
  function coded() {
    return releases.filter(function (r) { var a = state.answers[r.id]; return a && a.done; }).length;
  }
  function show() {
    var r = releases[state.position], a = answer(r);
    $("date").textContent = r.date || "undated";
    $("doc-id").textContent = r.id;
    $("status").textContent = a.done ? "✓ coded" : "not coded yet";
    $("status").className = "status " + (a.done ? "done" : "todo");
    highlighted($("doc-title"), r.title || "(untitled)", r.title ? r.title_spans : []);
    highlighted($("text"), r.text + (r.truncated ? " …" : ""), r.spans);
    var sug = $("suggested");
    sug.textContent = "";
    sug.appendChild(el("span", r.suggested.length ? "Model suggests: " : "Model suggests no theme.", "muted small"));
    r.suggested.forEach(function (id) {
      var t = themes.filter(function (x) { return x.id === id; })[0];
      var ev = r.evidence[id] || [];
      sug.appendChild(el("span", t.name + " " + Math.round(100 * r.probs[id]) + "%" + (ev.length ? " — " + ev.join(", ") : ""), "chip"));
    });
    var box = $("themes");
    box.textContent = "";
    themes.forEach(function (t) {
      var label = el("label", null, "toggle" + (a.themes.indexOf(t.id) >= 0 ? " on" : ""));
      var input = el("input");
      input.type = "checkbox";
      input.checked = a.themes.indexOf(t.id) >= 0;
      input.setAttribute("data-theme", t.id);
      input.addEventListener("change", function () { toggle(t.id); });
      label.appendChild(input);
      if (t.key) { label.appendChild(el("kbd", t.key)); }
      label.appendChild(el("span", t.name));
      if (r.suggested.indexOf(t.id) >= 0) { label.appendChild(el("span", "suggested", "hint")); }
      box.appendChild(label);
    });
    $("unsure").checked = !!a.unsure;
    $("position").textContent = "Release " + (state.position + 1) + " of " + releases.length;
    var n = coded();
    $("progress").textContent = n + " of " + releases.length + " coded";
    $("progress-fill").style.width = (100 * n / releases.length) + "%";
    $("export").textContent = "Export labels (" + n + ")";
  }
  function toggle(id) {
    var a = answer(releases[state.position]), i = a.themes.indexOf(id);
    if (i >= 0) { a.themes.splice(i, 1); } else { a.themes.push(id); }
    save(); show();
  }
  function move(step) {
    state.position = Math.max(0, Math.min(releases.length - 1, state.position + step));
    save(); show();
  }
  function confirmNext() {
    answer(releases[state.position]).done = true;
    save();
    if (state.position < releases.length - 1) { move(1); } else { show(); }
  }
  function csvCell(value) {
    var s = String(value);
    if (/^[=+\-@\t\r]/.test(s)) { s = "'" + s; }
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function exportLabels() {
    var lines = ["id,title,themes,unsure,weight,inclusion"];
    releases.forEach(function (r) {
      var a = state.answers[r.id];
      if (!a || !a.done) { return; }
      var order = themes.map(function (t) { return t.id; }).filter(function (id) { return a.themes.indexOf(id) >= 0; });
      lines.push([r.id, r.title, order.join(";"), a.unsure ? "yes" : "", r.weight, r.inclusion].map(csvCell).join(","));
    });
    var blob = new Blob([lines.join("\n") + "\n"], { type: "text/csv;charset=utf-8" });
    var link = el("a");
    link.href = URL.createObjectURL(blob);
    link.download = data.filename;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }
  var keys = {};
  themes.forEach(function (t) { if (t.key) { keys[t.key] = t.id; } });
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (keys[k]) { toggle(keys[k]); }
    else if (k === "u") { answer(releases[state.position]).unsure = !answer(releases[state.position]).unsure; save(); show(); }
    else if (k === "a") { answer(releases[state.position]).themes = releases[state.position].suggested.slice(); save(); show(); }
    else if (k === "Enter" || k === "ArrowRight") { confirmNext(); }
    else if (k === "ArrowLeft") { move(-1); }
    else { return; }
    e.preventDefault();
  });
  $("unsure").addEventListener("change", function () { answer(releases[state.position]).unsure = this.checked; save(); show(); });
  $("prev").addEventListener("click", function () { move(-1); });
  $("next").addEventListener("click", confirmNext);
  $("export").addEventListener("click", exportLabels);
  if (state.position >= releases.length) { state.position = 0; }
  show();
})();
