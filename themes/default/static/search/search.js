/* cablesite search: loads the index parts it needs with script tags (so it works from
 * file://), scores with lunr.js 2.3.9, and renders results, filters and pages.
 * The index format is described in generator/search/parts.py and postings.py. */
(function () {
  "use strict";
  var lunr = window.lunr, P = window.cablesitePipeline;
  var form = document.getElementById("search-form");
  if (!form || !lunr || !P) return;
  var BASE = form.getAttribute("data-index");       // relative URL of search/index/
  var SITE = form.getAttribute("data-root");        // relative URL of the site root
  var PAGE = 10, PHRASE_ALL = 100, MAX_PREFIX_SHARDS = 16;
  var RUN = 6;   // numbers per block in meta.runs: start, space, year, origin, class, run start
  var ALPHA = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";
  var DIGIT = {}; for (var a = 0; a < 64; a++) DIGIT[ALPHA.charAt(a)] = a;
  var FIELD_ALIAS = {tag: "tags", tags: "tags", person: "people", people: "people", origin: "origin",
                     from: "origin", subject: "subject", title: "subject", id: "id", body: "body",
                     text: "body"};
  var FILTER_ALIAS = {year: "year", class: "class", classification: "class"};
  var FACETS = [["year", "Year"], ["origin", "Origin"], ["tag", "Tag"], ["class", "Classification"]];

  var input = document.getElementById("search-q");
  var statusEl = document.getElementById("search-status");
  var resultsEl = document.getElementById("search-results");
  var facetsEl = document.getElementById("search-facets");
  var pagerEl = document.getElementById("search-pager");

  /* ---- loading parts ------------------------------------------------------------ */
  var store = {meta: null, dirs: {}, shards: {}, tiers: {}, tags: {}, docs: {}};
  var pending = {};
  window.cablesearch = {
    meta: function (m) {
      // per block of numbers: five varints (start delta, space, year, origin, class), then a
      // digit per six numbers, a bit set for each that is a document.  Kept as RUN numbers
      // a block: start, space, year, origin, class, and the first number of its run of
      // blocks of that year, origin and class (cards are named from it).
      var runs = [], occ = [], i = 0, enc = m.runs, at = 0;
      while (i < enc.length) {
        for (var k = 0; k < 5; k++) {
          var v = 0, d;
          do { d = DIGIT[enc.charAt(i++)]; v = v * 32 + (d & 31); } while (d >= 32);
          if (k === 0) { at += v; v = at; }
          runs.push(v);
        }
        var j = runs.length - 5, p = j - RUN, same = p >= 0 && runs[p + 2] === runs[j + 2] &&
          runs[p + 3] === runs[j + 3] && runs[p + 4] === runs[j + 4];
        runs.push(same ? runs[p + 5] : runs[j]);
        var w = Math.ceil(runs[j + 1] / 6);
        occ.push(enc.substr(i, w)); i += w;
      }
      m.runs = runs; m.occupied = occ;
      m.tagNames = Object.create(null);      // code -> name, for labels
      m.tags.forEach(function (t) { m.tagNames[t[0]] = t[1]; });
      store.meta = m;
    },
    shard: function (k, rows) {
      var map = Object.create(null);
      for (var i = 0; i < rows.length; i++) map[rows[i][0]] = {i: i, docs: rows[i][1], tiers: rows[i][2], enc: [rows[i][3]]};
      store.shards[k] = {rows: rows, map: map};
    },
    dir: function (j, firsts, names) { store.dirs[j] = {firsts: firsts, names: names}; },
    tier: function (name, enc) { store.tiers[name] = enc; },
    tags: function (p, rows) { store.tags[p] = rows.split(" "); },
    doc: function (name, card) { store.docs[name] = card; }
  };
  function load(path) {
    if (pending[path]) return pending[path];
    pending[path] = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = BASE + path;
      s.onload = function () { resolve(); };
      s.onerror = function () { delete pending[path]; reject(new Error("could not load " + BASE + path)); };
      document.head.appendChild(s);
    });
    return pending[path];
  }
  function loadAll(paths) { return Promise.all(paths.map(load)); }

  /* ---- the index: terms, tiers, postings ----------------------------------------- */
  var analyze = null;
  /* Where a term lives: meta.js has the first term of every directory part, a part
   * ``dir/<j>.js`` the first term of each of its shards. -> promise of shard numbers
   * (for a prefix, every shard that may hold a word starting with it). */
  function before(list, term) {   // index of the last entry <= term (0 if none)
    var lo = 0, hi = list.length - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (list[mid] <= term) lo = mid; else hi = mid - 1; }
    return lo;
  }
  var located = {}, truncated = {};
  function locate(term, prefix) {
    var key = (prefix ? "*" : "=") + term;
    if (located[key]) return located[key];
    var m = store.meta, out = [];
    if (!m.dirs.length) return Promise.resolve([]);
    function from(j, k) {
      return load("dir/" + j + ".js").then(function () {
        var firsts = store.dirs[j].firsts, names = store.dirs[j].names;
        if (k < 0) k = before(firsts, term);
        out.push(names[k]);
        while (prefix && out.length < MAX_PREFIX_SHARDS && k + 1 < firsts.length && firsts[k + 1].lastIndexOf(term, 0) === 0) out.push(names[++k]);
        if (prefix && out.length < MAX_PREFIX_SHARDS && k + 1 === firsts.length && j + 1 < m.dirs.length &&
            m.dirs[j + 1].lastIndexOf(term, 0) === 0) return from(j + 1, 0);
        if (prefix && out.length >= MAX_PREFIX_SHARDS) truncated[term] = true;
        return out;
      });
    }
    located[key] = from(before(m.dirs, term), -1);
    return located[key];
  }
  function entries(term, prefix, shards) {   // [{term, k, e}] in loaded shards
    var out = [];
    shards.forEach(function (k) {
      var sh = store.shards[k]; if (!sh) return;
      if (!prefix) { if (sh.map[term]) out.push({term: term, k: k, e: sh.map[term]}); return; }
      sh.rows.forEach(function (r) { if (r[0].lastIndexOf(term, 0) === 0) out.push({term: r[0], k: k, e: sh.map[r[0]]}); });
    });
    return out;
  }
  function tierPaths(x) {
    var p = []; for (var n = 1; n < x.e.tiers; n++) if (!x.e.enc[n]) p.push("t/" + x.k + "/" + x.e.i + "-" + n + ".js");
    return p;
  }
  function collectTiers(x) {
    for (var n = 1; n < x.e.tiers; n++) {
      var name = x.k + "/" + x.e.i + "-" + n;
      if (store.tiers[name] !== undefined) x.e.enc[n] = store.tiers[name];
    }
  }
  function decode(enc, fn) {   // fn(doc, field, weight) for each posting of a tier
    var doc = 0, i = 0, n = enc.length;
    while (i < n) {
      var v = 0, d;
      do { d = DIGIT[enc.charAt(i++)]; v = v * 32 + (d & 31); } while (d >= 32);
      doc += v;
      var pair = DIGIT[enc.charAt(i)] * 64 + DIGIT[enc.charAt(i + 1)]; i += 2;
      var q = (pair & 511) / 511;
      fn(doc, pair >> 9, q * q);
    }
  }

  /* ---- reading a query ------------------------------------------------------------ */
  var ID_WHOLE = /^\s*(\d{2}|\d{4})?\s*([A-Za-z][A-Za-z\- ]*?)\s*0*(\d{1,7})\s*$/;
  var ID_WORD = /^(\d{2}|\d{4})([A-Za-z][A-Za-z\-]*?)0*(\d{1,7})$/;
  function idTerm(year, post, seq) {
    return (year || "") + post.toLowerCase().replace(/[^a-z]/g, "") + String(parseInt(seq, 10));
  }
  function plainWords(text) {   // exact words, for phrases: folded, lower case, trimmed
    return text.toLowerCase().split(P.SEPARATOR).map(function (w) { return P.trim(P.fold(w)); })
      .filter(function (w) { return w; });
  }
  function parse(q) {
    var items = [], filters = {year: [], class: [], origin: [], tag: []}, ids = [];
    var m, re = /([+-]?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))/g;
    var whole = ID_WHOLE.exec(q);
    if (whole && /\d/.test(q) && !/:/.test(q)) ids.push(idTerm(whole[1], whole[2], whole[3]));
    var or = false, groups = 0;
    while ((m = re.exec(q)) !== null) {
      if (!m[0]) { re.lastIndex++; continue; }
      if (m[0] === "OR" && items.length) { or = true; continue; }   // a OR b: either will do
      var field = m[2] ? m[2].toLowerCase() : null, phrase = m[3] !== undefined, text = phrase ? m[3] : m[4];
      if (field && !FIELD_ALIAS[field] && !FILTER_ALIAS[field]) { text = m[2] + ":" + text; field = null; }
      if (field && FILTER_ALIAS[field]) { if (text) filters[FILTER_ALIAS[field]].push(text); continue; }
      var item = {presence: m[1], field: field ? FIELD_ALIAS[field] : null, phrase: phrase && /\s/.test(text.trim()),
                  text: text, terms: [], prefix: false};
      if (!item.field && !phrase) { var iw = ID_WORD.exec(text); if (iw) ids.push(idTerm(iw[1], iw[2], iw[3])); }
      if (item.field === "id") {
        var iw2 = ID_WORD.exec(text.replace(/\s+/g, ""));
        item.terms = [iw2 ? idTerm(iw2[1], iw2[2], iw2[3]) : text.toLowerCase()];
      } else if (!phrase && /\*$/.test(text) && text.length > 2) {
        var pre = P.trim(P.fold(text.slice(0, -1).toLowerCase()));
        if (pre.length >= 2) { item.terms = [pre]; item.prefix = true; }
      } else {
        text.toLowerCase().split(P.SEPARATOR).forEach(function (w) {
          var t = w && analyze(w); if (t && item.terms.indexOf(t) < 0) item.terms.push(t);
        });
      }
      if (item.phrase) item.words = plainWords(text);
      if (!item.terms.length) { or = false; continue; }
      if (or && !item.presence && !items[items.length - 1].presence) {
        var prev = items[items.length - 1];
        if (prev.group === undefined) prev.group = groups++;
        item.group = prev.group;
      }
      or = false;
      items.push(item);
    }
    return {items: items, filters: filters, ids: ids};
  }

  /* ---- searching ------------------------------------------------------------------ */
  function locateAll(parsed) {   // it.where[term] and parsed.idWhere[id] = shard numbers
    var jobs = [];
    parsed.items.forEach(function (it) {
      it.where = {};
      it.terms.forEach(function (t) { jobs.push(locate(t, it.prefix).then(function (ks) { it.where[t] = ks; return ks; })); });
    });
    parsed.idWhere = {};
    parsed.ids.forEach(function (t) { jobs.push(locate(t, false).then(function (ks) { parsed.idWhere[t] = ks; return ks; })); });
    return Promise.all(jobs).then(function (lists) {
      var paths = {};
      lists.forEach(function (ks) { ks.forEach(function (k) { paths["t/" + k + ".js"] = 1; }); });
      return Object.keys(paths);
    });
  }
  function expand(parsed) {      // item.found = [{term, k, e}]
    parsed.items.forEach(function (it) {
      it.found = [];
      it.terms.forEach(function (t) { it.found = it.found.concat(entries(t, it.prefix, it.where[t])); });
    });
  }
  function moreTiers(parsed, all) {   // tier files still to load: all of them, or the cheap ones
    var paths = [];
    parsed.items.forEach(function (it) {
      // a word left out must be left out of every cable, so all its tiers are needed
      it.found.forEach(function (x) {
        if (all || it.presence === "-" || x.e.docs <= store.meta.autoTierDocs) paths = paths.concat(tierPaths(x));
      });
    });
    return paths;
  }
  function partialTerms(parsed) {
    var out = [];
    parsed.items.forEach(function (it) {
      it.found.forEach(function (x) { collectTiers(x); for (var n = 0; n < x.e.tiers; n++) if (!x.e.enc[n]) { out.push(x); break; } });
    });
    return out;
  }

  /* A lunr index holding just the loaded postings of the query's terms.  A posting's
   * weight is already divided by the length of its field vector (see postings.py); here
   * it is multiplied by its field's boost and by lunr's inverse document frequency of
   * the term, each vector's magnitude is set to 1, and lunr's cosine similarity adds
   * them up. */
  function idf(docs) {
    var n = store.meta.documents;
    return Math.log(1 + Math.abs((n - docs + 0.5) / (docs + 0.5)));
  }
  function lunrIndex(parsed) {
    var meta = store.meta, fields = meta.fields, terms = {}, vectors = {};
    parsed.items.forEach(function (it) { it.found.forEach(function (x) { terms[x.term] = x.e; }); });
    var names = Object.keys(terms).sort(), inverted = [];
    names.forEach(function (term, ti) {
      var posting = {_index: ti}, weight = idf(terms[term].docs);
      fields.forEach(function (f) { posting[f] = {}; });
      terms[term].enc.forEach(function (enc) {
        if (!enc) return;
        decode(enc, function (doc, f, w) {
          var field = fields[f];
          posting[field][doc] = {};
          var ref = field + "/" + doc;
          (vectors[ref] || (vectors[ref] = [])).push(ti, w * meta.boost[f] * weight);
        });
      });
      inverted.push([term, posting]);
    });
    var fv = Object.keys(vectors).map(function (ref) { return [ref, vectors[ref]]; });
    var idx = lunr.Index.load({version: lunr.version, fields: fields, fieldVectors: fv,
                               invertedIndex: inverted, pipeline: meta.pipeline});
    Object.keys(idx.fieldVectors).forEach(function (ref) { idx.fieldVectors[ref]._magnitude = 1; });
    return idx;
  }
  /* lunr has no "either": a query with OR groups runs once per choice of one item from
   * each group (at most 32 runs), and a cable found by several runs keeps its best score. */
  function choices(parsed) {
    var groups = [], out = [[]];
    parsed.items.forEach(function (it) { if (it.group !== undefined) (groups[it.group] || (groups[it.group] = [])).push(it); });
    groups.forEach(function (g) {
      var next = [];
      out.forEach(function (c) { g.forEach(function (it) { if (next.length < 32) next.push(c.concat([it])); }); });
      out = next;
    });
    var fixed = parsed.items.filter(function (it) { return it.group === undefined; });
    return out.map(function (c) { return fixed.concat(c); });
  }
  function runLunr(parsed) {
    var idx = lunrIndex(parsed), best = {};
    choices(parsed).forEach(function (items) {
      idx.query(function (q) {
        items.forEach(function (it) {
          var presence = it.presence === "-" ? lunr.Query.presence.PROHIBITED : lunr.Query.presence.REQUIRED;
          it.terms.forEach(function (t) {
            var opts = {presence: presence, usePipeline: false,
                        wildcard: it.prefix ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE};
            if (it.field) opts.fields = [it.field];   // lunr takes a present but undefined key as "no fields"
            q.term(t, opts);
          });
        });
      }).forEach(function (r) { if (!best[r.ref] || best[r.ref].score < r.score) best[r.ref] = r; });
    });
    return Object.keys(best).map(function (k) { return best[k]; })
      .sort(function (a, b) { return b.score - a.score || a.ref - b.ref; });
  }

  /* ---- facets: year, origin and classification from runs of document numbers ------- */
  function runOf(doc) {   // -> where the run of this document starts in meta.runs
    var r = store.meta.runs, lo = 0, hi = r.length / RUN - 1;
    while (lo < hi) { var mid = (lo + hi + 1) >> 1; if (r[mid * RUN] <= doc) lo = mid; else hi = mid - 1; }
    return lo * RUN;
  }
  function facetValues(doc) {
    var m = store.meta, r = m.runs, k = runOf(doc);
    var v = {year: [m.years[r[k + 2]]], origin: [m.origins[r[k + 3]]], class: [m.classes[r[k + 4]]], tag: null};
    var part = store.tags[Math.floor(doc / m.tagPart)];
    if (part) {
      var row = part[doc % m.tagPart];
      v.tag = row ? row.split(".").map(function (x) { return m.tags[parseInt(x, 16)][0]; }) : [];
    }
    return v;
  }
  function matchesValue(wanted, have) {   // wanted: [{v, prefix}]; any of them
    return have.some(function (h) {
      var H = h.toUpperCase();
      return wanted.some(function (w) { return w.prefix ? H.indexOf(w.v) === 0 : H === w.v; });
    });
  }


  /* ---- state in the URL -------------------------------------------------------------- */
  function readState() {
    var sp = new URLSearchParams(location.search || (location.hash.charAt(1) === "?" ? location.hash.slice(2) : ""));
    var st = {q: sp.get("q") || "", page: Math.max(1, parseInt(sp.get("page") || "1", 10) || 1), all: sp.get("all") === "1", f: {}};
    FACETS.forEach(function (f) { st.f[f[0]] = sp.getAll(f[0]); });
    return st;
  }
  function query(st) {
    var sp = new URLSearchParams();
    if (st.q) sp.set("q", st.q);
    FACETS.forEach(function (f) { st.f[f[0]].forEach(function (v) { sp.append(f[0], v); }); });
    if (st.all) sp.set("all", "1");
    if (st.page > 1) sp.set("page", String(st.page));
    return "?" + sp.toString();
  }
  function go(st, replace) {
    var url = location.pathname + query(st);
    try { history[replace ? "replaceState" : "pushState"](null, "", url); }
    catch (e) { location.hash = query(st); }   // history refuses some file:// URLs: keep it in the hash
    run(st);
  }

  /* ---- rendering ---------------------------------------------------------------------- */
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c]; }); }
  function el(tag, attrs, html) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (html !== undefined) e.innerHTML = html;
    return e;
  }
  function snippet(text, parsed) {
    var terms = {}, prefixes = [];
    parsed.items.forEach(function (it) { if (it.presence !== "-") it.terms.forEach(function (t) { if (it.prefix) prefixes.push(t); else terms[t] = 1; }); });
    var words = [], re = /[^\s\-\u2010-\u2015\/]+/g, m, src = text.slice(0, 60000);
    while ((m = re.exec(src)) !== null) {
      var t = analyze(m[0].toLowerCase()), low = P.trim(P.fold(m[0].toLowerCase()));
      var hit = !!t && (terms[t] === 1 || prefixes.some(function (p) { return low.lastIndexOf(p, 0) === 0; }));
      words.push({s: m.index, e: m.index + m[0].length, hit: hit});
    }
    if (!words.length) return "";
    var W = 32, best = 0, bestAt = 0, cur = 0;
    for (var i = 0; i < words.length; i++) {
      if (words[i].hit) cur++;
      if (i >= W && words[i - W].hit) cur--;
      if (cur > best) { best = cur; bestAt = Math.max(0, i - W + 1); }
    }
    var from = Math.max(0, bestAt - 3), to = Math.min(words.length, bestAt + W), out = from > 0 ? "… " : "";
    for (var j = from; j < to; j++) {
      var w = src.slice(words[j].s, words[j].e);
      if (j > from) out += esc(src.slice(words[j - 1].e, words[j].s).replace(/\s+/g, " "));
      if (words[j].hit) {
        var core = /^(\W*)(.*?)(\W*)$/.exec(w);
        out += esc(core[1]) + "<mark>" + esc(core[2]) + "</mark>" + esc(core[3]);
      } else out += esc(w);
    }
    return out + (to < words.length ? " …" : "");
  }
  function phraseIn(card, words) {
    var have = plainWords(card.s + "\n" + card.x);
    outer: for (var i = 0; i + words.length <= have.length; i++) {
      for (var j = 0; j < words.length; j++) if (have[i + j] !== words[j]) continue outer;
      return true;
    }
    return false;
  }
  /* Phrases are checked in the text of the cables that have all their words, best first:
   * every candidate when there are few, else a batch at a time until ``need`` of the
   * candidates that ``counts(i)`` pass.  ok[i] is true, false, or undefined (unchecked). */
  function verify(ranked, phrases, idHits, counts, need) {
    var ok = new Array(ranked.length), i = 0, found = 0;
    if (!phrases.length) { ok.fill(true); return Promise.resolve({ok: ok, checked: ranked.length, complete: true}); }
    var all = ranked.length <= PHRASE_ALL, batch = all ? ranked.length : 20;
    function step() {
      if ((!all && found >= need) || i >= ranked.length) return {ok: ok, checked: i, complete: i >= ranked.length};
      var from = i, some = ranked.slice(i, i + batch);
      return loadAll(some.map(function (r) { return docPath(r.doc); })).then(function () {
        some.forEach(function (r, j) {
          var good = !!idHits[r.doc] || phrases.every(function (it) { return phraseIn(store.docs[docName(r.doc)], it.words); });
          ok[from + j] = good;
          if (good && counts(from + j)) found++;
        });
        i += some.length;
        return step();
      });
    }
    return Promise.resolve().then(step);
  }
  function docName(n) {   // by its number's place after its year, origin and classification's first
    var r = store.meta.runs, k = runOf(n);
    return r[k + 2] + "/" + r[k + 3] + "-" + r[k + 4] + "/" + (n - r[k + 5]);
  }
  function docPath(n) { return "d/" + docName(n) + ".js"; }

  function renderFacets(counts, st, tagsReady, tagsCost) {
    facetsEl.innerHTML = "";
    FACETS.forEach(function (f) {
      var name = f[0], fs = el("fieldset", {"class": "facet"}), chosen = st.f[name];
      fs.appendChild(el("legend", {}, esc(f[1])));
      if (name === "tag" && !tagsReady) {
        var b = el("button", {type: "button", "class": "linkish"}, "Count by tag (" + tagsCost + " parts)");
        b.addEventListener("click", function () { st.loadTags = true; run(st); });
        fs.appendChild(b); facetsEl.appendChild(fs); return;
      }
      var entries = Object.keys(counts[name]).map(function (v) { return [v, counts[name][v]]; });
      chosen.forEach(function (v) { if (!(v in counts[name])) entries.push([v, 0]); });
      entries.sort(function (a, b) { return name === "year" ? (a[0] < b[0] ? 1 : -1) : (b[1] - a[1] || (a[0] < b[0] ? -1 : 1)); });
      var list = el("ul"), shown = 0;
      entries.forEach(function (en) {
        var on = chosen.some(function (c) { return c.toUpperCase() === en[0].toUpperCase(); });
        if (!on && shown >= 12 && !st.more) return;
        if (!on) shown++;
        var id = "f-" + name + "-" + en[0].replace(/[^A-Za-z0-9]+/g, "_");
        var label = name === "tag" ? tagLabel(en[0]) : esc(en[0] || "(none)");
        var li = el("li");
        var cb = el("input", {type: "checkbox", id: id, value: en[0]});
        cb.checked = on;
        cb.addEventListener("change", function () {
          var ns = copy(st); ns.page = 1;
          ns.f[name] = cb.checked ? chosen.concat([en[0]]) : chosen.filter(function (c) { return c.toUpperCase() !== en[0].toUpperCase(); });
          go(ns);
        });
        li.appendChild(cb);
        li.appendChild(el("label", {"for": id}, label + " <span class=\"n\">" + en[1].toLocaleString("en") + "</span>"));
        list.appendChild(li);
      });
      fs.appendChild(list);
      if (entries.length - chosen.length > 12 && !st.more) {
        var more = el("button", {type: "button", "class": "linkish"}, "All " + entries.length);
        more.addEventListener("click", function () { st.more = true; run(st); });
        fs.appendChild(more);
      }
      facetsEl.appendChild(fs);
    });
  }
  function tagLabel(code) {
    return "<abbr title=\"" + esc(store.meta.tagNames[code] || code) + "\">" + esc(code) + "</abbr>";
  }
  function copy(st) { return {q: st.q, page: st.page, all: st.all, f: JSON.parse(JSON.stringify(st.f))}; }

  function renderResults(list, st, parsed, idHits, pages) {
    resultsEl.innerHTML = "";
    var start = (st.page - 1) * PAGE, page = list.slice(start, start + PAGE);
    var ol = el("ol", {start: String(start + 1)});
    page.forEach(function (r) {
      var c = store.docs[docName(r.doc)], m = store.meta, k = runOf(r.doc);
      var li = el("li", {"class": "result"});
      var title = c.s || c.id;
      li.appendChild(el("h2", {}, "<a href=\"" + esc(SITE + c.u) + "\">" + esc(title) + "</a>" +
        (idHits[r.doc] ? " <span class=\"badge\">ID match</span>" : "")));
      var facts = [c.d ? c.d.slice(0, 10) : "undated", m.origins[m.runs[k + 3]], m.classes[m.runs[k + 4]]]
        .filter(function (x) { return x; }).map(esc);
      li.appendChild(el("p", {"class": "meta"}, "<span class=\"mono\">" + esc(c.id) + "</span> · " + facts.join(" · ")));
      if (c.t.length) li.appendChild(el("p", {"class": "tags"}, c.t.map(tagLabel).join(" ")));
      var sn = snippet(c.x, parsed) || esc(c.x.slice(0, 240));
      li.appendChild(el("p", {"class": "snippet"}, sn));
      ol.appendChild(li);
    });
    resultsEl.appendChild(ol);
    pagerEl.innerHTML = "";
    if (pages > 1) {
      var ul = el("ul");
      function link(n, text, rel) {
        var ns = copy(st); ns.page = n;
        var a = el("a", {href: query(ns)}, text);
        if (rel) a.setAttribute("rel", rel);
        if (n === st.page) a.setAttribute("aria-current", "page");
        a.addEventListener("click", function (ev) { ev.preventDefault(); go(ns); window.scrollTo(0, 0); });
        var li = el("li"); li.appendChild(a); ul.appendChild(li);
      }
      if (st.page > 1) link(st.page - 1, "Previous", "prev");
      for (var n = Math.max(1, st.page - 4); n <= Math.min(pages, st.page + 4); n++) link(n, String(n));
      if (st.page < pages) link(st.page + 1, "Next", "next");
      pagerEl.appendChild(ul);
    }
  }
  function say(text) { statusEl.textContent = text; }

  /* ---- one search, from the state to the page ------------------------------------------ */
  var generation = 0;
  function run(st) {
    var my = ++generation;
    input.value = st.q;
    document.title = (st.q ? st.q + " · " : "") + "Search · " + (store.meta.title || "");
    var parsed = parse(st.q);
    var hasFilter = FACETS.some(function (f) { return st.f[f[0]].length || parsed.filters[f[0]].length; });
    if (!parsed.items.length && !parsed.ids.length && !hasFilter) {
      say(st.q ? "No searchable words in “" + st.q + "” (words like “the” are not indexed)." : "");
      resultsEl.innerHTML = ""; facetsEl.innerHTML = ""; pagerEl.innerHTML = "";
      return Promise.resolve();
    }
    say("Searching…");
    return locateAll(parsed).then(loadAll).then(function () {
      expand(parsed);
      return loadAll(moreTiers(parsed, st.all));
    }).then(function () {
      if (my !== generation) return;
      var partial = partialTerms(parsed);
      var idHits = {}, ranked = [];
      parsed.ids.forEach(function (t) {
        entries(t, false, parsed.idWhere[t]).forEach(function (x) { decode(x.e.enc[0], function (doc, f) { if (store.meta.fields[f] === "id") idHits[doc] = true; }); });
      });
      if (parsed.items.length) {
        ranked = runLunr(parsed).map(function (r) { return {doc: parseInt(r.ref, 10), score: r.score}; });
      } else if (!parsed.ids.length || hasFilter) {
        // filter-only: newest year first; documents are numbered by year, so walk the runs
        var runs = store.meta.runs, years = [];
        for (var k = 0; k < runs.length; k += RUN) {
          var last = years[years.length - 1];
          if (!last || last.year !== runs[k + 2]) years.push(last = {year: runs[k + 2], runs: []});
          last.runs.push(k);
        }
        years.reverse().forEach(function (y) {
          y.runs.forEach(function (k) {
            var bits = store.meta.occupied[k / RUN];
            for (var o = 0; o < runs[k + 1]; o++) if (DIGIT[bits.charAt((o / 6) | 0)] & (1 << (o % 6))) ranked.push({doc: runs[k] + o, score: 0});
          });
        });
      }
      var ids = Object.keys(idHits).map(Number);
      var seen = {}; ids.forEach(function (d) { seen[d] = 1; });
      ranked = ids.map(function (d) { return {doc: d, score: Infinity}; }).concat(ranked.filter(function (r) { return !seen[r.doc]; }));
      return finish(st, parsed, ranked, idHits, partial, my);
    }).catch(function (err) {
      if (my !== generation) return;
      say("Search failed: " + err.message + ". Was the site built with its search index?");
      if (window.console) console.error(err);
    });
  }

  function finish(st, parsed, ranked, idHits, partial, my) {
    var m = store.meta, want = {};
    FACETS.forEach(function (f) {
      var n = f[0];
      want[n] = st.f[n].map(function (v) { return {v: v.toUpperCase(), prefix: false}; })
        .concat(parsed.filters[n].map(function (v) { return {v: v.toUpperCase(), prefix: n === "class"}; }));
    });
    var parts = {};
    ranked.forEach(function (r) { parts[Math.floor(r.doc / m.tagPart)] = 1; });
    var tagParts = Object.keys(parts);
    var tagsWanted = want.tag.length || st.loadTags || tagParts.length <= m.autoTagParts;
    var phrases = parsed.items.filter(function (it) { return it.phrase && it.presence !== "-" && it.group === undefined; });
    return loadAll(tagsWanted ? tagParts.map(function (p) { return "tags/" + p + ".js"; }) : []).then(function () {
      if (my !== generation) return;
      // pass[i][f]: does result i pass the filter of facet f (no filter: it does)
      var pass = ranked.map(function (r) {
        var v = facetValues(r.doc), out = {};
        FACETS.forEach(function (f) { var n = f[0]; out[n] = !want[n].length || (!!v[n] && matchesValue(want[n], v[n])); });
        out.values = v;
        return out;
      });
      function passesAll(i) { return FACETS.every(function (f) { return pass[i][f[0]]; }); }
      var start = (st.page - 1) * PAGE;
      return verify(ranked, phrases, idHits, passesAll, start + PAGE + 1).then(function (v) {
        var list = [], counts = {year: {}, origin: {}, tag: {}, class: {}};
        ranked.forEach(function (r, i) {
          if (!v.ok[i]) return;
          if (passesAll(i)) list.push(r);
          FACETS.forEach(function (f) {   // a facet counts what the other facets' filters let through
            var n = f[0];
            if (!FACETS.every(function (g) { return g[0] === n || pass[i][g[0]]; })) return;
            (pass[i].values[n] || []).forEach(function (x) { counts[n][x] = (counts[n][x] || 0) + 1; });
          });
        });
        var pages = Math.max(1, Math.ceil(list.length / PAGE));
        if (!v.complete) pages = Math.max(pages, st.page + 1);
        if (st.page > pages) st.page = pages;
        start = (st.page - 1) * PAGE;
        return loadAll(list.slice(start, start + PAGE).map(function (r) { return docPath(r.doc); })).then(function () {
          if (my !== generation) return;
          var n = list.length, words = st.q ? " for “" + st.q + "”" : "";
          var text = n === 0 && v.complete ? "No cables found" + words + "." :
            (partial.length ? "The best " : v.complete ? "" : "At least ") + n.toLocaleString("en") +
            (n === 1 ? " cable" : " cables") + " found" + words +
            (v.complete ? (pages > 1 ? ", page " + st.page + " of " + pages : "") : ", page " + st.page) + ".";
          var short = parsed.items.filter(function (it) { return it.prefix && truncated[it.terms[0]]; });
          if (short.length) text += " Only some of the words starting “" + short[0].terms[0] + "” were searched: type more letters.";
          if (!v.complete) text += " The phrase is checked page by page: " + v.checked.toLocaleString("en") + " of the " +
            ranked.length.toLocaleString("en") + " cables with all its words so far.";
          say(text);
          renderFacets(counts, st, tagsWanted, tagParts.length);
          renderResults(list, st, parsed, idHits, pages);
          if (partial.length) {
            var note = el("p", {"class": "partial"}), b = el("button", {type: "button"}, "Search all cables");
            note.appendChild(document.createTextNode("Common words (" + partial.map(function (x) { return x.term; }).join(", ") +
              ") are searched in the cables where they weigh most first. "));
            b.addEventListener("click", function () { var ns = copy(st); ns.all = true; go(ns); });
            note.appendChild(b);
            resultsEl.insertBefore(note, resultsEl.firstChild);
          }
        });
      });
    });
  }

  /* ---- wiring ---------------------------------------------------------------------------- */
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var st = readState(); st.q = input.value.trim(); st.page = 1; st.all = false;
    go(st);
  });
  window.addEventListener("popstate", function () { run(readState()); });
  window.addEventListener("hashchange", function () { if (location.hash.charAt(1) === "?") run(readState()); });
  document.addEventListener("keydown", function (ev) {
    var t = ev.target, inField = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA");
    if (ev.key === "/" && !inField) { ev.preventDefault(); input.focus(); input.select(); return; }
    var links = Array.prototype.slice.call(resultsEl.querySelectorAll("h2 a"));
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      var at = links.indexOf(document.activeElement);
      if (t === input && ev.key === "ArrowDown" && links.length) { ev.preventDefault(); links[0].focus(); }
      else if (at >= 0) {
        ev.preventDefault();
        if (ev.key === "ArrowDown" && at + 1 < links.length) links[at + 1].focus();
        else if (ev.key === "ArrowUp") (at > 0 ? links[at - 1] : input).focus();
      }
    } else if (ev.key === "Escape" && links.indexOf(document.activeElement) >= 0) { input.focus(); }
  });

  load("meta.js").then(function () {
    analyze = P.analyzer(store.meta.pipeline);
    form.setAttribute("data-ready", "1");
    var st = readState();
    if (st.q || FACETS.some(function (f) { return st.f[f[0]].length; })) return run(st);
  }).catch(function (err) { say("The search index could not be loaded (" + err.message + ")."); });
})();
