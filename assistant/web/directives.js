// The directive catalog: filters (number in any variant, type, dates, issuer, agency, text), sorting, paging,
// and one record with every passage that mentions it.
"use strict";
const C = window.Chidao;
let page = 1, total = 0;
const PAGE_SIZE = 20;

function params() {
  const form = document.getElementById("filters");
  const p = new URLSearchParams();
  for (const [k, v] of new FormData(form).entries()) if (String(v).trim()) p.set(k, String(v).trim());
  p.set("page", page);
  p.set("page_size", PAGE_SIZE);
  return p;
}

async function search() {
  const summary = document.getElementById("summary");
  const table = document.getElementById("results");
  const resp = await C.api("/v1/directives?" + params());
  if (!resp.ok) { summary.innerHTML = `<span class="error">${C.esc(resp.status === 401 ? C.t("key.wrong") : C.t("chat.error"))}</span>`; return; }
  const data = await resp.json();
  total = data.total;
  const tbody = table.querySelector("tbody");
  tbody.innerHTML = "";
  if (!total) {
    table.hidden = true;
    summary.textContent = C.t("dir.none");
  } else {
    table.hidden = false;
    summary.textContent = `${total} ${C.t("dir.results")}`;
    for (const r of data.items) {
      const tr = document.createElement("tr");
      tr.className = "row";
      tr.tabIndex = 0;
      tr.innerHTML = `<td><strong>${C.esc(r.number)}</strong></td><td>${C.esc(r.type)}</td><td>${C.esc(vnDate(r.date))}</td>
        <td>${C.esc(r.issuer)}</td><td>${C.esc(r.title)}</td>`;
      tr.onclick = () => show(r.number);
      tr.onkeydown = (e) => { if (e.key === "Enter") show(r.number); };
      tbody.appendChild(tr);
    }
  }
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  document.getElementById("pageno").textContent = `${page} / ${pages}`;
  document.getElementById("prev").disabled = page <= 1;
  document.getElementById("next").disabled = page >= pages;
}

function vnDate(iso) {
  const p = (iso || "").split("-");
  return p.length === 3 ? `${p[2]}/${p[1]}/${p[0]}` : p.length === 2 ? `${p[1]}/${p[0]}` : iso || "";
}

async function show(number) {
  const box = document.getElementById("record");
  const resp = await C.api("/v1/directives/" + encodeURIComponent(number).replace(/%2F/g, "/"));
  if (!resp.ok) { box.hidden = false; box.innerHTML = `<p class="error">${C.esc(C.t("dir.none"))}</p>`; return; }
  const r = await resp.json();
  const list = (xs) => (xs && xs.length ? xs.map(C.esc).join("; ") : "—");
  box.innerHTML = `<h2>${C.esc(r.type)} số ${C.esc(r.number)}</h2>
    <dl><dt data-i18n="dir.date"></dt><dd>${C.esc(vnDate(r.date)) || "—"}</dd>
    <dt data-i18n="dir.issuer"></dt><dd>${C.esc(r.issuer) || "—"}</dd>
    <dt data-i18n="dir.summary"></dt><dd>${C.esc(r.title) || "—"}</dd>
    <dt data-i18n="dir.lead"></dt><dd>${list(r.lead)}</dd><dt data-i18n="dir.partners"></dt><dd>${list(r.partners)}</dd>
    <dt data-i18n="dir.deadlines"></dt><dd>${list(r.deadlines)}</dd><dt data-i18n="dir.implements"></dt><dd>${list(r.implements)}</dd>
    <dt data-i18n="dir.replaces"></dt><dd>${list(r.replaces)}</dd></dl>
    <h3 data-i18n="dir.mentions"></h3>
    ${r.passages.map((p) => `<div class="passage"><a href="/doc/${encodeURIComponent(p.doc_id)}#p-${p.id}">${C.esc(p.label)}</a>
      <div>${C.figures(p.text)}</div></div>`).join("")}`;
  C.applyI18n(box);
  box.hidden = false;
  box.focus();
  box.scrollIntoView({ block: "start" });
}

document.addEventListener("DOMContentLoaded", () => {
  C.nav("/directives");
  document.getElementById("filters").onsubmit = (e) => { e.preventDefault(); page = 1; search(); };
  document.getElementById("prev").onclick = () => { page = Math.max(1, page - 1); search(); };
  document.getElementById("next").onclick = () => { page += 1; search(); };
  const n = new URLSearchParams(location.search).get("number");
  if (n) document.getElementById("f-number").value = n;
  search();
});
