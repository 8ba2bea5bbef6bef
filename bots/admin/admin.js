// The admin page: asks for the token once (kept in sessionStorage), then calls /admin/api/* with it.
// Everything the server sends is shown with textContent, never parsed as HTML.
"use strict";

(function () {
  const KEY = "lscb-admin-token";
  const $ = (id) => document.getElementById(id);
  let polling = null;

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  function notice(message) {
    const box = $("notice");
    box.textContent = message || "";
    box.hidden = !message;
  }

  async function api(method, path, body) {
    const headers = { Authorization: "Bearer " + sessionStorage.getItem(KEY) };
    const options = { method, headers, cache: "no-store" };
    if (body instanceof FormData) options.body = body;
    const response = await fetch("/admin/api/" + path, options);
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (response.status === 401) { signOut("The token was not accepted: sign in again."); }
    if (!response.ok) {
      const detail = data && data.detail ? data.detail : response.statusText;
      const error = new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
      error.status = response.status;
      throw error;
    }
    return data;
  }

  function signOut(message) {
    sessionStorage.removeItem(KEY);
    if (polling) { clearTimeout(polling); polling = null; }
    $("console").hidden = true;
    $("who").hidden = true;
    $("sign-in").hidden = false;
    notice(message);
  }

  async function signIn(token) {
    sessionStorage.setItem(KEY, token);
    try {
      await loadAll();
    } catch (e) {
      if (e.status !== 401) notice("Could not load the admin data: " + e.message);
      return;
    }
    notice("");
    $("sign-in").hidden = true;
    $("console").hidden = false;
    $("who").hidden = false;
  }

  async function loadAll() {
    await Promise.all([loadOverview(), loadDocuments(), loadRefresh()]);
  }

  async function loadOverview() {
    const o = await api("GET", "overview");
    const dl = $("serving");
    dl.replaceChildren();
    const facts = [["Version", o.serving_version || "none yet: start a refresh"], ["Corpus version", o.corpus_version || "-"],
      ["Documents", o.documents], ["Passages", o.passages], ["Tables", o.tables], ["Indicators", o.indicators]];
    for (const [k, v] of facts) { dl.append(el("dt", k), el("dd", v)); }
    $("max-mb").textContent = o.max_upload_mb;
    const kind = $("kind");
    if (!kind.options.length) {
      for (const k of o.kinds) kind.append(el("option", k, { value: k }));
      kind.value = "other";
    }
    const body = $("versions").tBodies[0];
    body.replaceChildren();
    for (const v of o.versions) {
      const row = el("tr");
      row.append(el("td", v.version), el("td", v.built_at ? new Date(v.built_at).toLocaleString() : "unreadable"),
        el("td", v.documents ?? "-"), el("td", v.passages ?? "-"), el("td", v.serving ? "yes (serving)" : ""));
      body.append(row);
    }
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function list(items) {
    const ul = el("ul");
    for (const item of items) ul.append(el("li", item));
    return ul;
  }

  async function loadDocuments() {
    const docs = await api("GET", "documents");
    const body = $("documents").tBodies[0];
    body.replaceChildren();
    for (const d of docs) {
      const row = el("tr");
      const title = el("th", d.title, { scope: "row" });
      const status = el("td");
      status.append(el("span", d.status, { class: "status-" + d.status }), el("span", d.explanation, { class: "hint" }));
      const warnings = el("td");
      if (d.warnings.length) warnings.append(list(d.warnings));
      const actions = el("td");
      if (d.file || d.in_manifest) {
        const remove = el("button", "Remove", { type: "button", class: "secondary", "aria-label": "Remove " + d.title });
        remove.addEventListener("click", () => removeDocument(d));
        actions.append(remove);
      }
      row.append(title, el("td", d.id), el("td", d.kind), el("td", d.published || ""), el("td", d.file || ""),
        status, el("td", d.passages ?? ""), warnings, actions);
      body.append(row);
    }
  }

  async function removeDocument(d) {
    if (!confirm("Remove \u201c" + d.title + "\u201d (" + (d.file || d.id) + ") from the corpus? It stays served until the next refresh is published.")) return;
    try {
      await api("DELETE", "documents/" + encodeURIComponent(d.id));
      $("upload-result").textContent = "Removed " + d.title + ". Start a refresh to drop it from the index.";
      await loadDocuments();
    } catch (e) { notice("Could not remove the document: " + e.message); }
  }

  async function upload(event) {
    event.preventDefault();
    const form = $("upload-form");
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    $("upload-result").textContent = "Uploading\u2026";
    try {
      const stored = await api("POST", "documents", new FormData(form));
      const extra = stored.warnings.length ? " Note: " + stored.warnings.join("; ") : "";
      $("upload-result").textContent = "Added \u201c" + stored.title + "\u201d as " + stored.file + " (id " + stored.id +
        "). Start a refresh to index it." + extra;
      form.reset();
      $("kind").value = "other";
      await loadDocuments();
    } catch (e) {
      $("upload-result").textContent = "";
      notice("The upload was refused: " + e.message);
    } finally { button.disabled = false; }
  }

  function renderChanges(c) {
    const box = $("changes");
    box.replaceChildren();
    if (!c) { box.append(el("p", "No change summary.")); return; }
    const groups = [["Added", c.added], ["Removed", c.removed], ["Changed", c.changed]];
    for (const [label, items] of groups) {
      box.append(el("h4", label + " (" + items.length + ")"));
      if (items.length) {
        box.append(list(items.map((d) => d.title + " (" + d.id + ")" + (d.what.length ? ": " + d.what.join(", ") : "") +
          (d.passages_after !== null && d.passages_after !== undefined ? ", " + plural(d.passages_after, "passage") : ""))));
      }
    }
    box.append(el("p", plural(c.unchanged, "document") + " unchanged."));
    const table = el("table");
    table.append(el("caption", "Totals, serving version against the new one"));
    const head = el("tr");
    head.append(el("th", "", { scope: "col" }), el("th", "Serving", { scope: "col" }), el("th", "New", { scope: "col" }), el("th", "Difference", { scope: "col" }));
    table.append(head);
    for (const [label, n] of [["Passages", c.passages], ["Tables", c.tables], ["Indicators", c.indicators]]) {
      const row = el("tr");
      row.append(el("th", label, { scope: "row" }), el("td", n.before), el("td", n.after), el("td", (n.delta > 0 ? "+" : "") + n.delta));
      table.append(row);
    }
    box.append(table);
  }

  function renderEvaluation(ev, error) {
    const box = $("evaluation");
    box.replaceChildren();
    if (!ev) { box.append(el("p", error || "No evaluation.")); return; }
    const table = el("table");
    table.append(el("caption", "Retrieval on the gold questions"));
    const head = el("tr");
    head.append(el("th", "Metric", { scope: "col" }), el("th", "Serving " + ev.serving_version, { scope: "col" }), el("th", "New " + ev.candidate_version, { scope: "col" }));
    table.append(head);
    for (const key of Object.keys(ev.candidate)) {
      const a = ev.serving[key], b = ev.candidate[key];
      const row = el("tr");
      row.append(el("th", key, { scope: "row" }), el("td", typeof a === "number" ? a.toFixed(3) : a), el("td", typeof b === "number" ? b.toFixed(3) : b));
      table.append(row);
    }
    box.append(table);
    const shift = (q) => q.question + " (rank " + (q.rank_before ?? "none") + " \u2192 " + (q.rank_after ?? "none") + ")";
    box.append(el("h4", "Better (" + ev.better.length + ")"), list(ev.better.map(shift)));
    box.append(el("h4", "Worse (" + ev.worse.length + ")"), list(ev.worse.map(shift)));
    box.append(el("p", plural(ev.unchanged, "question") + " unchanged."));
  }

  function renderFiles(files) {
    const body = $("files").tBodies[0];
    body.replaceChildren();
    for (const f of files) {
      const row = el("tr");
      const notes = [f.reason && (f.reason + (f.advice ? ": " + f.advice : "")), ...f.warnings].filter(Boolean);
      const cell = el("td");
      if (notes.length) cell.append(list(notes));
      row.append(el("td", f.path), el("td", f.status), el("td", f.passages), el("td", f.tables), cell);
      body.append(row);
    }
  }

  function renderRefresh(s) {
    const busy = s.state === "building" || s.state === "evaluating";
    $("refresh-start").disabled = busy || s.state === "ready";
    const bar = $("refresh-progress");
    const messages = {
      idle: "No refresh has run since the service started.",
      published: "Version " + s.candidate_version + " was published and is now serving.",
      discarded: "Version " + s.candidate_version + " was discarded.",
      failed: "The refresh failed.",
      ready: "Version " + s.candidate_version + " is built: check the changes, then publish or discard it.",
    };
    let message = messages[s.state] || "";
    if (busy && s.progress) {
      message = (s.state === "evaluating" ? "Evaluating: " : "Building: ") + s.progress.message +
        (s.progress.total ? " (" + s.progress.done + " of " + s.progress.total + ")" : "");
    }
    $("refresh-message").textContent = message;
    bar.hidden = !busy;
    if (busy && s.progress && s.progress.total) { bar.max = s.progress.total; bar.value = s.progress.done; }
    else if (busy) { bar.removeAttribute("value"); }
    $("refresh-error").hidden = !s.error;
    $("refresh-error").textContent = s.error || "";
    const show = s.state === "ready" || ((s.state === "published" || s.state === "discarded") && s.changes);
    $("refresh-result").hidden = !show;
    $("decision").hidden = s.state !== "ready";
    if (show) { renderChanges(s.changes); renderEvaluation(s.evaluation, s.evaluation_error); renderFiles(s.files); }
    return busy;
  }

  async function loadRefresh() {
    const s = await api("GET", "refresh");
    if (renderRefresh(s)) schedulePoll();
    return s;
  }

  function schedulePoll() {
    if (polling) clearTimeout(polling);
    polling = setTimeout(async () => {
      polling = null;
      try {
        const s = await loadRefresh();
        if (!(s.state === "building" || s.state === "evaluating")) await Promise.all([loadOverview(), loadDocuments()]);
      } catch (e) { notice("Lost contact with the service: " + e.message); schedulePoll(); }
    }, 1000);
  }

  async function act(method, path, confirmText, after) {
    if (confirmText && !confirm(confirmText)) return;
    try {
      const result = await api(method, path);
      notice("");
      if (after) after(result);
      await loadAll();
    } catch (e) { notice(e.message); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("sign-in-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const token = $("token").value.trim();
      $("token").value = "";
      if (token) signIn(token);
    });
    $("sign-out").addEventListener("click", () => signOut(""));
    $("upload-form").addEventListener("submit", upload);
    $("refresh-start").addEventListener("click", () => act("POST", "refresh"));
    $("publish").addEventListener("click", () => act("POST", "refresh/publish", "Publish this version? Answers will come from it within a second."));
    $("discard").addEventListener("click", () => act("POST", "refresh/discard", "Discard this version? Its files are deleted."));
    $("rollback").addEventListener("click", () => act("POST", "rollback", "Serve the previous index version again?",
      (r) => { $("serving-status").textContent = "Now serving " + r.serving_version + "."; }));
    if (sessionStorage.getItem(KEY)) signIn(sessionStorage.getItem(KEY));
  });
})();
