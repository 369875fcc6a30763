/*
 * soev-search embed widget. One tag on any page:
 *   <script src="https://HOST/embed.js" data-municipality="Silkeborg"></script>
 * renders a search box and results right after the tag, inside a Shadow DOM so the page's CSS
 * and the widget's CSS cannot touch each other. The API base is derived from this script's own
 * src. Options (data-*): municipality, doctype (comma-separated; a fixed scope), year-from
 * and year-to (a fixed span of years; either may be left out), limit
 * (results per page, 1-50, default 5), target (_blank, _self, _parent, _top; where result links
 * open), facets ("true": offer filters for the facets that are not fixed).
 * All DOM is built with createElement/textContent; the API's snippet HTML is never parsed,
 * only split on <mark> tags, so even a compromised API cannot inject markup.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  if (!script || !script.src) return;

  const ROOT = new URL(".", script.src).href; // e.g. https://host/ (the app may live below a path)
  const FACETS = ["municipality", "year", "doctype", "language"];
  const FACET_LABELS = { municipality: "Kommune", year: "År", doctype: "Type", language: "Sprog" };
  const DOCTYPE_LABELS = {
    artikel: "Artikel", notat: "Notat", strategi: "Strategi", politik: "Politik",
    handleplan: "Handleplan", referat: "Referat", kvalitetsstandard: "Kvalitetsstandard",
    andet: "Andet",
  };
  const LANGUAGE_LABELS = { da: "Dansk", en: "Engelsk", sv: "Svensk", no: "Norsk", de: "Tysk" };
  const TARGETS = ["_blank", "_self", "_parent", "_top"];
  const MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
    "september", "oktober", "november", "december"];
  const FACET_VALUES_SHOWN = 8;
  let instances = 0;

  const CSS = `
    :host { all: initial; display: block; contain: content;
      font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
      font-size: 16px; line-height: 1.5; color: #1d2733; }
    * { box-sizing: border-box; }
    .box { border: 1px solid #d9e0e6; border-radius: 8px; padding: 14px; background: #fff; }
    label { display: block; font-weight: 650; margin: 0 0 6px; }
    .row { display: flex; gap: 8px; }
    input { flex: 1; min-width: 0; font: inherit; color: inherit; background: #fff;
      border: 2px solid #6f7e8c; border-radius: 6px; padding: 8px 10px; }
    input:focus { border-color: #0b5c6b; }
    button { font: inherit; font-weight: 650; cursor: pointer; border-radius: 6px;
      border: 2px solid #0b5c6b; background: #0b5c6b; color: #fff; padding: 8px 16px; }
    button:hover { background: #074652; border-color: #074652; }
    :focus-visible { outline: 3px solid #c25e00; outline-offset: 2px; }
    .status { margin: 12px 0 4px; font-weight: 650; }
    .status.error { color: #9b1c1c; }
    .notice { margin: 8px 0 0; padding: 6px 10px; border-left: 4px solid #b35c00;
      background: #fff6ea; font-size: 15px; }
    .suggestion { margin: 8px 0 0; font-size: 15px; }
    .suggestion button { padding: 0; border: 0; background: none; color: #0b5c6b;
      text-decoration: underline; font-weight: 650; }
    .suggestion button:hover { background: none; color: #074652; }
    .facets { display: flex; flex-wrap: wrap; gap: 6px 16px; margin-top: 10px; }
    .facet { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px;
      align-items: center; }
    .facet legend { float: left; margin-right: 6px; font-size: 13px; color: #4f5d6b;
      text-transform: uppercase; letter-spacing: 0.05em; }
    .chip { font-weight: 400; font-size: 14px; padding: 2px 10px; border-radius: 999px;
      border: 1px solid #b6d4d9; background: #e3f0f2; color: #074652; }
    .chip:hover { background: #cfe5e9; border-color: #0b5c6b; color: #074652; }
    .chip[aria-pressed="true"] { background: #0b5c6b; border-color: #0b5c6b; color: #fff; }
    .count { opacity: 0.8; margin-left: 4px; }
    ol { list-style: none; margin: 0; padding: 0; }
    li { padding: 10px 0; border-bottom: 1px solid #e6ebef; }
    li:last-child { border-bottom: 0; }
    a { color: #0b5c6b; }
    .title { font-weight: 650; font-size: 17px; text-decoration: none; }
    .title:hover { text-decoration: underline; }
    .meta { margin: 2px 0; font-size: 14px; color: #4f5d6b; }
    .snippet { margin: 2px 0 0; font-size: 15px; overflow-wrap: anywhere; }
    .snippet .section { font-weight: 600; color: #4f5d6b; }
    mark { background: #ffe58a; color: inherit; padding: 0 1px; border-radius: 2px; }
    .pager { display: flex; gap: 8px; margin-top: 8px; }
    .pager button { background: #fff; color: #0b5c6b; }
    .pager button:hover { background: #e3f0f2; }
    .pager button[hidden] { display: none; }
    .more { margin: 10px 0 0; font-size: 13px; color: #4f5d6b; }
  `;

  function list(value) {
    return (value || "").split(",").map((s) => s.trim()).filter(Boolean);
  }

  function year(value) {
    return /^\d{4}$/.test((value || "").trim()) ? value.trim() : "";
  }

  function readOptions(data) {
    const limit = parseInt(data.limit, 10);
    return {
      locked: { municipality: list(data.municipality), doctype: list(data.doctype) },
      span: { year_from: year(data.yearFrom), year_to: year(data.yearTo) },
      limit: limit >= 1 && limit <= 50 ? limit : 5,
      target: TARGETS.includes(data.target) ? data.target : "_blank",
      facets: /^(true|1|yes)$/i.test(data.facets || ""),
    };
  }

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "text") node.textContent = value;
      else node.setAttribute(key, value);
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

  function decodeEntities(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
      if (name[0] === "#") {
        const code = name[1] === "x" || name[1] === "X"
          ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
  }

  // The snippet is escaped text with <mark>...</mark>: rebuild it as text nodes and <mark>
  // elements. Anything else that looks like a tag stays visible text, never markup.
  function snippetNodes(html) {
    const nodes = [];
    let marked = false;
    for (const part of String(html).split(/(<\/?mark>)/i)) {
      if (/^<mark>$/i.test(part)) { marked = true; continue; }
      if (/^<\/mark>$/i.test(part)) { marked = false; continue; }
      if (!part) continue;
      const text = decodeEntities(part);
      nodes.push(marked ? el("mark", { text }) : document.createTextNode(text));
    }
    return nodes;
  }

  function danishDate(date, year) {
    const value = date || (year ? String(year) : "");
    const parts = value.split("-");
    if (parts.length >= 2 && MONTHS[parseInt(parts[1], 10) - 1]) {
      const month = MONTHS[parseInt(parts[1], 10) - 1];
      return parts.length === 3 ? `${parseInt(parts[2], 10)}. ${month} ${parts[0]}` : `${month} ${parts[0]}`;
    }
    return value;
  }

  function valueLabel(facet, value) {
    if (facet === "doctype") return DOCTYPE_LABELS[value] || value;
    if (facet === "language") return LANGUAGE_LABELS[value] || value;
    return String(value);
  }

  function countText(total) {
    if (total === 0) return "Ingen dokumenter fundet";
    if (total === 1) return "1 dokument";
    return `${total.toLocaleString("da-DK")} dokumenter`;
  }

  // As the search page says it: relaxed matches count with the full ones.
  function relaxedText(data) {
    if (!data.relaxed) return "";
    return ` (${(Number(data.exact_total) || 0).toLocaleString("da-DK")} med alle ordene)`;
  }

  function Widget(host, options) {
    const id = `soev-embed-${++instances}`;
    const shadow = host.attachShadow({ mode: "open" });
    applyStyles(shadow);
    const state = { query: "", page: 1, chosen: {}, refocus: null };

    const input = el("input", { id: `${id}-q`, type: "search", name: "q", maxlength: "500",
      autocomplete: "off" });
    const form = el("form", { role: "search" }, [
      el("label", { for: input.id, text: searchLabel(options) }),
      el("div", { class: "row" }, [input, el("button", { type: "submit", text: "Søg" })]),
    ]);
    const status = el("p", { class: "status", role: "status", "aria-live": "polite" });
    const notice = el("p", { class: "notice", hidden: "" });
    const suggestion = el("p", { class: "suggestion", hidden: "" });
    const facets = el("div", { class: "facets" });
    const results = el("ol", { class: "results" });
    const prev = el("button", { type: "button", text: "‹ Forrige", hidden: "" });
    const next = el("button", { type: "button", text: "Næste ›", hidden: "" });
    const more = el("p", { class: "more" });
    shadow.append(el("div", { class: "box", part: "box" },
      [form, facets, status, suggestion, notice, results, el("div", { class: "pager" }, [prev, next]), more]));

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      state.query = input.value.trim();
      state.page = 1;
      run();
    });
    prev.addEventListener("click", () => { state.page -= 1; run(); });
    next.addEventListener("click", () => { state.page += 1; run(); });

    function params() {
      const p = new URLSearchParams();
      if (state.query) p.set("q", state.query);
      for (const facet of FACETS) {
        const values = (options.locked[facet] || []).concat(state.chosen[facet] || []);
        for (const value of values) p.append(facet, value);
      }
      for (const [param, value] of Object.entries(options.span)) if (value) p.set(param, value);
      p.set("per_page", String(options.limit));
      p.set("page", String(state.page));
      return p;
    }

    let latest = 0;

    async function run() {
      const query = params();
      // Only the latest request renders: an older answer arriving late would replace the
      // filter buttons and lose the keyboard focus kept for the newest one.
      const ticket = ++latest;
      status.classList.remove("error");
      status.textContent = "Søger …";
      notice.hidden = true;
      suggestion.hidden = true;
      try {
        const response = await fetch(`${ROOT}api/search?${query}`, {
          mode: "cors", headers: { Accept: "application/json" },
        });
        const data = await response.json();
        if (ticket !== latest) return;
        if (!response.ok) throw new Error(data && data.error ? String(data.error) : response.statusText);
        render(data, query);
      } catch (error) {
        if (ticket !== latest) return;
        status.classList.add("error");
        status.textContent = `Søgningen kunne ikke gennemføres: ${error.message || error}`;
        results.replaceChildren();
      }
    }

    function render(data, query) {
      const total = Number(data.total) || 0;
      status.textContent = countText(total) + relaxedText(data)
        + (state.query ? ` for »${state.query}«` : "");
      notice.textContent = data.notice ? String(data.notice) : "";
      notice.hidden = !data.notice;
      renderSuggestion(data.suggestion ? String(data.suggestion) : "");
      results.replaceChildren(...(data.hits || []).map(hitItem));
      prev.hidden = state.page <= 1;
      next.hidden = state.page * options.limit >= total;
      const pageUrl = new URL(ROOT);
      pageUrl.search = query.toString();
      pageUrl.searchParams.delete("per_page");
      pageUrl.searchParams.delete("page");
      more.replaceChildren(el("a", { href: pageUrl.href, target: options.target,
        rel: "noopener", text: `Se alle resultater på ${pageUrl.host}` }));
      if (options.facets) renderFacets(data.facets || {});
    }

    function renderSuggestion(word) {
      suggestion.hidden = !word;
      if (!word) {
        suggestion.replaceChildren();
        return;
      }
      const button = el("button", { type: "button", text: word });
      button.addEventListener("click", () => {
        input.value = word;
        state.query = word;
        state.page = 1;
        run();
      });
      suggestion.replaceChildren(document.createTextNode("Mente du "), button,
        document.createTextNode("?"));
    }

    function hitItem(hit) {
      const url = new URL(`documents/${encodeURIComponent(String(hit.id))}`, ROOT);
      if (state.query) url.searchParams.set("q", state.query);
      const meta = [hit.municipality, danishDate(hit.date, hit.year), valueLabel("doctype", hit.doctype)]
        .filter(Boolean).join(" · ");
      const item = el("li", {}, [
        el("a", { class: "title", href: url.href, target: options.target, rel: "noopener",
          text: String(hit.title || "Uden titel") }),
        el("p", { class: "meta", text: meta }),
      ]);
      if (hit.snippet) {
        // The section (the question the passage answers) is plain text: a text node.
        const section = hit.snippet_label
          ? [el("span", { class: "section", text: String(hit.snippet_label) }), " "] : [];
        item.append(el("p", { class: "snippet" }, [...section, ...snippetNodes(hit.snippet)]));
      }
      return item;
    }

    function renderFacets(all) {
      const groups = [];
      for (const facet of FACETS) {
        if ((options.locked[facet] || []).length || !(all[facet] || []).length) continue;
        if (facet === "year" && (options.span.year_from || options.span.year_to)) continue;
        const chosen = state.chosen[facet] || [];
        const buttons = all[facet].slice(0, FACET_VALUES_SHOWN).map((item) => {
          const value = String(item.value);
          const pressed = chosen.includes(value);
          const button = el("button", { type: "button", class: "chip",
            "aria-pressed": String(pressed) }, [
            document.createTextNode(valueLabel(facet, value)),
            el("span", { class: "count", text: `(${Number(item.count) || 0})` }),
          ]);
          button.addEventListener("click", () => toggle(facet, value));
          if (state.refocus === `${facet}\n${value}`) queueMicrotask(() => button.focus());
          return button;
        });
        groups.push(el("fieldset", { class: "facet" },
          [el("legend", { text: FACET_LABELS[facet] }), ...buttons]));
      }
      facets.replaceChildren(...groups);
      state.refocus = null;
    }

    function toggle(facet, value) {
      const chosen = state.chosen[facet] || [];
      state.chosen[facet] = chosen.includes(value)
        ? chosen.filter((v) => v !== value) : chosen.concat([value]);
      state.page = 1;
      state.refocus = `${facet}\n${value}`; // the re-rendered button gets the focus back
      run();
    }

    run();
  }

  function searchLabel(options) {
    const scope = options.locked.municipality.join(", ");
    return scope ? `Søg i dokumenter om socialøkonomi (${scope})` : "Søg i dokumenter om socialøkonomi";
  }

  function applyStyles(shadow) {
    if ("adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      shadow.adoptedStyleSheets = [sheet];
    } else {
      shadow.append(el("style", { text: CSS }));
    }
  }

  const host = document.createElement("div");
  host.className = "soev-search-embed";
  script.after(host);
  Widget(host, readOptions(script.dataset));
})();
