// The chat page: streamed answers, figures highlighted, citation chips that open the cited passage with the
// quoted sentence highlighted, follow-ups in one server-side session, past chats of this browser.
"use strict";
const C = window.Chidao;
const store = {
  all() { try { return JSON.parse(localStorage.getItem("chidao.chats") || "[]"); } catch { return []; } },
  save(chats) { localStorage.setItem("chidao.chats", JSON.stringify(chats.slice(0, 50))); },
};
let chats = store.all();
let current = null; // {id, session_id, title, turns: [{q, answer}]}

function renderList() {
  const ul = document.getElementById("chat-list");
  ul.innerHTML = "";
  for (const ch of chats) {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = ch.title || C.t("chat.untitled");
    b.title = ch.title || "";
    b.setAttribute("aria-current", current && ch.id === current.id ? "true" : "false");
    b.onclick = () => open(ch.id);
    li.appendChild(b);
    ul.appendChild(li);
  }
}

function newChat() {
  current = { id: "c" + Date.now(), session_id: null, title: "", turns: [] };
  renderMessages();
  renderList();
  document.getElementById("question").focus();
}

function open(id) {
  current = chats.find((c) => c.id === id) || null;
  renderMessages();
  renderList();
}

function persist() {
  if (!current || !current.turns.length) return;
  chats = [current, ...chats.filter((c) => c.id !== current.id)];
  store.save(chats);
  renderList();
}

function renderMessages() {
  const box = document.getElementById("messages");
  box.innerHTML = "";
  if (!current || !current.turns.length) {
    box.innerHTML = `<p class="muted">${C.esc(C.t("chat.empty"))}</p>`;
    return;
  }
  for (const turn of current.turns) {
    box.appendChild(userBubble(turn.q));
    const bubble = assistantBubble();
    if (turn.answer) showAnswer(bubble, turn.answer);
    else if (turn.error) showError(bubble, turn.error);
    box.appendChild(bubble);
  }
  box.scrollTop = box.scrollHeight;
}

function userBubble(q) {
  const d = document.createElement("div");
  d.className = "msg user";
  d.innerHTML = `<span class="who">${C.esc(C.t("chat.you"))}</span>${C.esc(q)}`;
  return d;
}

function assistantBubble() {
  const d = document.createElement("div");
  d.className = "msg assistant";
  d.innerHTML = `<span class="who">${C.esc(C.t("chat.assistant"))}</span><span class="answer-text"></span><div class="extra"></div>`;
  return d;
}

// the answer's [n] markers become buttons that open citation n
function answerHtml(text, citations) {
  const known = new Set(citations.map((c) => c.n));
  return C.figures(text).replace(/\[(\d+)\]/g, (m, n) =>
    known.has(Number(n)) ? `<button type="button" class="cite" data-n="${n}" aria-label="${C.t("chat.sources")} ${n}">${n}</button>` : m);
}

function showAnswer(bubble, ans) {
  const text = bubble.querySelector(".answer-text");
  const extra = bubble.querySelector(".extra");
  bubble.classList.toggle("abstained", !!ans.abstained);
  if (ans.abstained) {
    text.innerHTML = `<strong>${C.esc(C.t("chat.notfound"))}</strong>`;
    const rel = ans.related || [];
    extra.innerHTML = rel.length ? `<div class="related">${C.esc(C.t("chat.related"))}<div class="chips">${
      rel.map((c) => `<button type="button" class="chip" data-rel="${c.n}" title="${C.esc(c.label)}">${C.esc(c.label)}</button>`).join("")}</div></div>` : "";
  } else {
    text.innerHTML = answerHtml(ans.answer, ans.citations || []);
    extra.innerHTML = `<div class="chips" aria-label="${C.esc(C.t("chat.sources"))}">${(ans.citations || []).map((c) =>
      `<button type="button" class="chip" data-n="${c.n}" title="${C.esc(c.label)}">[${c.n}] ${C.esc(c.label)}</button>`).join("")}</div>`;
  }
  bubble.querySelectorAll("button[data-n]").forEach((b) => {
    b.onclick = () => showCitation((ans.citations || []).find((c) => String(c.n) === b.dataset.n));
  });
  bubble.querySelectorAll("button[data-rel]").forEach((b) => {
    b.onclick = () => showCitation((ans.related || []).find((c) => String(c.n) === b.dataset.rel));
  });
}

