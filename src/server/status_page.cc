// The /ui page: one HTML document with its CSS and JavaScript inline (no external
// resources, so it works offline and behind strict proxies). It polls /status every
// second and renders the connector state, totals, rates, per-partition lag and files,
// and recent warnings and errors. Element ids are stable: tests read them.
#include "server/rest_api.h"

namespace tributary {

std::string_view StatusPageHtml() {
  return R"HTML(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tributary status</title>
<style>
  :root { --fg:#1d2433; --muted:#5b6577; --line:#e3e7ee; --ok:#17803d; --warn:#b45309;
          --bad:#b91c1c; --bar:#3b82f6; --bg:#f7f9fc; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif;
         color:var(--fg); background:var(--bg); }
  header { display:flex; align-items:baseline; gap:16px; padding:14px 24px;
           background:#fff; border-bottom:1px solid var(--line); }
  header h1 { font-size:18px; margin:0; }
  .state { font-weight:600; padding:2px 10px; border-radius:999px; color:#fff; }
  .RUNNING { background:var(--ok); } .PAUSED { background:var(--warn); }
  .FAILED { background:var(--bad); } .UNASSIGNED, .OFFLINE { background:var(--muted); }
  main { padding:18px 24px; max-width:1280px; }
  .cards { display:grid; grid-template-columns:repeat(auto-fit,minmax(132px,1fr)); gap:12px; }
  .card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:10px 14px; }
  .card .k { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
  .card .v { font-size:20px; font-weight:600; font-variant-numeric:tabular-nums; }
  table { width:100%; border-collapse:collapse; margin-top:18px; background:#fff;
          border:1px solid var(--line); border-radius:8px; overflow:hidden; }
  th, td { padding:7px 10px; border-bottom:1px solid var(--line); text-align:right;
           font-variant-numeric:tabular-nums; }
  th { background:#f0f3f8; color:var(--muted); font-weight:600; font-size:12px; }
  td.l, th.l { text-align:left; }
  td.obj { font-family:ui-monospace, monospace; font-size:12px; max-width:380px;
           overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
  .bar { height:6px; background:var(--line); border-radius:3px; min-width:80px; }
  .bar > div { height:6px; background:var(--bar); border-radius:3px; }
  h2 { font-size:15px; margin:22px 0 6px; }
  #errors { list-style:none; padding:0; margin:0; }
  #errors li { background:#fff; border:1px solid var(--line); border-left:4px solid var(--warn);
               padding:6px 10px; margin-bottom:6px; font-family:ui-monospace, monospace;
               font-size:12px; white-space:pre-wrap; }
  #errors li.error { border-left-color:var(--bad); }
  .muted { color:var(--muted); }
  #trace { color:var(--bad); white-space:pre-wrap; }
</style>
</head>
<body>
<header>
  <h1>Tributary · <span id="name">…</span></h1>
  <span id="state" class="state UNASSIGNED">…</span>
  <span id="ready" class="muted"></span>
  <span class="muted" style="margin-left:auto">updated <span id="updated">never</span></span>
</header>
<main>
  <div id="trace"></div>
  <div class="cards">
    <div class="card"><div class="k">Consumed</div><div class="v" id="records-consumed">–</div></div>
    <div class="card"><div class="k">Written</div><div class="v" id="records-written">–</div></div>
    <div class="card"><div class="k">Objects</div><div class="v" id="objects-written">–</div></div>
    <div class="card"><div class="k">Bytes out</div><div class="v" id="bytes-written">–</div></div>
    <div class="card"><div class="k">Records / s</div><div class="v" id="records-rate">–</div></div>
    <div class="card"><div class="k">Bytes out / s</div><div class="v" id="bytes-rate">–</div></div>
    <div class="card"><div class="k">Lag</div><div class="v" id="lag">–</div></div>
    <div class="card"><div class="k">ETA</div><div class="v" id="eta">–</div></div>
  </div>
  <table id="partitions">
    <thead><tr><th class="l">Topic</th><th>Partition</th><th>Committed</th><th>High watermark</th>
      <th>Lag</th><th class="l">Progress</th><th>Open files</th><th>Buffered</th>
      <th class="l">Last object</th><th class="l">Open file waits for</th></tr></thead>
    <tbody><tr><td class="l muted" colspan="10">waiting for the first update…</td></tr></tbody>
  </table>
  <h2>Recent warnings and errors</h2>
  <ul id="errors"><li class="muted">none</li></ul>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const num = (v) => v === null || v === undefined ? "–" : Number(v).toLocaleString("en-US");
function bytes(v) {
  if (v === null || v === undefined) return "–";
  const u = ["B", "KiB", "MiB", "GiB", "TiB"]; let i = 0;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return (i ? v.toFixed(1) : v) + " " + u[i];
}
function duration(s) {
  if (s === null || s === undefined) return "–";
  s = Math.round(s); if (s < 60) return s + " s";
  const m = Math.floor(s / 60); if (m < 60) return m + " min " + (s % 60) + " s";
  return Math.floor(m / 60) + " h " + (m % 60) + " min";
}
function cell(text, cls) {
  const td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls;
  return td;
}
function render(s) {
  $("name").textContent = s.name;
  $("state").textContent = s.state; $("state").className = "state " + s.state;
  $("ready").textContent = s.ready ? "ready" : "not ready: " + s.ready_message;
  $("trace").textContent = s.state === "FAILED" ? s.trace : "";
  $("records-consumed").textContent = num(s.totals.records_consumed);
  $("records-written").textContent = num(s.totals.records_written);
  $("objects-written").textContent = num(s.totals.objects_written);
  $("bytes-written").textContent = bytes(s.totals.bytes_written);
  $("records-rate").textContent = s.rates.records_per_second === null ? "–" :
      num(Math.round(s.rates.records_per_second));
  $("bytes-rate").textContent = s.rates.bytes_per_second === null ? "–" :
      bytes(Math.round(s.rates.bytes_per_second));
  $("lag").textContent = num(s.lag);
  $("eta").textContent = s.eta_seconds === 0 ? "caught up" : duration(s.eta_seconds);
  const body = document.createElement("tbody");
  for (const p of s.partitions) {
    const tr = document.createElement("tr");
    tr.dataset.topic = p.topic; tr.dataset.partition = p.partition;
    tr.appendChild(cell(p.topic, "l"));
    tr.appendChild(cell(p.partition));
    tr.appendChild(cell(num(p.committed_offset), "committed"));
    tr.appendChild(cell(num(p.high_watermark)));
    tr.appendChild(cell(num(p.lag), "lag"));
    const bar = document.createElement("td"); bar.className = "l";
    const outer = document.createElement("div"); outer.className = "bar";
    const inner = document.createElement("div");
    const done = p.high_watermark ? (p.committed_offset || 0) / p.high_watermark : 0;
    inner.style.width = Math.min(100, Math.round(done * 100)) + "%";
    outer.appendChild(inner); bar.appendChild(outer); tr.appendChild(bar);
    tr.appendChild(cell(num(p.open_files)));
    tr.appendChild(cell(bytes(p.buffered_bytes)));
    const obj = cell(p.last_object || "–", "l obj"); obj.title = p.last_object; tr.appendChild(obj);
    let waits = p.rotation_waiting_for || "–";
    if (p.oldest_open_file_unix_ms) {
      waits += " (open " + duration((s.now_unix_ms - p.oldest_open_file_unix_ms) / 1000) + ")";
    }
    tr.appendChild(cell(waits, "l waits"));
    body.appendChild(tr);
  }
  if (!s.partitions.length) {
    const tr = document.createElement("tr");
    const td = cell("no partitions yet", "l muted"); td.colSpan = 10; tr.appendChild(td);
    body.appendChild(tr);
  }
  $("partitions").replaceChild(body, $("partitions").tBodies[0]);
  const list = $("errors"); list.textContent = "";
  for (const e of s.errors.slice().reverse()) {
    const li = document.createElement("li"); li.className = e.level;
    li.textContent = new Date(e.unix_ms).toISOString() + " " + e.level.toUpperCase() + " " +
        e.message + (e.repeats > 1 ? "  (×" + e.repeats + ")" : "");
    list.appendChild(li);
  }
  if (!s.errors.length) { const li = document.createElement("li"); li.className = "muted";
    li.textContent = "none"; list.appendChild(li); }
  $("updated").textContent = new Date().toLocaleTimeString();
  document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
}
async function poll() {
  try {
    const r = await fetch("/status", { cache: "no-store" });
    render(await r.json());
  } catch (e) {
    $("state").textContent = "OFFLINE"; $("state").className = "state OFFLINE";
  }
  setTimeout(poll, 1000);
}
poll();
</script>
</body>
</html>
)HTML";
}

}  // namespace tributary
