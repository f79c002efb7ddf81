// Shared by the pages: language, API key, fetch with the key, escaping, figure highlighting, navigation.
"use strict";

const I18N = {
  vi: {
    "nav.chat": "Hỏi đáp", "nav.directives": "Tra cứu văn bản", "nav.admin": "Quản trị tài liệu",
    "lang.toggle": "English", "key.title": "Cần khóa API", "key.prompt": "Máy chủ yêu cầu khóa API. Nhập khóa được cấp:",
    "key.save": "Lưu khóa", "key.wrong": "Khóa không đúng hoặc chưa có (401).", "key.button": "Khóa API",
    "chat.new": "Cuộc hỏi đáp mới", "chat.history": "Các cuộc hỏi đáp", "chat.placeholder": "Hỏi về số liệu, văn bản chỉ đạo… (Enter để gửi, Shift+Enter xuống dòng)",
    "chat.send": "Gửi", "chat.searching": "Đang tìm trong tài liệu…", "chat.notfound": "Không tìm thấy thông tin trong tài liệu",
    "chat.related": "Các đoạn có thể liên quan:", "chat.error": "Lỗi máy chủ. Vui lòng thử lại sau.", "chat.sources": "Nguồn",
    "chat.empty": "Hãy đặt câu hỏi, ví dụ: “Tổng thu ngân sách lũy kế quý I là bao nhiêu?”", "chat.you": "Bạn",
    "chat.assistant": "chidao", "cite.title": "Đoạn trích dẫn", "cite.read": "Đọc toàn văn quanh đoạn này",
    "cite.close": "Đóng", "cite.page": "trang", "cite.section": "mục", "chat.untitled": "Cuộc hỏi đáp",
    "dir.title": "Tra cứu văn bản chỉ đạo", "dir.number": "Số hiệu", "dir.type": "Loại văn bản", "dir.any": "Tất cả",
    "dir.from": "Từ ngày", "dir.to": "Đến ngày", "dir.issuer": "Cơ quan ban hành", "dir.agency": "Cơ quan chủ trì/phối hợp",
    "dir.q": "Nội dung (trích yếu)", "dir.search": "Tìm", "dir.sort": "Sắp xếp", "dir.newest": "Mới nhất trước",
    "dir.oldest": "Cũ nhất trước", "dir.results": "văn bản", "dir.none": "Không có văn bản nào khớp bộ lọc.",
    "dir.prev": "Trang trước", "dir.next": "Trang sau", "dir.date": "Ngày", "dir.summary": "Trích yếu",
    "dir.lead": "Chủ trì", "dir.partners": "Phối hợp", "dir.deadlines": "Thời hạn", "dir.implements": "Triển khai",
    "dir.replaces": "Thay thế", "dir.mentions": "Các đoạn nhắc đến văn bản này",
    "adm.title": "Quản trị tài liệu", "adm.upload": "Tải lên", "adm.choose": "Chọn tệp (.txt .pdf .html .docx .doc)",
    "adm.docs": "Tài liệu đã nạp", "adm.delete": "Xóa", "adm.confirm": "Xóa tài liệu này và mọi đoạn của nó?",
    "adm.passages": "đoạn", "adm.refresh": "Làm mới",
    "doc.back": "← Quay lại",
  },
  en: {
    "nav.chat": "Ask", "nav.directives": "Directive catalog", "nav.admin": "Documents admin",
    "lang.toggle": "Tiếng Việt", "key.title": "API key required", "key.prompt": "The server requires an API key. Enter yours:",
    "key.save": "Save key", "key.wrong": "Missing or wrong key (401).", "key.button": "API key",
    "chat.new": "New chat", "chat.history": "Chats", "chat.placeholder": "Ask about figures, directives… (Enter to send, Shift+Enter for a new line)",
    "chat.send": "Send", "chat.searching": "Searching the documents…", "chat.notfound": "The documents do not contain this information",
    "chat.related": "Passages that may be related:", "chat.error": "Server error. Please try again later.", "chat.sources": "Sources",
    "chat.empty": "Ask a question, e.g. “What was the state budget revenue in the first quarter?”", "chat.you": "You",
    "chat.assistant": "chidao", "cite.title": "Cited passage", "cite.read": "Read the whole document around it",
    "cite.close": "Close", "cite.page": "page", "cite.section": "section", "chat.untitled": "Chat",
    "dir.title": "Directive catalog", "dir.number": "Number", "dir.type": "Type", "dir.any": "Any",
    "dir.from": "From", "dir.to": "To", "dir.issuer": "Issuer", "dir.agency": "Lead/partner agency",
    "dir.q": "Text (summary)", "dir.search": "Search", "dir.sort": "Sort", "dir.newest": "Newest first",
    "dir.oldest": "Oldest first", "dir.results": "directives", "dir.none": "No directive matches these filters.",
    "dir.prev": "Previous", "dir.next": "Next", "dir.date": "Date", "dir.summary": "Summary",
    "dir.lead": "Lead", "dir.partners": "Partners", "dir.deadlines": "Deadlines", "dir.implements": "Implements",
    "dir.replaces": "Replaces", "dir.mentions": "Passages mentioning it",
    "adm.title": "Documents admin", "adm.upload": "Upload", "adm.choose": "Choose files (.txt .pdf .html .docx .doc)",
    "adm.docs": "Ingested documents", "adm.delete": "Delete", "adm.confirm": "Delete this document and all its passages?",
    "adm.passages": "passages", "adm.refresh": "Refresh",
    "doc.back": "← Back",
  },
};

