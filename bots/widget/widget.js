/*! LSCB knowledge assistant: chat widget. No framework, no dependencies.
 * Embed: <script src="https://…/widget.js" data-title="Ask the LSCB" async></script>
 * Options (attributes of that script tag):
 *   data-title  the launcher and panel title (default "Ask the LSCB")
 *   data-api    the service's base URL (default: where widget.js was loaded from)
 * It renders in a shadow root, so the host page's CSS cannot reach it, and it puts every piece of text from
 * the server in the page with textContent, never as HTML. The question is never stored; the conversation id
 * lives in memory only, for follow-up questions, until the page is left or "New conversation" is pressed.
 */
(function () {
  "use strict";

  var script = document.currentScript || (function () {
    var all = document.querySelectorAll("script[src*='widget.js']");
    return all[all.length - 1];
  })();
  if (!script || window.__lscbWidget) return;
  window.__lscbWidget = true;

  var TITLE = script.getAttribute("data-title") || "Ask the LSCB";
  var BASE = new URL(script.getAttribute("data-api") || ".", script.src || location.href);
  if (!/\/$/.test(BASE.pathname)) BASE = new URL(BASE.href + "/");
  var TIMEOUT_MS = 60000;
  var DATE = { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" };

  var CSS = [
    ":host{all:initial!important;display:block!important;position:fixed!important;right:0!important;",
    "bottom:0!important;left:auto!important;top:auto!important;width:0!important;height:0!important;",
    "margin:0!important;padding:0!important;border:0!important;transform:none!important;filter:none!important;",
    "opacity:1!important;visibility:visible!important;z-index:2147483000!important;}",
    "*,*::before,*::after{box-sizing:border-box}",
    ".w{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1d1d1f;",
    "-webkit-text-size-adjust:100%;text-align:left;letter-spacing:normal}",
    "[hidden]{display:none!important}",
    "button,input,textarea{font:inherit;color:inherit;letter-spacing:inherit}",
    "button{cursor:pointer}",
    "a{color:#0b4f8a;text-decoration:underline}",
    "a:hover{color:#063a67}",
    ":focus{outline:none}",
    ":focus-visible{outline:3px solid #ffbf47;outline-offset:2px;box-shadow:0 0 0 5px #0b0c0c}",
    ".vh{position:absolute!important;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);",
    "white-space:nowrap;border:0;padding:0}",
    ".launch{position:fixed;right:20px;bottom:20px;display:flex;align-items:center;gap:8px;padding:12px 18px;",
    "border:2px solid #fff;border-radius:28px;background:#0b4f8a;color:#fff;font-weight:600;font-size:16px;",
    "box-shadow:0 4px 14px rgba(0,0,0,.3)}",
    ".launch:hover{background:#063a67}",
    ".launch svg{width:22px;height:22px;flex:none}",
    ".panel{position:fixed;right:20px;bottom:84px;width:400px;max-width:calc(100vw - 40px);",
    "height:620px;max-height:calc(100vh - 104px);display:flex;flex-direction:column;background:#fff;",
    "border:1px solid #b1b4b6;border-radius:12px;box-shadow:0 10px 40px rgba(0,0,0,.3);overflow:hidden}",
    "@media (prefers-reduced-motion:no-preference){.panel{animation:up .18s ease-out}",
    "@keyframes up{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}}",
    ".head{display:flex;align-items:center;gap:6px;padding:10px 10px 10px 16px;background:#0b4f8a;color:#fff}",
    ".head h2{flex:1;margin:0;font-size:17px;font-weight:700;line-height:1.2}",
    ".head button{border:1px solid rgba(255,255,255,.7);background:transparent;color:#fff;border-radius:6px;",
    "padding:5px 9px;font-size:13px;line-height:1.2}",
    ".head button:hover{background:rgba(255,255,255,.15)}",
    ".head .x{font-size:20px;padding:2px 10px}",
    ".log{position:relative;flex:1;overflow-y:auto;padding:14px 14px 4px;background:#f4f5f6;overscroll-behavior:contain}",
    ".intro{margin:0 0 12px;color:#444;font-size:14px}",
    ".q{margin:0 0 10px auto;max-width:85%;width:fit-content;padding:8px 12px;border-radius:12px 12px 2px 12px;",
    "background:#0b4f8a;color:#fff;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".a{margin:0 0 14px;padding:10px 12px;background:#fff;border:1px solid #dcdfe1;",
    "border-radius:12px 12px 12px 2px;overflow-wrap:anywhere}",
    ".a p{margin:0 0 6px}",
    ".a ul{margin:0 0 6px;padding-left:20px}",
    ".a h3{margin:10px 0 4px;font-size:13px;text-transform:uppercase;letter-spacing:.03em;color:#505a5f}",
    ".note{font-size:13px;color:#505a5f}",
    ".urgent{margin:0 0 8px;padding:8px 10px;border-left:6px solid #d4351c;background:#fdecea;color:#6b0f02;",
    "font-weight:700}",
    ".urgent p{margin:0 0 4px}",
    ".cite{display:inline-block;min-width:24px;margin:0 1px;padding:0 4px;border-radius:4px;background:#e8f0f8;",
    "font-size:12px;font-weight:700;line-height:18px;text-align:center;text-decoration:none;vertical-align:1px}",
    ".cite:hover{background:#cfe0f1}",
    ".src{margin:0;padding:0;list-style:none;font-size:13px}",
    ".src li{margin:0 0 6px;display:flex;gap:6px}",
    ".src .meta,.rel .meta{display:block;color:#505a5f}",
    ".rel{margin:0;padding:0;list-style:none;font-size:13px}",
    ".rel li{margin:0 0 8px;padding:6px 8px;border-left:3px solid #b1b4b6;background:#fafafa}",
    ".rel q{display:block;margin-top:2px;color:#333;quotes:'\u201c' '\u201d'}",
    ".card{margin:8px 0;padding:8px;border:1px solid #dcdfe1;border-radius:8px;background:#fbfcfd}",
    ".card table{width:100%;border-collapse:collapse;font-size:13px}",
    ".card caption{text-align:left;font-weight:700;padding-bottom:4px}",
    ".card th,.card td{padding:3px 6px;border-bottom:1px solid #e5e7e8;text-align:left}",
    ".card td.n{text-align:right;font-variant-numeric:tabular-nums}",
    ".card img{display:block;width:100%;height:auto;margin-top:8px;background:#fff}",
    ".fb{display:flex;align-items:center;flex-wrap:wrap;gap:6px;margin-top:8px;font-size:13px;color:#505a5f}",
    ".fb button{display:inline-flex;align-items:center;border:1px solid #b1b4b6;background:#fff;",
    "border-radius:6px;padding:4px 10px;font-size:13px;color:#0b4f8a}",
    ".fb button svg{width:16px;height:16px}",
    ".fb button:hover{background:#eef0f1}",
    ".fb button[aria-pressed=true]{background:#0b4f8a;border-color:#0b4f8a;color:#fff}",
    ".fb form{flex-basis:100%;display:flex;gap:6px}",
    ".fb input{flex:1;min-width:0;border:1px solid #6f777b;border-radius:6px;padding:5px 8px;font-size:14px}",
    ".fb form button{font-size:13px}",
    ".err{margin:0 0 12px;padding:8px 10px;border-left:4px solid #d4351c;background:#fff;color:#6b0f02}",
    ".status{min-height:0;margin:0;padding:0 14px;font-size:13px;color:#505a5f;background:#f4f5f6}",
    ".status:not(:empty){padding:4px 14px 8px}",
    ".ask{display:flex;gap:8px;padding:10px;border-top:1px solid #dcdfe1;background:#fff}",
    ".ask textarea{flex:1;min-width:0;resize:none;border:2px solid #6f777b;border-radius:8px;padding:8px 10px;",
    "font-size:16px;line-height:1.35;max-height:120px;background:#fff}",
    ".ask button{border:0;border-radius:8px;padding:0 16px;background:#00703c;color:#fff;font-weight:700;",
    "font-size:15px}",
    ".ask button:disabled{background:#8fb8a2;cursor:wait}",
    ".small{margin:0;padding:0 12px 8px;font-size:12px;color:#505a5f;background:#fff}",
    "@media (max-width:480px){.panel{inset:0;right:0;bottom:0;width:100vw;max-width:none;height:100%;",
    "max-height:none;border:0;border-radius:0}.launch{right:12px;bottom:12px}",
    ".panel:not([hidden])~.launch{display:none}}",
    "@media (forced-colors:active){.launch,.ask button,.cite{border:2px solid ButtonText}}"
  ].join("");

  var THUMB = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path%s fill="currentColor" ' +
    'd="M1 21h4V9H1v12zm22-11a2 2 0 0 0-2-2h-6.31l.95-4.57.03-.32a1.5 1.5 0 0 0-.44-1.06L14.17 1 7.59 7.59A2 ' +
    '2 0 0 0 7 9v10a2 2 0 0 0 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z"/></svg>';
  var ICON = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" ' +
    'd="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6v2h2V9H7zm4 ' +
    '0v2h2V9h-2zm4 0v2h2V9h-2z"/></svg>';

  /* Build an element: el("p", {class: "x", text: "server text"}, [children]). Text goes in as textContent. */
  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    (kids || []).forEach(function (c) { if (c) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }

  function href(url) {
    if (!url) return null;
    try {
      var u = new URL(url, BASE);
      return /^https?:$/.test(u.protocol) ? u.href : null;
    } catch (e) { return null; }
  }

  function when(iso) {
    if (!iso) return null;
    var d = new Date(iso + "T00:00:00Z");
    return isNaN(d) ? iso : d.toLocaleDateString("en-GB", DATE);
  }

  function where(item) {
    return [item.section, item.page ? "page " + item.page : null, item.published ? when(item.published) : null]
      .filter(Boolean).join(" · ");
  }

  function api(path, init) {
    init = init || {};
    init.headers = { "Accept": "application/json" };
    if (init.body) init.headers["Content-Type"] = "application/json";
    init.credentials = "omit";
    if (typeof AbortController === "function") {
      var ctl = new AbortController();
      init.signal = ctl.signal;
      setTimeout(function () { ctl.abort(); }, TIMEOUT_MS);
    }
    return fetch(new URL(path, BASE).href, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (r.ok) return body;
        var e = new Error(typeof body.detail === "string" ? body.detail : "The service answered " + r.status + ".");
        e.status = r.status;
        e.retry = parseInt(r.headers.get("Retry-After"), 10);
        throw e;
      });
    });
  }

  /* ---- the shell: host element, shadow root, launcher, panel ---- */
  var host = el("div", { id: "lscb-assistant", "data-lscb-widget": "" });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("style", { text: CSS }));
  var wrap = el("div", { class: "w" });
  root.appendChild(wrap);

  var launcher = el("button", { type: "button", class: "launch", "aria-expanded": "false",
    "aria-controls": "lscb-panel" });
  launcher.innerHTML = ICON;  // a constant of this file, no server text
  launcher.appendChild(el("span", { text: TITLE }));

  var input = el("textarea", { id: "lscb-q", rows: "2", maxlength: "1000", autocomplete: "off",
    spellcheck: "true", placeholder: "Ask about thresholds, procedures, figures…" });
  var send = el("button", { type: "submit" }, ["Ask"]);
  var log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Conversation", tabindex: "-1" });
  var status = el("p", { class: "status", role: "status" });
  var intro = el("p", { class: "intro", text: "Ask a question about safeguarding children. Answers quote the " +
    "board's own documents, with a numbered link to each source. Please don't include names or details " +
    "that could identify a child or family." });
  log.appendChild(intro);

  var panel = el("section", { id: "lscb-panel", class: "panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "lscb-title", hidden: true }, [
    el("div", { class: "head" }, [
      el("h2", { id: "lscb-title", text: TITLE }),
      el("button", { type: "button", class: "new", onclick: reset }, ["New conversation"]),
      el("button", { type: "button", class: "x", "aria-label": "Close", title: "Close (Esc)", onclick: close },
        ["\u00d7"])
    ]),
    log,
    status,
    el("form", { class: "ask", onsubmit: onAsk }, [
      el("label", { class: "vh", for: "lscb-q", text: "Your question" }), input, send
    ]),
    el("p", { class: "small", text: "If a child is in immediate danger, call 999." })
  ]);
  wrap.appendChild(panel);
  wrap.appendChild(launcher);

  var conversation = null;  // in memory only
  var busy = false;

  launcher.addEventListener("click", function () { panel.hidden ? open() : close(); });
  wrap.addEventListener("keydown", function (e) {
    if ((e.key === "Escape" || e.key === "Esc") && !panel.hidden) { e.preventDefault(); close(); }
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); onAsk(e); }
  });

  function open() {
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    input.focus();
  }

  function close() {
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  function reset() {
    conversation = null;
    while (log.lastChild !== intro) log.removeChild(log.lastChild);
    status.textContent = "New conversation started.";
    input.value = "";
    input.focus();
  }

  function onAsk(e) {
    e.preventDefault();
    var question = input.value.trim();
    if (!question || busy) return;
    busy = true;
    send.disabled = true;
    log.setAttribute("aria-busy", "true");
    var bubble = log.appendChild(el("p", { class: "q", text: question }));
    scroll();
    input.value = "";
    status.textContent = "Searching the documents…";
    var body = { question: question };
    if (conversation) body.conversation_id = conversation;
    api("api/ask", { method: "POST", body: JSON.stringify(body) }).then(function (answer) {
      conversation = answer.conversation_id || conversation;
      log.appendChild(renderAnswer(answer));
      status.textContent = "";
    }, function (err) {
      var text = err.status === 429
        ? "Too many questions just now. Please try again in " + (err.retry > 0 ? err.retry + " seconds." : "a minute.")
        : err.status ? err.message
        : err.name === "AbortError" ? "The assistant took too long to answer. Please try again."
        : "The assistant could not be reached. Check your connection and try again.";
      log.appendChild(el("p", { class: "err", text: text }));
      status.textContent = "";
      if (!input.value) input.value = question;
    }).then(function () {
      busy = false;
      send.disabled = false;
      log.removeAttribute("aria-busy");
      scroll(bubble);
      input.focus();
    });
  }

  /* To the end of the log, or to the question's start when its answer is taller than the log. */
  function scroll(from) {
    log.scrollTop = from ? Math.min(from.offsetTop - 8, log.scrollHeight) : log.scrollHeight;
  }

  /* ---- one answer ---- */
  function renderAnswer(a) {
    var card = el("article", { class: "a", "data-answer-id": a.answer_id || "",
      "data-state": a.urgent ? "urgent" : a.abstained ? "abstained" : "answered" });
    if (a.notices && a.notices.length) {
      card.appendChild(el("div", { class: "urgent", role: "alert" }, a.notices.map(function (line) {
        return el("p", { text: line });
      })));
    }
    if (a.resolved_question && a.resolved_question !== a.question) {
      card.appendChild(el("p", { class: "note", text: "Answering: " + a.resolved_question }));
    }
    var byN = {};
    (a.citations || []).forEach(function (c) { byN[c.n] = c; });
    card.appendChild(renderText(a.answer || "", byN));
    if (a.edition) card.appendChild(el("p", { class: "note", text: a.edition }));
    if (a.indicators && a.indicators.length) card.appendChild(renderIndicators(a.indicators));
    if (a.citations && a.citations.length) {
      card.appendChild(el("h3", { text: "Sources" }));
      card.appendChild(el("ol", { class: "src" }, a.citations.map(function (c) {
        var link = href(c.url);
        var label = el(link ? "a" : "span", { href: link, target: link && "_blank", rel: link && "noopener",
          text: c.title || c.document_id });
        return el("li", { "data-n": c.n }, [
          el("span", { class: "cite", "aria-hidden": "true", text: String(c.n) }),
          el("span", null, [label, el("span", { class: "meta", text: where(c) })])
        ]);
      })));
    }
    if (a.abstained && a.related && a.related.length) {
      card.appendChild(el("h3", { text: "Related, but not an answer" }));
      card.appendChild(el("ul", { class: "rel" }, a.related.map(function (r) {
        var link = href(r.url);
        return el("li", null, [
          el(link ? "a" : "span", { href: link, target: link && "_blank", rel: link && "noopener",
            text: r.title || r.document_id }),
          el("span", { class: "meta", text: where(r) }),
          r.snippet ? el("q", { text: r.snippet }) : null
        ]);
      })));
    }
    if (a.answer_id) card.appendChild(renderFeedback(a.answer_id));
    return card;
  }

  /* Plain text with [n] markers; lines starting "• " become a list. */
  function renderText(text, byN) {
    var box = el("div", { class: "text" });
    var list = null;
    text.split(/\n/).forEach(function (line) {
      if (!line.trim()) { list = null; return; }
      var bullet = /^\s*[•\u2022]\s+/.test(line);
      var holder;
      if (bullet) {
        if (!list) list = box.appendChild(el("ul"));
        holder = list.appendChild(el("li"));
        line = line.replace(/^\s*[•\u2022]\s+/, "");
      } else {
        list = null;
        holder = box.appendChild(el("p"));
      }
      line.split(/(\[\d+\])/).forEach(function (part) {
        var m = /^\[(\d+)\]$/.exec(part);
        var c = m && byN[m[1]];
        if (!c) { if (part) holder.appendChild(document.createTextNode(part)); return; }
        var link = href(c.url);
        var name = "Source " + c.n + ": " + [c.title, c.page ? "page " + c.page : null].filter(Boolean).join(", ");
        holder.appendChild(el(link ? "a" : "span", { class: "cite", href: link, target: link && "_blank",
          rel: link && "noopener", title: name + (link ? " (opens in a new tab)" : ""), "aria-label": name,
          "data-n": c.n, text: "[" + c.n + "]" }));
      });
    });
    return box;
  }

  function renderIndicators(rows) {
    var name = rows[0].indicator;
    var fmt = function (r) {
      var v = Number(r.value).toLocaleString("en-GB", { maximumFractionDigits: 2 });
      if (!r.unit || r.unit === "count") return v;
      return r.unit === "%" || r.unit === "percent" ? v + "%" : v + " " + r.unit;
    };
    var table = el("table", null, [
      el("caption", { text: name }),
      el("thead", null, [el("tr", null, ["Period", "Area", "Value"].map(function (h) {
        return el("th", { scope: "col", text: h });
      }))]),
      el("tbody", null, rows.slice(0, 12).map(function (r) {
        return el("tr", null, [
          el("td", { text: r.period || "—" }),
          el("td", { text: [r.area, r.breakdown].filter(Boolean).join(", ") || "—" }),
          el("td", { class: "n", text: fmt(r) })
        ]);
      }))
    ]);
    var img = el("img", { alt: "Chart: " + name + " by period", hidden: true });
    img.addEventListener("load", function () { img.hidden = false; });
    img.addEventListener("error", function () { img.remove(); });
    api("api/indicators?q=" + encodeURIComponent(name)).then(function (found) {
      var src = href(found.chart_svg || (found.series_id && "api/indicators/" +
        encodeURIComponent(found.series_id) + "/chart.svg"));
      if (src) img.src = src; else img.remove();
    }, function () { img.remove(); });
    return el("div", { class: "card", role: "group", "aria-label": "Figures: " + name }, [table, img]);
  }

  function renderFeedback(answerId) {
    var box = el("div", { class: "fb", role: "group", "aria-label": "Feedback on this answer" });
    var up = el("button", { type: "button", "aria-pressed": "false", "aria-label": "Helpful", title: "Helpful" });
    var down = el("button", { type: "button", "aria-pressed": "false", "aria-label": "Not helpful",
      title: "Not helpful" });
    up.innerHTML = THUMB.replace("%s", "");  // constants of this file, no server text
    down.innerHTML = THUMB.replace("%s", ' transform="rotate(180 12 12)"');
    var note = el("span", { text: "Was this helpful?" });
    function done(text) {
      box.textContent = "";
      box.appendChild(el("span", { role: "status", text: text }));
    }
    function post(helpful, comment) {
      var body = { answer_id: answerId, helpful: helpful };
      if (comment) body.comment = comment;
      return api("api/feedback", { method: "POST", body: JSON.stringify(body) }).then(function () {
        done("Thank you: your feedback was recorded.");
      }, function (err) {
        done(err.status ? "Feedback not recorded: " + err.message : "Feedback not recorded: the service could not be reached.");
      });
    }
    up.addEventListener("click", function () { up.setAttribute("aria-pressed", "true"); post(true); });
    down.addEventListener("click", function () {
      down.setAttribute("aria-pressed", "true");
      up.disabled = down.disabled = true;
      var comment = el("input", { type: "text", maxlength: "500", autocomplete: "off",
        "aria-label": "What was wrong? (optional; no names)", placeholder: "What was wrong? (optional, no names)" });
      var form = el("form", { onsubmit: function (e) { e.preventDefault(); post(false, comment.value.trim()); } },
        [comment, el("button", { type: "submit" }, ["Send"])]);
      box.appendChild(form);
      comment.focus();
    });
    box.appendChild(note);
    box.appendChild(up);
    box.appendChild(down);
    return box;
  }

  function mount() { (document.body || document.documentElement).appendChild(host); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
