// rampart HTML report: charts, filters and the findings table, drawn from the JSON data
// embedded in the page. No network: everything the page shows is in the file. An
// organization's page embeds one data block per account; they are joined here, and the
// table gets an account column and filter.
(function () {
  "use strict";

  var STATUS = ["FAIL", "ERROR", "PASS"];
  var SEVERITY = ["critical", "high", "medium", "low", "info"];
  var SHOWN = ["FAIL", "ERROR", "MUTED", "PASS"];
  var BASELINE = ["new", "unchanged", "resolved"];
  var CHART_ROWS = 8;

  var data = load();
  var checks = data.checks;
  var regions = data.regions;
  var mutes = data.mutes;
  var rows = data.findings;
  var n = rows.length;
  var COLS = data.org ? 8 : 7;

  // The page's data: the report's one block, or the blocks of an organization's accounts
  // joined (checks and regions listed once, mutes renumbered, each finding naming its
  // account).
  function load() {
    var one = document.getElementById("report-data");
    if (one) return JSON.parse(one.textContent);
    var all = { account: "", checks: [], regions: [], mutes: [], baseline: false, findings: [], org: true };
    var ci = {};
    var ri = {};
    var blocks = document.querySelectorAll("script.account-data");
    for (var b = 0; b < blocks.length; b++) {
      var d = JSON.parse(blocks[b].textContent);
      var cm = d.checks.map(function (c) {
        if (!(c.id in ci)) ci[c.id] = all.checks.push(c) - 1;
        return ci[c.id];
      });
      var rm = d.regions.map(function (r) {
        if (!(r in ri)) ri[r] = all.regions.push(r) - 1;
        return ri[r];
      });
      var mo = all.mutes.length;
      all.mutes = all.mutes.concat(d.mutes);
      all.baseline = all.baseline || d.baseline;
      for (var k = 0; k < d.findings.length; k++) {
        var f = d.findings[k];
        f[0] = cm[f[0]];
        f[3] = rm[f[3]];
        if (f[7] >= 0) f[7] += mo;
        if (f.length < 10) f[9] = d.account;
        all.findings.push(f);
      }
    }
    return all;
  }

  // Per finding: shown status (0 FAIL, 1 ERROR, 2 MUTED, 3 PASS), severity, service,
  // region, check, whether new, and the lower-cased text that the search box looks in.
  var shown = new Uint8Array(n);
  var sev = new Uint8Array(n);
  var svc = new Int32Array(n);
  var reg = new Int32Array(n);
  var chk = new Int32Array(n);
  var isNew = new Uint8Array(n);
  var hay = new Array(n);
  var acct = new Array(n);
  var services = [];
  var serviceIndex = {};
  var checkService = checks.map(function (c) {
    if (!(c.service in serviceIndex)) {
      serviceIndex[c.service] = services.length;
      services.push(c.service);
    }
    return serviceIndex[c.service];
  });
  var checkIndex = {};
  checks.forEach(function (c, i) { checkIndex[c.id] = i; });
  var regionIndex = {};
  regions.forEach(function (r, i) { regionIndex[r] = i; });

  for (var i = 0; i < n; i++) {
    var f = rows[i];
    var muted = f[7] >= 0;
    shown[i] = muted ? 2 : (f[1] === 2 ? 3 : f[1]);
    sev[i] = f[2];
    chk[i] = f[0];
    svc[i] = checkService[f[0]];
    reg[i] = f[3];
    isNew[i] = f[8] === 0 ? 1 : 0;
    var c = checks[f[0]];
    acct[i] = f.length > 9 ? f[9] : data.account;
    hay[i] = (f[4] + "\n" + f[5] + "\n" + c.id + "\n" + (c.title || "") + "\n" + regions[f[3]] +
      "\n" + f[6] + (muted ? "\n" + mutes[f[7]].reason : "") + (data.org ? "\n" + acct[i] : "")).toLowerCase();
  }

  // Table order: FAIL, ERROR, MUTED, PASS; then most severe first; then check, region,
  // resource.
  var order = new Int32Array(n);
  for (i = 0; i < n; i++) order[i] = i;
  order.sort(function (a, b) {
    return (shown[a] - shown[b]) || (sev[a] - sev[b]) ||
      cmp(checks[chk[a]].id, checks[chk[b]].id) || cmp(regions[reg[a]], regions[reg[b]]) ||
      cmp(rows[a][4], rows[b][4]);
  });
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  // Filter state, mirrored in the URL hash: #status=FAIL,ERROR&severity=high&q=text
  var state = blank();
  function blank() {
    return { status: [], severity: [], service: "", region: "", check: "", account: "", q: "",
      "new": false, page: 1, size: 50 };
  }

  function fromHash() {
    var s = blank();
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    function list(key, allowed) {
      var v = params.get(key);
      if (!v) return [];
      return v.split(",").filter(function (x) { return allowed.indexOf(x) >= 0; });
    }
    s.status = list("status", SHOWN);
    s.severity = list("severity", SEVERITY);
    var v = params.get("service");
    if (v && v in serviceIndex) s.service = v;
    v = params.get("region");
    if (v && v in regionIndex) s.region = v;
    v = params.get("check");
    if (v && v in checkIndex) s.check = v;
    v = params.get("account");
    if (v && sel.account && accountIndex[v]) s.account = v;
    s.q = params.get("q") || "";
    s["new"] = params.get("new") === "1" && data.baseline;
    v = parseInt(params.get("size"), 10);
    if ([25, 50, 100, 250].indexOf(v) >= 0) s.size = v;
    v = parseInt(params.get("page"), 10);
    if (v > 0) s.page = v;
    return s;
  }

  function toHash(s) {
    var parts = [];
    function add(key, value) {
      if (value) parts.push(key + "=" + encodeURIComponent(value).replace(/%2C/g, ","));
    }
    add("status", s.status.join(","));
    add("severity", s.severity.join(","));
    add("service", s.service);
    add("region", s.region);
    add("check", s.check);
    add("account", s.account);
    add("q", s.q);
    if (s["new"]) parts.push("new=1");
    if (s.size !== 50) parts.push("size=" + s.size);
    if (s.page > 1) parts.push("page=" + s.page);
    return parts.length ? "#" + parts.join("&") : "";
  }

  // Whether finding i matches every filter, leaving out the one named by `skip` (the
  // charts count over the other filters, so a bar shows what choosing it would give).
  function matcher(s, skip) {
    var st = skip === "status" ? null : s.status.map(function (x) { return SHOWN.indexOf(x); });
    var sv = skip === "severity" ? null : s.severity.map(function (x) { return SEVERITY.indexOf(x); });
    var se = skip === "service" || !s.service ? -1 : serviceIndex[s.service];
    var re = skip === "region" || !s.region ? -1 : regionIndex[s.region];
    var ch = !s.check ? -1 : checkIndex[s.check];
    var ac = s.account;
    var q = s.q.trim().toLowerCase();
    var nw = s["new"];
    return function (i) {
      if (st && st.length && st.indexOf(shown[i]) < 0) return false;
      if (sv && sv.length && sv.indexOf(sev[i]) < 0) return false;
      if (se >= 0 && svc[i] !== se) return false;
      if (re >= 0 && reg[i] !== re) return false;
      if (ch >= 0 && chk[i] !== ch) return false;
      if (ac && acct[i] !== ac) return false;
      if (nw && !isNew[i]) return false;
      if (q && hay[i].indexOf(q) < 0) return false;
      return true;
    };
  }

  var matching = new Int32Array(0);
  var open = {};

  function apply(fromUser) {
    var m = matcher(state, null);
    var out = new Int32Array(n);
    var k = 0;
    for (var j = 0; j < n; j++) if (m(order[j])) out[k++] = order[j];
    matching = out.subarray(0, k);
    var pages = Math.max(1, Math.ceil(k / state.size));
    if (state.page > pages) state.page = pages;
    if (fromUser) {
      var h = toHash(state);
      if (h !== location.hash && !(h === "" && location.hash === "")) {
        history.replaceState(null, "", h || location.pathname + location.search);
      }
    }
    syncControls();
    drawCharts();
    drawTable();
  }

  // ----- controls -----
  var form = document.getElementById("filters");
  var boxes = form.querySelectorAll("input[type=checkbox][name=status], input[type=checkbox][name=severity]");
  var sel = {
    service: document.getElementById("f-service"),
    region: document.getElementById("f-region"),
    check: document.getElementById("f-check")
  };
  var accountSel = document.getElementById("f-account");
  var accountIndex = {};
  if (accountSel) {
    sel.account = accountSel;
    for (var o = 1; o < accountSel.options.length; o++) accountIndex[accountSel.options[o].value] = true;
  }
  // An organization's page leaves these choices to the script: they come from every
  // account's findings.
  fill(sel.service, services);
  fill(sel.region, regions);
  fill(sel.check, checks.map(function (c) { return c.id; }));
  function fill(select, values) {
    if (select.options.length > 1) return;
    values.slice().sort().forEach(function (v) {
      var opt = document.createElement("option");
      opt.value = v;
      opt.textContent = v;
      select.appendChild(opt);
    });
  }
  var search = document.getElementById("f-q");
  var newBox = document.getElementById("f-new");
  var size = document.getElementById("f-size");

  function syncControls() {
    for (var j = 0; j < boxes.length; j++) {
      var b = boxes[j];
      b.checked = state[b.name].indexOf(b.value) >= 0;
    }
    Object.keys(sel).forEach(function (key) { sel[key].value = state[key]; });
    if (search.value !== state.q) search.value = state.q;
    if (newBox) newBox.checked = state["new"];
    size.value = String(state.size);
  }

  form.addEventListener("change", function (e) {
    var t = e.target;
    if (t.type === "checkbox" && (t.name === "status" || t.name === "severity")) {
      var all = t.name === "status" ? SHOWN : SEVERITY;
      var picked = [];
      for (var j = 0; j < boxes.length; j++) {
        if (boxes[j].name === t.name && boxes[j].checked) picked.push(boxes[j].value);
      }
      state[t.name] = all.filter(function (x) { return picked.indexOf(x) >= 0; });
    } else if (t === newBox) {
      state["new"] = t.checked;
    } else if (t.tagName === "SELECT" && t.name in sel) {
      state[t.name] = t.value;
    } else {
      return;
    }
    state.page = 1;
    apply(true);
  });
  search.addEventListener("input", function () {
    state.q = search.value;
    state.page = 1;
    apply(true);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  document.getElementById("f-clear").addEventListener("click", function () {
    var keep = state.size;
    state = blank();
    state.size = keep;
    open = {};
    apply(true);
  });
  size.addEventListener("change", function () {
    state.size = parseInt(size.value, 10);
    state.page = 1;
    apply(true);
  });
  function go(page) {
    return function () {
      state.page = page();
      apply(true);
      document.getElementById("findings-h").scrollIntoView({ block: "start" });
    };
  }
  function lastPage() { return Math.max(1, Math.ceil(matching.length / state.size)); }
  document.getElementById("p-first").addEventListener("click", go(function () { return 1; }));
  document.getElementById("p-prev").addEventListener("click", go(function () { return Math.max(1, state.page - 1); }));
  document.getElementById("p-next").addEventListener("click", go(function () { return Math.min(lastPage(), state.page + 1); }));
  document.getElementById("p-last").addEventListener("click", go(lastPage));
  window.addEventListener("hashchange", function () {
    state = fromHash();
    apply(false);
  });

  // ----- charts -----
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(x) { return x.toLocaleString("en-US"); }

  function drawChart(id, key, labels, valueOf, fixedOrder) {
    var m = matcher(state, key);
    var counts = labels.map(function () { return [0, 0, 0, 0]; });
    for (var j = 0; j < n; j++) if (m(j)) counts[valueOf(j)][shown[j]]++;
    var idx = labels.map(function (_, j) { return j; });
    var total = function (j) { return counts[j][0] + counts[j][1] + counts[j][2] + counts[j][3]; };
    if (!fixedOrder) {
      idx = idx.filter(function (j) { return total(j) > 0 || isPicked(key, labels[j]); });
      idx.sort(function (a, b) { return total(b) - total(a) || cmp(labels[a], labels[b]); });
    }
    var max = 1;
    idx.forEach(function (j) { max = Math.max(max, total(j)); });
    var box = document.getElementById(id);
    box.textContent = "";
    var more = 0;
    idx.forEach(function (j, pos) {
      var picked = isPicked(key, labels[j]);
      if (pos >= CHART_ROWS && !picked) { more++; return; }
      var b = el("button", "bar-row");
      b.type = "button";
      b.setAttribute("aria-pressed", picked ? "true" : "false");
      var parts = SHOWN.map(function (s, k) { return counts[j][k] ? fmt(counts[j][k]) + " " + s : ""; })
        .filter(Boolean);
      b.setAttribute("aria-label", labels[j] + ": " + fmt(total(j)) + " findings" +
        (parts.length ? " (" + parts.join(", ") + ")" : ""));
      b.title = parts.join(", ") || "no finding";
      b.appendChild(el("span", "lbl", labels[j]));
      var bar = el("span", "bar");
      SHOWN.forEach(function (s, k) {
        if (!counts[j][k]) return;
        var seg = el("span", "s-" + s);
        seg.style.width = (100 * counts[j][k] / max) + "%";
        bar.appendChild(seg);
      });
      b.appendChild(bar);
      b.appendChild(el("span", "tot", fmt(total(j))));
      b.addEventListener("click", function () { pick(key, labels[j]); });
      box.appendChild(b);
    });
    if (more) box.appendChild(el("p", "more", "and " + more + " more: use the " + key + " filter below"));
  }
  function isPicked(key, value) {
    return key === "severity" ? state.severity.indexOf(value) >= 0 : state[key] === value;
  }
  function pick(key, value) {
    if (key === "severity") {
      state.severity = state.severity.length === 1 && state.severity[0] === value ? [] : [value];
    } else {
      state[key] = state[key] === value ? "" : value;
    }
    state.page = 1;
    apply(true);
  }
  function drawCharts() {
    drawChart("chart-severity", "severity", SEVERITY, function (j) { return sev[j]; }, true);
    drawChart("chart-service", "service", services, function (j) { return svc[j]; }, false);
    drawChart("chart-region", "region", regions, function (j) { return reg[j]; }, false);
  }

  // ----- table -----
  var tbody = document.querySelector("#findings tbody");
  var count = document.getElementById("count");

  function drawTable() {
    var total = matching.length;
    var start = (state.page - 1) * state.size;
    var end = Math.min(total, start + state.size);
    tbody.textContent = "";
    if (!total) {
      var tr = el("tr");
      var td = el("td", "empty", "No finding matches these filters.");
      td.colSpan = COLS;
      tr.appendChild(td);
      tbody.appendChild(tr);
    }
    for (var j = start; j < end; j++) drawRow(matching[j]);
    count.textContent = total ?
      "Showing " + fmt(start + 1) + "\u2013" + fmt(end) + " of " + fmt(total) + " matching findings (" + fmt(n) + " in all)" :
      "0 matching findings (" + fmt(n) + " in all)";
    count.setAttribute("data-matching", String(total));
    count.setAttribute("data-total", String(n));
    var pages = Math.max(1, Math.ceil(total / state.size));
    document.getElementById("p-info").textContent = "Page " + fmt(state.page) + " of " + fmt(pages);
    document.getElementById("p-first").disabled = document.getElementById("p-prev").disabled = state.page <= 1;
    document.getElementById("p-next").disabled = document.getElementById("p-last").disabled = state.page >= pages;
  }

  function drawRow(i) {
    var f = rows[i];
    var c = checks[f[0]];
    var st = SHOWN[shown[i]];
    var tr = el("tr", "row" + (st === "MUTED" ? " muted-row" : ""));
    tr.setAttribute("data-status", st);
    var t = el("td");
    var btn = el("button", "toggle", "\u25B8");
    btn.type = "button";
    btn.setAttribute("aria-label", "Details of " + c.id + " on " + f[4]);
    t.appendChild(btn);
    tr.appendChild(t);
    var s = el("td");
    s.appendChild(el("span", "badge s-" + st, st));
    if (f[8] === 0) s.appendChild(el("span", "badge new", "NEW"));
    tr.appendChild(s);
    tr.appendChild(el("td", "sev v-" + SEVERITY[f[2]], SEVERITY[f[2]]));
    var ck = el("td", "check");
    ck.appendChild(el("code", "", c.id));
    if (c.title) ck.appendChild(el("span", "t", c.title));
    tr.appendChild(ck);
    tr.appendChild(el("td", "", regions[f[3]]));
    tr.appendChild(el("td", "res", f[4]));
    var rs = el("td", "reason");
    rs.appendChild(el("div", "", f[5]));
    tr.appendChild(rs);
    if (data.org) tr.appendChild(el("td", "mono", acct[i]));
    tbody.appendChild(tr);
    var detail = null;
    function toggle() {
      var opened = !detail;
      if (opened) {
        detail = drawDetail(i);
        detail.id = "d-" + i;
        tr.parentNode.insertBefore(detail, tr.nextSibling);
        open[i] = true;
      } else {
        detail.parentNode.removeChild(detail);
        detail = null;
        delete open[i];
      }
      tr.classList.toggle("open", opened);
      btn.setAttribute("aria-expanded", opened ? "true" : "false");
      btn.textContent = opened ? "\u25BE" : "\u25B8";
      if (opened) btn.setAttribute("aria-controls", "d-" + i);
    }
    btn.setAttribute("aria-expanded", "false");
    btn.addEventListener("click", function (e) { e.stopPropagation(); toggle(); });
    tr.addEventListener("click", function () {
      if (window.getSelection && String(window.getSelection())) return;
      toggle();
    });
    if (open[i]) { open[i] = false; toggle(); }
  }

  function drawDetail(i) {
    var f = rows[i];
    var c = checks[f[0]];
    var tr = el("tr", "detail");
    var td = el("td");
    td.colSpan = COLS;
    var g = el("div", "detail-grid");
    function item(title, node, wide) {
      var d = el("div", wide ? "wide" : "");
      d.appendChild(el("h4", "", title));
      d.appendChild(typeof node === "string" ? el("p", "", node) : node);
      g.appendChild(d);
    }
    item("Reason", f[5], true);
    if (f[7] >= 0) {
      var mt = mutes[f[7]];
      item("Muted", "MUTED (" + STATUS[f[1]] + ") by mutelist rule " + mt.rule + ": " + mt.reason +
        (mt.expires ? " (rule expires " + mt.expires + ")" : ""), true);
    }
    if (f[8] >= 0) item("Baseline", BASELINE[f[8]], false);
    item("Finding id", el("code", "", f[6]), false);
    item("Account", acct[i], false);
    if (c.title) {
      item("Check", c.id + ": " + c.title, true);
      item("What it checks", c.what, false);
      item("Why it matters", c.why, false);
      item("Fix", el("pre", "fix", c.fix), true);
      var refs = el("ul", "refs");
      c.references.forEach(function (r) {
        var li = el("li");
        if (/^https?:\/\/\S+$/.test(r)) {
          var a = el("a", "", r);
          a.href = r;
          a.rel = "noopener noreferrer";
          li.appendChild(a);
        } else {
          li.textContent = r;
        }
        refs.appendChild(li);
      });
      if (c.cis.length) refs.appendChild(el("li", "", "CIS AWS Foundations Benchmark v7.0: " + c.cis.join(", ")));
      if (refs.childNodes.length) item("References", refs, true);
    } else {
      item("Check", c.id + ": not documented in this build of rampart", true);
    }
    td.appendChild(g);
    tr.appendChild(td);
    return tr;
  }

  // Printing: open the collapsed sections so that they are on paper too.
  window.addEventListener("beforeprint", function () {
    var ds = document.querySelectorAll("details");
    for (var j = 0; j < ds.length; j++) ds[j].open = true;
  });

  state = fromHash();
  apply(false);
  document.documentElement.setAttribute("data-ready", "1");
})();
