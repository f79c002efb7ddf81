// Upload (one request per file, with its progress and its report) and delete documents.
"use strict";
const C = window.Chidao;

function uploadOne(file, row) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const bar = row.querySelector("progress");
    const status = row.querySelector(".status");
    xhr.open("POST", "/v1/documents");
    if (C.key()) xhr.setRequestHeader("Authorization", "Bearer " + C.key());
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = e.loaded / e.total; };
    xhr.onload = () => {
      bar.value = 1;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch {}
      if (xhr.status === 200) {
        const rep = (body.reports || [])[0] || {};
        status.textContent = rep.status === "failed" ? `✗ ${rep.reason}` :
          `✓ ${rep.status} — ${rep.passages} ${C.t("adm.passages")}`;
        status.className = "status " + (rep.status === "failed" ? "error" : "");
      } else {
        status.textContent = `✗ ${xhr.status}: ${body.detail || xhr.statusText}`;
        status.className = "status error";
      }
      resolve();
    };
    xhr.onerror = () => { status.textContent = "✗ " + C.t("chat.error"); status.className = "status error"; resolve(); };
    const form = new FormData();
    form.append("files", file, file.name);
    xhr.send(form);
  });
}

async function upload(e) {
  e.preventDefault();
  const files = [...document.getElementById("files").files];
  if (!files.length) return;
  const table = document.getElementById("uploads");
  const tbody = table.querySelector("tbody");
  tbody.innerHTML = "";
  table.hidden = false;
  const rows = files.map((f) => {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${C.esc(f.name)}</td><td><progress max="1" value="0"></progress></td><td class="status"></td>`;
    tbody.appendChild(tr);
    return tr;
  });
  for (let i = 0; i < files.length; i++) await uploadOne(files[i], rows[i]);
  loadDocs();
}

async function loadDocs() {
  const status = document.getElementById("docs-status");
  const resp = await C.api("/v1/documents");
  if (!resp.ok) { status.innerHTML = `<span class="error">${C.esc(resp.status === 401 ? C.t("key.wrong") : C.t("chat.error"))}</span>`; return; }
  const docs = (await resp.json()).documents;
  status.textContent = `${docs.length}`;
  const tbody = document.querySelector("#docs tbody");
  tbody.innerHTML = "";
  for (const d of docs) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td><a href="/doc/${encodeURIComponent(d.doc_id)}">${C.esc(d.source)}</a></td><td>${C.esc(d.doc_type || "")} ${C.esc(d.number || "")}</td>
      <td>${d.n_passages} ${C.esc(C.t("adm.passages"))}</td><td><button type="button" class="ghost" data-i18n="adm.delete"></button></td>`;
    tr.querySelector("button").onclick = async () => {
      if (!confirm(C.t("adm.confirm"))) return;
      await C.api("/v1/documents/" + encodeURIComponent(d.doc_id), { method: "DELETE" });
      loadDocs();
    };
    tbody.appendChild(tr);
  }
  C.applyI18n(tbody);
}

document.addEventListener("DOMContentLoaded", () => {
  C.nav("/admin");
  document.getElementById("upload-form").onsubmit = upload;
  document.getElementById("refresh").onclick = loadDocs;
  loadDocs();
});