const Chidao = {
  lang: localStorage.getItem("chidao.lang") || "vi",
  t(key) { return (I18N[this.lang] && I18N[this.lang][key]) || I18N.vi[key] || key; },
  key() { return localStorage.getItem("chidao.key") || ""; },
  applyI18n(root = document) {
    document.documentElement.lang = this.lang;
    root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = this.t(el.dataset.i18n); });
    root.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = this.t(el.dataset.i18nPlaceholder); });
    root.querySelectorAll("[data-i18n-title]").forEach((el) => { el.title = this.t(el.dataset.i18nTitle); });
  },
  toggleLang() {
    this.lang = this.lang === "vi" ? "en" : "vi";
    localStorage.setItem("chidao.lang", this.lang);
    this.applyI18n();
    document.dispatchEvent(new Event("chidao:lang"));
  },
  headers(extra = {}) {
    const h = { ...extra };
    if (this.key()) h.Authorization = "Bearer " + this.key();
    return h;
  },
  // fetch with the key; a 401 asks for the key once and retries
  async api(path, opts = {}, retried = false) {
    const resp = await fetch(path, { ...opts, headers: this.headers(opts.headers || {}) });
    if (resp.status === 401 && !retried) {
      const ok = await this.askKey(true);
      if (ok) return this.api(path, opts, true);
    }
    return resp;
  },
  askKey(wrong = false) {
    return new Promise((resolve) => {
      const dlg = document.getElementById("key-dialog");
      dlg.querySelector(".key-error").hidden = !wrong;
      const input = dlg.querySelector("input");
      input.value = this.key();
      dlg.showModal();
      input.focus();
      dlg.onclose = () => {
        if (dlg.returnValue === "save" && input.value.trim()) {
          localStorage.setItem("chidao.key", input.value.trim());
          resolve(true);
        } else resolve(false);
      };
    });
  },
  esc(s) {
    return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  },
  // Figures (with their unit when there is one) stand out: 6.137,6 ha · 81% · 570 triệu USD. They are found in
  // the text itself and every piece is escaped once: looking for them in escaped HTML would find the "39" of
  // "&#39;" (an apostrophe) and break the entity.
  figures(text) {
    const units = "(?:\\s?%|\\s(?:nghìn |triệu |tỷ )?(?:đồng|USD|ha|lượt|hồ sơ|doanh nghiệp|vụ|người|con|tấn|chuyến|lớp|chỉ tiêu|dự án|cây cầu|xã|km|m3|m³))?";
    const re = new RegExp("(?<![\\w/.,-])(\\d{1,3}(?:\\.\\d{3})+(?:,\\d+)?|\\d+,\\d+|\\d{2,})" + units + "(?![\\w/])", "g");
    const s = String(text ?? "");
    let html = "", last = 0;
    for (const m of s.matchAll(re)) {
      html += this.esc(s.slice(last, m.index));
      html += /^(19|20)\d\d$/.test(m[0]) ? this.esc(m[0]) : `<mark class="fig">${this.esc(m[0])}</mark>`;
      last = m.index + m[0].length;
    }
    return html + this.esc(s.slice(last));
  },
  nav(active) {
    const items = [["/", "nav.chat"], ["/directives", "nav.directives"], ["/admin", "nav.admin"]];
    const links = items.map(([href, key]) => `<a href="${href}"${href === active ? ' aria-current="page"' : ""} data-i18n="${key}"></a>`).join("");
    document.getElementById("topbar").innerHTML = `
      <a class="brand" href="/">chidao</a><nav>${links}</nav>
      <span class="spacer"></span>
      <button type="button" id="key-button" class="ghost" data-i18n="key.button"></button>
      <button type="button" id="lang-button" class="ghost" data-i18n="lang.toggle"></button>`;
    document.getElementById("lang-button").onclick = () => this.toggleLang();
    document.getElementById("key-button").onclick = () => this.askKey(false);
    if (!document.getElementById("key-dialog")) {
      document.body.insertAdjacentHTML("beforeend", `
        <dialog id="key-dialog"><form method="dialog">
          <h2 data-i18n="key.title"></h2><p data-i18n="key.prompt"></p>
          <p class="key-error error" data-i18n="key.wrong" hidden></p>
          <input type="password" autocomplete="off" aria-label="API key">
          <menu><button value="cancel" class="ghost">✕</button><button value="save" data-i18n="key.save"></button></menu>
        </form></dialog>`);
    }
    this.applyI18n();
  },
};
window.Chidao = Chidao;