function showError(bubble, message) {
  bubble.querySelector(".answer-text").innerHTML = `<span class="error">${C.esc(message)}</span>`;
}

function showCitation(c) {
  if (!c) return;
  const panel = document.getElementById("citation");
  document.getElementById("cite-label").innerHTML = `<strong>${C.esc(c.label)}</strong>`;
  const md = c.metadata || {};
  const bits = [md.title, c.section && `${C.t("cite.section")} ${c.section}`, c.page && `${C.t("cite.page")} ${c.page}`, c.source];
  document.getElementById("cite-meta").textContent = bits.filter(Boolean).join(" · ");
  const t = c.text || "";
  let html;
  if (c.quote_start >= 0 && c.quote_end > c.quote_start) {
    html = C.esc(t.slice(0, c.quote_start)) + `<mark class="quote">${C.esc(t.slice(c.quote_start, c.quote_end))}</mark>` + C.esc(t.slice(c.quote_end));
  } else html = C.esc(t);
  document.getElementById("cite-text").innerHTML = html;
  const read = document.getElementById("cite-read");
  read.href = `/doc/${encodeURIComponent(c.doc_id)}#p-${c.id}`;
  panel.hidden = false;
  panel.focus();
  const q = panel.querySelector("mark.quote");
  if (q) q.scrollIntoView({ block: "center" });
}

async function ask(question) {
  if (!current) newChat();
  const turn = { q: question, answer: null };
  current.turns.push(turn);
  if (!current.title) current.title = question.slice(0, 60);
  const box = document.getElementById("messages");
  if (current.turns.length === 1) box.innerHTML = "";
  box.appendChild(userBubble(question));
  const bubble = assistantBubble();
  const text = bubble.querySelector(".answer-text");
  text.innerHTML = `<span class="status">${C.esc(C.t("chat.searching"))}</span>`;
  box.appendChild(bubble);
  box.scrollTop = box.scrollHeight;
  const send = document.getElementById("send");
  send.disabled = true;
  try {
    const resp = await C.api("/v1/ask", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ question, session_id: current.session_id, stream: true }),
    });
    if (resp.status === 401) throw new Error(C.t("key.wrong"));
    if (!resp.ok) {
      let detail = C.t("chat.error");
      try { detail = (await resp.json()).detail || detail; } catch {}
      throw new Error(detail);
    }
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buf = "", streamed = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = (block.match(/^event: (.*)$/m) || [])[1];
        const data = JSON.parse((block.match(/^data: (.*)$/m) || [])[1] || "{}");
        if (ev === "meta" && data.session_id) current.session_id = data.session_id;
        if (ev === "delta") { streamed += data.text; text.innerHTML = C.figures(streamed); }
        if (ev === "done") { turn.answer = data; current.session_id = data.session_id || current.session_id; showAnswer(bubble, data); }
        if (ev === "error") throw new Error(data.error || C.t("chat.error"));
      }
      box.scrollTop = box.scrollHeight;
    }
    if (!turn.answer) throw new Error(C.t("chat.error"));
  } catch (err) {
    turn.error = err.message || C.t("chat.error");
    showError(bubble, turn.error);
  } finally {
    send.disabled = false;
    persist();
  }
}

document.addEventListener("DOMContentLoaded", () => {
  C.nav("/");
  document.getElementById("new-chat").onclick = newChat;
  document.getElementById("cite-close").onclick = () => { document.getElementById("citation").hidden = true; };
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") document.getElementById("citation").hidden = true; });
  const form = document.getElementById("ask-form");
  const input = document.getElementById("question");
  form.onsubmit = (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    input.value = "";
    ask(q);
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  document.addEventListener("chidao:lang", renderMessages);
  if (chats.length) open(chats[0].id); else newChat();
});
