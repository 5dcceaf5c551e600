// The staff console: sign-in, hotline intake, my queue, the office's cases with
// assignment, and the case page (timeline, clocks, the actions this user may take).
'use strict';
(() => {
  const { el, date, api, showProblem, workdays } = P;
  const main = document.getElementById('main');
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const status = document.getElementById('status');
  let me = null;
  // The latest navigation: a slow answer for a page the user has left must not
  // replace the page they are on now.
  let navigation = 0;

  // The words of every deployed workflow (GET /api/v1/workflows) and the offices' names
  // (GET /api/v1/offices), loaded at sign-in: the console names no state, event, clock
  // or field of its own, so an office's own workflow needs no change here.
  let words = { workflows: {}, events: {}, fields: {}, offices: {} };
  const byName = (list) => Object.fromEntries(list.map(x => [x.name, x]));
  async function loadWords() {
    const [w, o] = await Promise.all([api('GET', '/api/v1/workflows'), api('GET', '/api/v1/offices')]);
    const next = { workflows: {}, events: byName(w.data.builtin_events), fields: byName(w.data.builtin_fields), offices: {} };
    for (const wf of w.data.items) {
      next.workflows[wf.name] = { states: byName(wf.states), events: byName(wf.events), clocks: byName(wf.clocks), fields: byName(wf.fields), diagram: wf };
    }
    for (const office of o.data.items) next.offices[office.code] = office.name;
    words = next;
  }
  const vocab = (wf) => words.workflows[wf && wf.name ? wf.name : wf] || { states: {}, events: {}, clocks: {}, fields: {} };
  const stateWords = (wf, name) => vocab(wf).states[name] || null;
  const eventWords = (wf, name) => vocab(wf).events[name] || words.events[name] || null;
  const stateLabel = (wf, name) => (stateWords(wf, name) || { label: name }).label;
  const eventLabel = (wf, name) => (eventWords(wf, name) || { label: name }).label;
  const clockLabel = (wf, name) => (vocab(wf).clocks[name] || { label: name }).label;
  const fieldWords = (wf, name) => vocab(wf).fields[name] || words.fields[name] || null;
  const officeName = (code) => words.offices[code] || code;
  // The step that asked the petitioner for more (it entered a state that pauses a
  // clock): its public data is what the one-time notice (一次告知單) lists.
  const asksPetitioner = (wf, e) => e.from !== e.to && (stateWords(wf, e.to) || {}).pauses_clocks;
  const allWorkflows = () => Object.values(words.workflows).map(w => w.diagram);
  const unique = (list) => [...new Set(list)];
  // Where new cases wait to be assigned: every workflow's initial state.
  const initialStates = () => unique(allWorkflows().map(wf => (wf.states.find(s => s.initial) || {}).name).filter(Boolean));
  // Where a case waits after its reply (the step that declares a `counts_as`: for a
  // workflow's own event that can only be the reply), until it is closed.
  const repliedStates = () => unique(allWorkflows().flatMap(wf => wf.transitions
    .filter(t => (vocab(wf).events[t.on] || {}).counts_as && !(vocab(wf).states[t.to] || {}).final).map(t => t.to)));
  // The event this user may send now that sets the assignee (分案/改派), or null.
  const assignEvent = (c) => {
    const wf = vocab(c.workflow).diagram;
    const t = wf && wf.transitions.find(x => x.from.includes(c.state) && x.require.includes('assignee') && c.allowed_events.includes(x.on));
    return t ? t.on : null;
  };
  // One list per state (the API filters by one), merged by id in the order of `sort=due`.
  async function casesIn(states, query) {
    const pages = await Promise.all(states.map(s => api('GET', `/api/v1/cases?state=${encodeURIComponent(s)}&${query}`)));
    const seen = new Set();
    return pages.flatMap(p => p.data.items).filter(c => !seen.has(c.id) && seen.add(c.id));
  }

  function say(text) { status.textContent = text; setTimeout(() => { if (status.textContent === text) status.textContent = ''; }, 4000); }
  function has(role) { return me && me.roles.includes(role); }
  function field(name, label, input, hint) {
    input.id = input.id || `f-${name}`;
    input.name = name;
    return el('div', { class: 'field' }, el('label', { for: input.id, text: label }), input,
      hint ? el('span', { class: 'hint', text: hint }) : null, el('p', { class: 'error', id: `${input.id}-error` }));
  }
  function filesOf(input) {
    const fd = new FormData();
    for (const f of input.files) fd.append('file', f, f.name);
    return fd;
  }
  const sizeText = (n) => n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
  // The case's files: each a download (the server never lets the browser render one);
  // an image checked by its bytes may be previewed in place.
  function filesSection(c, files) {
    const list = el('ul', { id: 'attachments', class: 'files' }, el('li', { class: 'hint', text: '載入中…' }));
    const error = el('p', { class: 'error', role: 'alert' });
    const path = `/api/v1/cases/${c.id}/attachments`;
    files.then((items) => {
      list.replaceChildren(...(items.length ? items.map(f => {
        const figure = el('div', { class: 'preview' });
        const preview = f.previewable ? el('button', { type: 'button', class: 'secondary', text: '預覽', 'aria-expanded': 'false', onclick: (ev) => {
          const open = ev.target.getAttribute('aria-expanded') === 'true';
          ev.target.setAttribute('aria-expanded', String(!open));
          figure.replaceChildren(...(open ? [] : [el('img', { src: `${f.href}?preview=true`, alt: `${f.filename}（預覽）` })]));
        } }) : null;
        return el('li', { 'data-attachment': f.id },
          el('a', { href: f.href, download: f.filename, text: f.filename }), ' ',
          el('span', { class: 'hint', text: `${sizeText(f.size)}，${f.source === 'intake' ? '隨陳情送達' : `${f.added_by} 上傳`}${f.content_type ? '' : '，非本所接受的檔案類型，請勿開啟'}` }), ' ',
          preview, figure);
      }) : [el('li', { class: 'hint', text: '沒有附件。' })]));
    }).catch(e => { list.replaceChildren(); error.textContent = e.message; });
    const input = el('input', { type: 'file', multiple: true, id: `f-upload-${c.id}` });
    const form = el('form', { class: 'upload', novalidate: true },
      field('file', '上傳附件（圖片、PDF、Office 或 ODF 文件）', input),
      el('button', { type: 'submit', class: 'secondary', text: '上傳' }));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (staleGuard(error)) return;
      if (!input.files.length) { error.textContent = '請先選擇檔案。'; input.focus(); return; }
      try {
        await api('POST', path, filesOf(input));
        say(`已上傳 ${input.files.length} 個檔案`);
        caseView(c.id);
      } catch (e) {
        if (e.status === 401) { failed(e); return; }
        error.textContent = [e.message, ...((e.problem && e.problem.errors) || [])].join('；');
      }
    });
    return el('section', { class: 'card' }, el('h3', { text: '附件' }), list, form, error);
  }
  function failed(e) {
    if (e.status === 401) { me = null; show('#/login'); return; }
    say(e.message);
  }

  // --- sign-in -------------------------------------------------------------------
  function loginView() {
    nav.hidden = true; who.hidden = true;
    const search = document.getElementById('search');
    if (search) search.hidden = true;
    const error = el('p', { class: 'error', role: 'alert' });
    const form = el('form', { class: 'card', novalidate: true },
      el('h2', { text: '登入' }),
      field('login', '帳號', el('input', { autocomplete: 'username', required: true })),
      field('password', '密碼', el('input', { type: 'password', autocomplete: 'current-password', required: true })),
      el('button', { type: 'submit', text: '登入' }), error);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const { data } = await api('POST', '/api/v1/sessions', { login: form.login.value, password: form.password.value, cookie: true });
        P.setCsrf(data.csrf_token);
        await whoAmI();
        location.hash = home();
      } catch (e) {
        // The console speaks Chinese; the server's sign-in problems are English.
        showProblem(form, e, error);
        if (e.status === 401) error.textContent = '帳號或密碼錯誤';
        if (e.status === 429) error.textContent = `登入失敗次數過多，請於 ${e.headers.get('Retry-After') || '…'} 秒後再試`;
        form.password.value = ''; form.password.focus();
      }
    });
    main.replaceChildren(form);
    form.login.focus();
  }
  async function whoAmI() {
    const { data } = await api('GET', '/api/v1/sessions/current');
    me = data;
    P.setCsrf(data.csrf_token);
    await loadWords();
    const links = [];
    if (has('intake') || has('handler')) links.push(['#/intake', '來電登錄', '1']);
    if (has('handler')) links.push(['#/queue', '我的案件', '2']);
    if (has('supervisor') || has('director') || has('admin')) links.push(['#/office', '本所案件', '3']);
    if (has('director') || has('privacy_officer')) links.push(['#/director', '主任審閱', '4']);
    if (has('admin')) links.push(['#/admin', '系統管理', '5']);
    if (has('supervisor') || has('director') || has('admin')) links.push(['#/stats', '統計', '6']);
    if (has('supervisor') || has('director') || has('admin')) links.push(['#/templates', '常用答覆', '7']);
    nav.replaceChildren(...links.map(([href, text, key]) => el('a', { href, 'data-key': key, title: `Alt+${key}`, text: `${text} (Alt+${key})` })));
    if (!document.getElementById('search')) nav.after(searchForm());
    document.getElementById('search').hidden = false;
    who.replaceChildren(el('span', { text: `${me.login}（${officeName(me.office)}）` }),
      el('a', { href: '#/settings', class: 'settings', text: '設定' }),
      el('button', { type: 'button', text: '登出', onclick: async () => { leaveCase(); try { await api('DELETE', '/api/v1/sessions/current'); } catch (e) { /* gone already */ } me = null; location.hash = '#/login'; } }));
    nav.hidden = false; who.hidden = false;
  }
  function home() { return has('intake') ? '#/intake' : has('handler') ? '#/queue' : '#/office'; }

  // --- search: a box on every page ("/" goes there), results with the words marked ---
  function searchForm() {
    const input = el('input', { type: 'search', id: 'search-q', name: 'q', maxlength: '200', autocomplete: 'off',
      placeholder: '搜尋案件（按 / ）', 'aria-label': '搜尋案件', title: '主旨、內容、答覆、案號、陳情人姓名與聯絡方式' });
    const form = el('form', { role: 'search', id: 'search', class: 'search', onsubmit: (ev) => {
      ev.preventDefault();
      const q = input.value.trim();
      if (q) location.hash = `#/search?q=${encodeURIComponent(q)}`;
    } }, input, el('button', { type: 'submit', class: 'secondary', text: '搜尋' }));
    return form;
  }
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== '/' || ev.altKey || ev.ctrlKey || ev.metaKey || !me) return;
    const t = document.activeElement;
    if (t && (['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName) || t.isContentEditable)) return;
    const box = document.getElementById('search-q');
    if (box) { ev.preventDefault(); box.focus(); box.select(); }
  });
  // The server's normal form (migrations/0018 petitiond_search_norm): NFKC, 臺 as 台,
  // ASCII letters in lower case. Made character by character, with where each piece
  // came from, so that a match in the normal form marks the original text.
  function normalised(text) {
    let norm = '';
    const from = [];
    let at = 0;
    for (const ch of text) {
      const piece = ch.normalize('NFKC').replace(/臺/g, '台').replace(/[A-Z]/g, (c) => c.toLowerCase());
      for (let i = 0; i < piece.length; ++i) from.push(at);
      norm += piece;
      at += ch.length;
    }
    from.push(at);
    return { norm, from };
  }
  function searchNorm(text) { return normalised(text).norm; }
  function searchTerms(q) {
    // A phone number with spaces or hyphens is one word, as the server reads it.
    const joined = q.replace(/[+(]?[0-9][0-9()\- ]{4,}[0-9]/g, (run) => (run.match(/[0-9]/g) || []).length >= 6 ? run.replace(/[ ()-]/g, '').replace(/^\+886/, '0') : run);
    return searchNorm(joined).split(/\s+/).filter(Boolean);
  }
  // `text` with every occurrence of `terms` in <mark>; built from text nodes, never HTML.
  function marked(text, terms) {
    const { norm, from: origin } = normalised(text);
    const hits = [];
    for (const t of terms) {
      for (let at = norm.indexOf(t); at >= 0 && t; at = norm.indexOf(t, at + t.length)) {
        hits.push([origin[at], origin[at + t.length - 1] + (text.codePointAt(origin[at + t.length - 1]) > 0xFFFF ? 2 : 1)]);
      }
    }
    hits.sort((a, b) => a[0] - b[0]);
    const out = [];
    let pos = 0;
    for (const [from, to] of hits) {
      if (from < pos) continue;
      if (from > pos) out.push(text.slice(pos, from));
      out.push(el('mark', { text: text.slice(from, to) }));
      pos = to;
    }
    if (pos < text.length) out.push(text.slice(pos));
    return out;
  }
  // A piece of the body around its first match.
  function snippet(body, terms) {
    const { norm, from: origin } = normalised(body);
    const first = Math.min(...terms.map(t => norm.indexOf(t)).filter(i => i >= 0).map(i => origin[i]));
    if (!Number.isFinite(first)) return body.length > 80 ? body.slice(0, 80) + '…' : body;
    const from = Math.max(0, first - 30);
    return (from > 0 ? '…' : '') + body.slice(from, from + 100) + (from + 100 < body.length ? '…' : '');
  }
  async function searchView(q, cursor, sort) {
    const mine = navigation;
    const box = document.getElementById('search-q');
    if (box && document.activeElement !== box) box.value = q;
    const terms = searchTerms(q);
    try {
      const newest = sort === 'newest';
      const { data } = await api('GET', `/api/v1/cases?q=${encodeURIComponent(q)}&limit=50${newest ? '&sort=newest' : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (mine !== navigation) return;
      const rows = data.items.map(c => el('tr', { class: c.overdue ? 'overdue' : null, 'data-id': c.id },
        el('td', {}, el('a', { href: `#/cases/${c.id}` }, marked(c.public_no, terms))),
        el('td', {}, el('div', {}, marked(c.subject, terms), c.confidential ? el('span', { class: 'pill', text: ' 保密' }) : null),
          el('div', { class: 'snippet' }, marked(snippet(c.body || '', terms), terms))),
        el('td', {}, marked([c.petitioner.name, c.petitioner.phone].filter(Boolean).join(' '), terms)),
        el('td', { text: stateLabel(c.workflow, c.state) }),
        el('td', { text: officeName(c.office) }),
        el('td', {}, date(c.received_at))));
      const base = `#/search?q=${encodeURIComponent(q)}`;
      main.replaceChildren(...[el('h2', { text: `搜尋「${q}」：${data.items.length}${data.next ? '+' : ''} 件（${newest ? '新收件在前' : '相關度高者在前'}）` }),
        el('p', {}, newest ? el('a', { href: base, text: '改依相關度排列（最新 200 件中）' }) : el('a', { href: `${base}&sort=newest`, text: '改依收件先後列出全部' })),
        data.items.length ? el('table', { class: 'results' },
          el('thead', {}, el('tr', {}, ['案件編號', '主旨與內容', '陳情人', '狀態', '機關', '收件'].map(h => el('th', { text: h })))),
          el('tbody', {}, rows)) : el('p', { text: '找不到符合的案件。中文請輸入兩個字以上；電話號碼可含 - 或空格。' }),
        data.next ? el('p', {}, el('a', { href: `${base}${newest ? '&sort=newest' : ''}&cursor=${encodeURIComponent(data.next)}`, text: '下一頁' })) : null].filter(Boolean));
    } catch (e) {
      if (mine !== navigation) return;
      if (e.status === 400) main.replaceChildren(el('h2', { text: `搜尋「${q}」` }), el('p', { class: 'error', role: 'alert', text: e.message === 'q needs a word of at least two characters' ? '請輸入至少兩個字。' : e.message }));
      else failed(e);
    }
  }
  document.addEventListener('keydown', (ev) => {
    if (!ev.altKey || !me) return;
    const a = nav.querySelector(`a[data-key="${ev.key}"]`);
    if (a) { ev.preventDefault(); location.hash = a.getAttribute('href'); }
  });

  // --- hotline intake (keyboard only: Tab between fields, Enter or Ctrl+Enter to file) ---
  function intakeView() {
    const error = el('p', { class: 'error', role: 'alert' });
    const category = el('select', {}, ['陳情', '諮詢', '檢舉', '其他'].map(c => el('option', { value: c, text: c })));
    // The office's categories (routing.yaml, published as the Open311 services), so
    // calls, forms and apps count under the same names in 統計.
    api('GET', '/open311/v2/services.json').then(({ data }) => {
      if (!Array.isArray(data) || !data.length || category.dataset.touched) return;
      category.replaceChildren(...data.map(s => el('option', { value: s.service_name, text: s.service_name })));
    }).catch(() => { /* the short list above stays */ });
    category.addEventListener('change', () => { category.dataset.touched = '1'; });
    const repeats = el('div', { 'aria-live': 'polite' });
    const form = el('form', { class: 'card', novalidate: true },
      el('h2', { text: '1999 來電登錄' }),
      el('p', { class: 'shortcuts', text: '快速鍵：Tab 下一欄、Enter 或 Ctrl+Enter 登錄、Alt+2 我的案件' }),
      el('div', { class: 'row' },
        field('category', '類別', category),
        field('office', '辦公處所', el('input', { value: me.office, autocomplete: 'off', size: 12 }), '本所以外：主任與管理者'),
        field('confidential', '陳情人要求保密', el('select', {}, el('option', { value: 'no', text: '否' }), el('option', { value: 'yes', text: '是' })))),
      el('div', { class: 'row' },
        field('name', '陳情人姓名', el('input', { autocomplete: 'off' })),
        field('phone', '電話', el('input', { type: 'tel', autocomplete: 'off' })),
        field('email', '電子郵件', el('input', { type: 'email', autocomplete: 'off' }))),
      field('address', '地址', el('input', { autocomplete: 'off' })),
      field('subject', '主旨', el('input', { required: true, maxlength: 200 })),
      field('body', '內容', el('textarea', { rows: 5, required: true }), 'Ctrl+Enter 登錄'),
      field('file', '附件（掃描信件、照片；圖片、PDF、Office 或 ODF 文件）', el('input', { type: 'file', multiple: true })),
      field('language', '通知語言', el('select', {}, el('option', { value: 'zh-Hant-TW', text: '中文' }), el('option', { value: 'en', text: 'English（外籍人士）' })),
        '受理及答覆通知以此語言寄送'),
      repeats,
      el('button', { type: 'submit', text: '登錄' }), error);
    form.body.addEventListener('keydown', (ev) => { if (ev.key === 'Enter' && ev.ctrlKey) { ev.preventDefault(); form.requestSubmit(); } });
    // Earlier cases of this caller appear while the number is typed.
    let lookup = null;
    const findRepeats = () => {
      clearTimeout(lookup);
      lookup = setTimeout(async () => {
        const phone = form.phone.value.trim(), email = form.email.value.trim();
        if (phone.replace(/\D/g, '').length < 8 && !email.includes('@')) { repeats.replaceChildren(); return; }
        try {
          const { data } = await api('GET', `/api/v1/repeats?phone=${encodeURIComponent(phone)}&email=${encodeURIComponent(email)}`);
          repeats.replaceChildren(...(data.items.length ? [el('p', { class: 'pill bad', id: 'repeats', text: `此陳情人近期另有 ${data.items.length} 件：` + data.items.map(d => `${d.public_no}「${d.subject}」`).join('、') })] : []));
        } catch (e) { /* the form still works without the hint */ }
      }, 300);
    };
    form.phone.addEventListener('input', findRepeats);
    form.email.addEventListener('input', findRepeats);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const petitioner = {};
      for (const k of ['name', 'phone', 'email', 'address']) if (form[k].value.trim()) petitioner[k] = form[k].value.trim();
      if (form.language.value === 'en') petitioner.language = 'en';
      try {
        const { data } = await api('POST', '/api/v1/cases', {
          channel: 'hotline', category: category.value, confidential: form.confidential.value === 'yes',
          office: form.office.value.trim() || undefined,
          subject: form.subject.value, body: form.body.value, petitioner });
        // The case exists now; its files follow. A file refused is said on the
        // confirmation, and can be added again on the case page.
        let filesNote = null;
        if (form.file.files.length) {
          try {
            await api('POST', `/api/v1/cases/${data.id}/attachments`, filesOf(form.file));
            filesNote = el('p', { id: 'files-note', text: `已附 ${form.file.files.length} 個檔案。` });
          } catch (e) {
            filesNote = el('p', { class: 'error', role: 'alert', id: 'files-note', text: `案件已登錄，但附件未能上傳：${[e.message, ...((e.problem && e.problem.errors) || [])].join('；')}（可在案件頁重新上傳）` });
          }
        }
        main.replaceChildren(el('section', { class: 'card', tabindex: '-1', id: 'filed' },
          el('h2', { text: '已登錄，請告知陳情人' }),
          el('p', {}, '案件編號', el('br'), el('span', { class: 'big', id: 'public-no', text: data.public_no })),
          el('p', {}, '查詢碼', el('br'), el('span', { class: 'big', id: 'access-code', text: data.access_code })),
          filesNote,
          data.possible_duplicates.length ? el('p', { class: 'pill bad', text: `同一陳情人近期另有 ${data.possible_duplicates.length} 件：${data.possible_duplicates.map(d => d.public_no).join('、')}` }) : null,
          el('p', {}, el('a', { href: `#/cases/${data.id}`, text: '開啟案件' }), '　', el('a', { href: '#/intake', id: 'next-call', text: '登錄下一通 (Enter)', onclick: (ev) => { ev.preventDefault(); ++navigation; intakeView(); } }))));
        document.getElementById('next-call').focus();
      } catch (e) { if (e.status === 401) failed(e); else showProblem(form, e, error); }
    });
    main.replaceChildren(form);
    form.category.focus();
  }

  // --- lists ---------------------------------------------------------------------
  // `select` (the office page): a checkbox per row for the bulk actions, kept in
  // `select.ids` across the page's refreshes.
  function caseTable(items, extra, select) {
    return el('table', {},
      el('thead', {}, el('tr', {}, select ? el('th', {}, el('span', { class: 'hp', text: '選取' })) : null, ['案件編號', '主旨', '狀態', '承辦人', '期限', '剩餘'].map((h, i) => el('th', { class: i === 3 ? 'opt' : null, text: h })), extra ? el('th', { text: '分案' }) : null)),
      el('tbody', {}, items.map(c => {
        const clock = c.clocks.find(k => !k.stopped) || null;
        return el('tr', { class: c.overdue ? 'overdue' : null, 'data-id': c.id },
          select ? el('td', {}, el('input', { type: 'checkbox', class: 'pick', 'data-id': c.id, 'aria-label': `選取 ${c.public_no}`, checked: select.ids.has(c.id), onchange: (ev) => select.toggle(c, ev.target.checked) })) : null,
          el('td', {}, el('a', { href: `#/cases/${c.id}`, text: c.public_no })),
          el('td', {}, c.subject, c.confidential ? el('span', { class: 'pill', text: ' 保密' }) : null,
            c.clocks.some(k => k.pending_extension) ? el('span', { class: 'pill bad', text: ' 展延待核' }) : null,
            c.draft ? el('span', { class: 'pill bad', text: ` ${eventLabel(c.workflow, c.draft.event)}待核定` }) : null),
          el('td', { text: stateLabel(c.workflow, c.state) }),
          el('td', { class: 'opt', text: c.assignee || '—' }),
          el('td', {}, clock ? date(clock.due_at) : '—'),
          el('td', { class: 'left', text: clock ? (clock.paused ? '暫停計算' : workdays(clock.workdays_left)) : '' }),
          extra ? el('td', {}, extra(c)) : null);
      })));
  }
  async function queueView() {
    const mine = navigation;
    try {
      const { data } = await api('GET', `/api/v1/cases?assignee=${encodeURIComponent(me.login)}&sort=due&fields=summary&limit=50`);
      if (mine !== navigation) return;
      main.replaceChildren(el('h2', { text: '我的案件（期限最近者在前）' }), data.items.length ? caseTable(data.items) : el('p', { text: '目前沒有指派給您的案件。' }));
    } catch (e) { failed(e); }
  }
  // The office page's selection for bulk actions: ids and the rows they were picked
  // from (their version and the assign event this user may send), kept across refreshes.
  const picked = { ids: new Set(), cases: new Map() };
  picked.toggle = (c, on) => {
    if (on) { picked.ids.add(c.id); picked.cases.set(c.id, c); } else { picked.ids.delete(c.id); picked.cases.delete(c.id); }
    for (const box of main.querySelectorAll(`input.pick[data-id="${c.id}"]`)) box.checked = on;
    const count = document.getElementById('bulk-count');
    if (count) count.textContent = `已選 ${picked.ids.size} 件`;
  };
  // Assign, reassign or comment on every selected case in one action: each case is its
  // own audited step, and the answer says which succeeded.
  function bulkBar(staff) {
    const result = el('div', { id: 'bulk-result', 'aria-live': 'polite' });
    const who = el('select', { id: 'f-bulk-assignee' }, el('option', { value: '', text: '選擇承辦人' }), staff.map(s => el('option', { value: s.login, text: s.login })));
    const note = el('input', { id: 'f-bulk-comment', maxlength: 2000, size: 24 });
    const show = (data, verb) => {
      const items = data.items.map(r => {
        const c = picked.cases.get(r.id) || { public_no: r.public_no || String(r.id) };
        return el('li', { class: r.ok ? null : 'error', text: r.ok ? `${c.public_no}：已${verb}` : `${c.public_no}：未${verb}（${r.problem.detail || r.problem.title}）` });
      });
      result.replaceChildren(el('p', { text: `成功 ${data.succeeded} 件，失敗 ${data.failed} 件` }), el('ul', {}, items));
      for (const r of data.items) if (r.ok) picked.toggle(picked.cases.get(r.id) || { id: r.id }, false);
    };
    const send = async (body, verb) => {
      try {
        const { data } = await api('POST', '/api/v1/bulk-actions', body);
        show(data, verb);
        officeView(true);
      } catch (e) { if (e.status === 401) failed(e); else result.replaceChildren(el('p', { class: 'error', role: 'alert', text: [e.message, ...((e.problem && e.problem.errors) || [])].join('；') })); }
    };
    const assign = el('button', { type: 'button', id: 'bulk-assign', text: '分派選取的案件', onclick: () => {
      if (!picked.ids.size) { result.replaceChildren(el('p', { class: 'error', text: '請先勾選案件。' })); return; }
      if (!who.value) { who.focus(); return; }
      const cases = [...picked.cases.values()].map(c => ({ id: c.id, event: assignEvent(c) || undefined, version: c.version }));
      const cannot = cases.filter(c => !c.event);
      if (cannot.length) {
        result.replaceChildren(el('p', { class: 'error', text: `${cannot.map(c => picked.cases.get(c.id).public_no).join('、')} 目前無法分案，請取消勾選。` }));
        return;
      }
      send({ cases, data: { assignee: who.value } }, `分派給 ${who.value}`);
    } });
    const comment = el('button', { type: 'button', class: 'secondary', id: 'bulk-comment', text: '加註選取的案件', onclick: () => {
      if (!picked.ids.size) { result.replaceChildren(el('p', { class: 'error', text: '請先勾選案件。' })); return; }
      if (!note.value.trim()) { note.focus(); return; }
      send({ cases: [...picked.ids].map(id => ({ id })), comment: note.value.trim() }, '加註');
    } });
    return el('section', { class: 'card bulk', 'aria-label': '批次處理' },
      el('p', {}, el('strong', { id: 'bulk-count', text: `已選 ${picked.ids.size} 件` }), '　',
        el('label', { for: who.id, text: '分派給' }), who, assign, '　', el('label', { for: note.id, text: '加註' }), note, comment), result);
  }
  async function officeView(keepResult) {
    const mine = navigation;
    const previous = keepResult ? document.getElementById('bulk-result') : null;
    try {
      const [{ data }, unassigned, staff, drafts] = await Promise.all([
        api('GET', '/api/v1/cases?sort=due&fields=summary&limit=50'),
        casesIn(initialStates(), 'sort=due&fields=summary&limit=50'),
        api('GET', '/api/v1/staff').then(r => r.data.items.filter(s => s.roles.includes('handler'))).catch(() => []),
        api('GET', '/api/v1/cases?draft=true&sort=due&fields=summary&limit=50')]);
      const assign = (c) => {
        const event = assignEvent(c);
        if (!event) return '';
        const select = el('select', { 'aria-label': `${c.public_no} 承辦人` }, el('option', { value: '', text: '選擇承辦人' }), staff.map(s => el('option', { value: s.login, text: s.login, selected: s.login === c.assignee })));
        const button = el('button', { type: 'button', text: c.assignee ? '改派' : '分案', onclick: async () => {
          if (!select.value) { select.focus(); return; }
          try {
            await api('POST', `/api/v1/cases/${c.id}/events`, { event, data: { assignee: select.value } }, { 'If-Match': `"${c.version}"` });
            say(`${c.public_no} 已分派給 ${select.value}`);
            officeView();
          } catch (e) { e.status === 412 ? (say('案件已被他人更新，已重新載入'), officeView()) : failed(e); }
        } });
        return el('span', {}, select, ' ', button);
      };
      if (mine !== navigation) return;
      // Rows picked before a refresh keep their newest version.
      for (const c of [...data.items, ...unassigned]) if (picked.ids.has(c.id)) picked.cases.set(c.id, c);
      const running = (c) => c.clocks.filter(k => !k.stopped && !k.paused);
      const overdue = data.items.filter(c => c.overdue);
      const soon = data.items.filter(c => !c.overdue && running(c).some(k => k.workdays_left !== null && k.workdays_left <= 2));
      const extensions = data.items.filter(c => c.clocks.some(k => k.pending_extension));
      const section = (title, items, id) => el('section', { class: 'card', id },
        el('h3', { text: `${title}（${items.length} 件）` }), items.length ? caseTable(items, assign, picked) : el('p', { text: '無' }));
      const bar = bulkBar(staff);
      if (previous) bar.querySelector('#bulk-result').replaceChildren(...previous.childNodes);
      main.replaceChildren(el('h2', { text: '本所案件（逾期與期限最近者在前）' }),
        el('p', { class: 'downloads' }, el('button', { type: 'button', class: 'secondary', text: '列印逾期清單', onclick: () => window.print() }), '　下載：',
          el('a', { href: '/api/v1/cases?sort=due&format=csv', download: '', text: '全部案件 CSV' }), '　',
          el('a', { href: '/api/v1/cases?sort=due&format=xlsx', download: '', text: '全部案件 Excel' }), '　',
          el('a', { href: '/api/v1/cases?overdue=true&sort=due&format=xlsx', download: '', text: '逾期案件 Excel' })),
        bar,
        section('逾期', overdue, 'overdue'), section('兩個工作天內到期', soon, 'due-soon'),
        section('待分案', unassigned, 'unassigned'), section('擬稿待核定（請於案件頁核定或退回）', drafts.data.items, 'drafts'),
        section('展延待核（請於案件頁核准或駁回）', extensions, 'extensions'),
        section('全部（期限最近者在前）', data.items, 'all'));
    } catch (e) { failed(e); }
  }

  // The director: news reports first (same-day deadline), then the mailbox.
  async function directorView() {
    const mine = navigation;
    try {
      const [drafts, news, received, replied, secret] = await Promise.all([
        api('GET', '/api/v1/cases?draft=true&sort=due&fields=summary&limit=50'),
        api('GET', '/api/v1/cases?channel=news&sort=due&fields=summary&limit=50'),
        casesIn(initialStates(), 'channel=mailbox&sort=due&fields=summary&limit=50'),
        casesIn(repliedStates(), 'channel=mailbox&sort=due&fields=summary&limit=50'),
        api('GET', '/api/v1/cases?confidential=true&sort=due&fields=summary&limit=50')]);
      if (mine !== navigation) return;
      const open = (items) => items.filter(c => c.clocks.some(k => !k.stopped));
      const table = (items, none) => (items.length ? caseTable(items) : el('p', { text: none }));
      const mineToDecide = drafts.data.items.filter(c => c.draft && me.roles.includes(c.draft.role));
      main.replaceChildren(el('h2', { text: '主任審閱' }),
        el('h3', { text: '待您核定的擬稿' }), table(mineToDecide, '沒有待核定的擬稿。'),
        el('h3', { text: '新聞輿情（當日回應）' }), table(open(news.data.items), '目前沒有待回應的新聞。'),
        el('h3', { text: '主任信箱：待分案' }), table(received, '沒有待分案的信件。'),
        el('h3', { text: '主任信箱：已答覆待結案' }), table(replied, '沒有待結案的信件。'),
        el('h3', { text: '保密案件' }), table(open(secret.data.items), '沒有進行中的保密案件。'),
        el('p', { class: 'hint', text: '保密案件的陳情人身分，請於案件頁以「揭露身分」並填寫理由查閱；每次查閱都會記錄。' }));
    } catch (e) { failed(e); }
  }

  // The admin: accounts (create, disable, reset, roles, office) and office closures.
  async function adminView(notice) {
    const mine = navigation;
    let users;
    try { users = (await api('GET', '/api/v1/users')).data.items; } catch (e) { failed(e); return; }
    if (mine !== navigation) return;
    const ROLES = ['intake', 'handler', 'supervisor', 'director', 'privacy_officer', 'admin'];
    const secret = el('p', { 'aria-live': 'polite', class: 'big', text: notice || '' });
    const rows = users.map(u => {
      const roles = el('input', { value: u.roles.join(','), 'aria-label': `${u.login} 角色` });
      const office = el('input', { value: u.office, 'aria-label': `${u.login} 辦公處所`, size: 10 });
      const save = async (change) => {
        try { await api('PATCH', `/api/v1/users/${encodeURIComponent(u.login)}`, change); say(`${u.login} 已更新`); adminView(); } catch (e) { say(e.message); }
      };
      return el('tr', {}, el('td', { text: u.login }), el('td', {}, roles), el('td', {}, office), el('td', { text: u.disabled ? '停用' : '啟用' }),
        el('td', {},
          el('button', { type: 'button', class: 'secondary', text: '儲存', onclick: () => save({ roles: roles.value.split(',').map(x => x.trim()).filter(Boolean), office: office.value.trim() }) }), ' ',
          el('button', { type: 'button', class: 'secondary', text: u.disabled ? '啟用' : '停用', onclick: () => save({ disabled: !u.disabled }) }), ' ',
          el('button', { type: 'button', class: 'secondary', text: '重設密碼', onclick: async () => {
            try { const { data } = await api('POST', `/api/v1/users/${encodeURIComponent(u.login)}/password`, {}); secret.textContent = `${u.login} 的新密碼：${data.password}`; } catch (e) { say(e.message); }
          } })));
    });
    const error = el('p', { class: 'error', role: 'alert' });
    const create = el('form', { class: 'card', novalidate: true }, el('h3', { text: '新增帳號' }),
      el('div', { class: 'row' }, field('login', '帳號', el('input', { id: 'f-new-login' })),
        field('roles', `角色（${ROLES.join(', ')}，以逗號分隔）`, el('input', { id: 'f-new-roles' })),
        field('office', '辦公處所', el('input', { id: 'f-new-office', value: me.office }))),
      el('button', { type: 'submit', text: '新增' }), error);
    create.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const { data } = await api('POST', '/api/v1/users', { login: create.login.value.trim(), roles: create.roles.value.split(',').map(x => x.trim()).filter(Boolean), office: create.office.value.trim() });
        await adminView(`${data.login} 的初始密碼：${data.password}`);
      } catch (e) { showProblem(create, e, error); }
    });
    const cerror = el('p', { class: 'error', role: 'alert' });
    const closure = el('form', { class: 'card', novalidate: true }, el('h3', { text: '停止上班（颱風假）' }),
      el('div', { class: 'row' }, field('office', '辦公處所', el('input', { id: 'f-close-office' })),
        field('date', '日期（YYYY-MM-DD）', el('input', { id: 'f-close-date', type: 'date' })),
        field('reason', '原因', el('input', { id: 'f-close-reason', value: '颱風停班' }))),
      el('button', { type: 'submit', text: '登錄停班並重算期限' }), cerror);
    closure.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const { data } = await api('POST', '/api/v1/calendar/closures', { office: closure.office.value.trim(), date: closure.date.value, reason: closure.reason.value });
        say(`${data.office} ${data.date} 停班：${data.cases_recomputed} 件案件期限已重算`);
      } catch (e) { showProblem(closure, e, cerror); }
    });
    try {
      const { data } = await api('GET', '/api/v1/calendar/closures');
      closure.append(data.items.length
        ? el('table', {}, el('caption', { text: '近一年登錄的停班日' }),
          el('thead', {}, el('tr', {}, ['日期', '辦公處所', '原因', '登錄者'].map(h => el('th', { scope: 'col', text: h })))),
          el('tbody', {}, data.items.map(c => el('tr', {}, el('td', { text: c.date }), el('td', { text: officeName(c.office) }),
            el('td', { text: c.reason }), el('td', {}, `${c.created_by} `, date(c.created_at))))))
        : el('p', { class: 'hint', text: '近一年沒有登錄停班日。' }));
    } catch (e) { closure.append(el('p', { class: 'error', text: e.message })); }
    let feeds = null;
    try { feeds = await feedsSection(); } catch (e) { feeds = el('p', { class: 'error', text: e.message }); }
    let flows = null;
    try { flows = await workflowsSection(); } catch (e) { flows = el('p', { class: 'error', text: e.message }); }
    let open311 = null;
    try { open311 = await open311Section(secret); } catch (e) { open311 = el('p', { class: 'error', text: e.message }); }
    if (mine !== navigation) return;
    main.replaceChildren(el('h2', { text: '系統管理' }), secret,
      el('table', {}, el('thead', {}, el('tr', {}, ['帳號', '角色', '辦公處所', '狀態', ''].map(h => el('th', { text: h })))), el('tbody', {}, rows)),
      create, closure, feeds, open311, migrationSection(), flows);
  }

  // The news feeds of the config (news.feeds): when each was last fetched, whether
  // that worked, and how many items it has brought in.
  async function feedsSection() {
    const { data } = await api('GET', '/api/v1/feeds');
    const every = sec => sec % 3600 === 0 ? `每 ${sec / 3600} 小時` : sec % 60 === 0 ? `每 ${sec / 60} 分鐘` : `每 ${sec} 秒`;
    return el('section', { class: 'card', id: 'feeds', 'aria-labelledby': 'feeds-title' }, el('h3', { id: 'feeds-title', text: '新聞來源' }),
      data.items.length
        ? el('table', {}, el('thead', {}, el('tr', {}, ['來源', '辦公處所', '頻率', '最近讀取', '最近成功', '錯誤', '已收案'].map(h => el('th', { scope: 'col', text: h })))),
          el('tbody', {}, data.items.map(f => el('tr', {},
            el('td', { class: 'url', text: f.url }), el('td', { text: officeName(f.office) }), el('td', { text: every(f.interval_seconds) }),
            el('td', {}, f.polled_at ? date(f.polled_at) : '尚未讀取'), el('td', {}, f.last_success_at ? date(f.last_success_at) : '—'),
            el('td', { class: f.last_error ? 'error' : '', text: f.last_error || '正常' }), el('td', { text: String(f.items_taken) })))))
        : el('p', { class: 'hint', text: '設定檔未設定新聞來源（news.feeds）。' }));
  }

  // Moving running cases to a corrected workflow version: preview (the dry run's
  // counts per state and the cases that would break), then move.
  function migrationSection() {
    const error = el('p', { class: 'error', role: 'alert' });
    const out = el('div', { id: 'migration-report', 'aria-live': 'polite' });
    const names = Object.keys(words.workflows);
    const form = el('form', { class: 'card', novalidate: true, id: 'migration' }, el('h3', { text: '進行中案件改用新版流程' }),
      el('div', { class: 'row' },
        field('workflow', '流程', el('select', { id: 'f-mig-workflow' }, names.map(n => el('option', { value: n, text: n })))),
        field('from', '目前版本', el('input', { id: 'f-mig-from', type: 'number', min: '1' })),
        field('to', '新版本', el('input', { id: 'f-mig-to', type: 'number', min: '1' }))),
      field('map', '狀態對應（每行一個：舊狀態=新狀態；未列者依同名狀態）', el('textarea', { id: 'f-mig-map', rows: 3 })),
      el('button', { type: 'submit', text: '預覽（不搬移）' }), ' ',
      el('button', { type: 'button', class: 'secondary', id: 'mig-run', text: '搬移案件', onclick: () => send(false) }), error, out);
    const send = async (dryRun) => {
      const map = {};
      for (const line of form.querySelector('#f-mig-map').value.split('\n').map(l => l.trim()).filter(Boolean)) {
        const [from, to] = line.split('=').map(x => (x || '').trim());
        if (!from || !to) { error.textContent = `無法理解「${line}」：請寫成 舊狀態=新狀態`; return; }
        map[from] = to;
      }
      if (!dryRun && !window.confirm('確定將進行中的案件改用新版流程？每件案件都會記錄於處理歷程。')) return;
      try {
        const wf = form.querySelector('#f-mig-workflow').value;
        const { data } = await api('POST', `/api/v1/workflows/${encodeURIComponent(wf)}/migrations`,
          { from: Number(form.querySelector('#f-mig-from').value), to: Number(form.querySelector('#f-mig-to').value), map, dry_run: dryRun });
        error.textContent = '';
        out.replaceChildren(...[
          el('p', { text: dryRun ? '預覽：' : `已搬移 ${data.moved} 件（${data.batches} 批）。` }),
          el('ul', {}, data.moves.map(m => el('li', { text: `${m.from_state} → ${m.to_state}：${m.cases} 件` }))),
          data.refused.length ? el('p', { class: 'error', text: `無法搬移 ${data.refused.length} 件（留在原版本）：` }) : null,
          el('ul', {}, data.refused.map(r => el('li', { text: `${r.public_no}（${r.state}）：${r.reasons.join('；')}` }))),
          el('p', { class: 'hint', text: `已結案的 ${data.finished_stay} 件留在原版本。` })].filter(Boolean));
      } catch (e) { showProblem(form, e, error); }
    };
    form.addEventListener('submit', (ev) => { ev.preventDefault(); send(true); });
    return form;
  }

  // Open311 clients (GeoReport v2 apps): the key is shown once, revoking stops it at once.
  async function open311Section(secret) {
    const { data } = await api('GET', '/api/v1/open311/clients');
    const error = el('p', { class: 'error', role: 'alert' });
    const form = el('form', { class: 'card', novalidate: true }, el('h3', { text: 'Open311 用戶端（API 金鑰）' }),
      el('table', {}, el('thead', {}, el('tr', {}, ['名稱', '建立者', '建立', '狀態', ''].map(h => el('th', { text: h })))),
        el('tbody', {}, data.items.map(c => el('tr', {}, el('td', { text: c.name }), el('td', { text: c.created_by }), el('td', {}, date(c.created_at)),
          el('td', { text: c.revoked_at ? '已撤銷' : '使用中' }),
          el('td', {}, c.revoked_at ? '' : el('button', { type: 'button', class: 'secondary', text: '撤銷', onclick: async () => {
            try { await api('DELETE', `/api/v1/open311/clients/${c.id}`); say(`${c.name} 的金鑰已撤銷`); adminView(); } catch (e) { say(e.message); }
          } })))))),
      field('name', '新用戶端名稱', el('input', { id: 'f-open311-name' })),
      el('button', { type: 'submit', text: '建立金鑰' }), error);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const r = await api('POST', '/api/v1/open311/clients', { name: form.querySelector('#f-open311-name').value.trim() });
        await adminView(`${r.data.name} 的 API 金鑰（只顯示這一次）：${r.data.api_key}`);
      } catch (e) { showProblem(form, e, error); }
    });
    return form;
  }

  // A workflow's state diagram: states in columns by distance from the initial state,
  // one arrow per (from, to) pair labelled with its events. SVG built element by
  // element (the CSP allows no inline markup or styles).
  function diagram(wf) {
    const NS = 'http://www.w3.org/2000/svg';
    const svg = (tag, attrs, text) => {
      const e = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text !== undefined) e.textContent = text;
      return e;
    };
    const depth = {};
    const start = wf.states.find(s => s.initial) || wf.states[0];
    depth[start.name] = 0;
    for (let changed = true, guard = 0; changed && guard < 50; ++guard) {
      changed = false;
      for (const t of wf.transitions) for (const f of t.from) {
        if (depth[f] !== undefined && (depth[t.to] === undefined || depth[t.to] > depth[f] + 1)) { depth[t.to] = depth[f] + 1; changed = true; }
      }
    }
    const columns = {};
    for (const s of wf.states) (columns[depth[s.name] ?? 0] ||= []).push(s);
    const W = 150, H = 60, pos = {};
    let height = 0;
    for (const [c, list] of Object.entries(columns)) list.forEach((s, i) => { pos[s.name] = { x: 20 + Number(c) * (W + 70), y: 20 + i * (H + 30) }; height = Math.max(height, 20 + (i + 1) * (H + 30)); });
    const width = 20 + Object.keys(columns).length * (W + 70);
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width: String(width), height: String(height), role: 'img', 'aria-label': `${wf.name} v${wf.version} 狀態圖`, class: 'diagram' });
    const defs = svg('defs', {});
    const marker = svg('marker', { id: `arrow-${wf.name}`, viewBox: '0 0 10 10', refX: '10', refY: '5', markerWidth: '8', markerHeight: '8', orient: 'auto-start-reverse' });
    marker.append(svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }));
    defs.append(marker);
    root.append(defs);
    const edges = {};
    for (const t of wf.transitions) for (const f of t.from) (edges[`${f}>${t.to}`] ||= []).push(eventLabel(wf, t.on));
    for (const [key, labels] of Object.entries(edges)) {
      const [f, to] = key.split('>');
      const a = pos[f], b = pos[to];
      if (!a || !b) continue;
      const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2;
      const back = x2 <= a.x;
      const d = back ? `M ${a.x + W / 2} ${a.y + H} C ${a.x + W / 2} ${a.y + H + 40}, ${b.x + W / 2} ${b.y + H + 40}, ${b.x + W / 2} ${b.y + H}`
                     : `M ${x1} ${y1} C ${x1 + 35} ${y1}, ${x2 - 35} ${y2}, ${x2} ${y2}`;
      root.append(svg('path', { d, class: 'edge', 'marker-end': `url(#arrow-${wf.name})` }));
      root.append(svg('text', { x: String((x1 + x2) / 2), y: String((y1 + y2) / 2 - 4), class: 'edge-label' }, labels.join('、')));
    }
    for (const s of wf.states) {
      const p = pos[s.name];
      root.append(svg('rect', { x: String(p.x), y: String(p.y), width: String(W), height: String(H), rx: '8', class: `state${s.initial ? ' initial' : ''}${s.final ? ' final' : ''}` }));
      root.append(svg('text', { x: String(p.x + W / 2), y: String(p.y + 26), class: 'state-label' }, s.label));
      root.append(svg('text', { x: String(p.x + W / 2), y: String(p.y + 46), class: 'state-name' }, s.name));
    }
    return root;
  }
  async function workflowsSection() {
    const { data } = await api('GET', '/api/v1/workflows');
    return el('section', { class: 'card' }, el('h3', { text: '工作流程' }),
      data.items.map(wf => el('figure', { class: 'workflow' }, el('figcaption', { text: `${wf.name} 第 ${wf.version} 版` }), diagram(wf))));
  }

  // The one-time notice of missing items (一次告知單), printable.
  async function noticeView(id) {
    const mine = navigation;
    try {
      const [c, events] = await Promise.all([api('GET', `/api/v1/cases/${id}`), api('GET', `/api/v1/cases/${id}/events`)]);
      if (mine !== navigation) return;
      const ask = events.data.items.filter(e => asksPetitioner(c.data.workflow, e)).pop();
      if (!ask) { main.replaceChildren(el('p', { text: '此案件沒有補正通知。' })); return; }
      main.replaceChildren(el('article', { class: 'card notice' },
        el('h2', { text: '陳情案件補正通知單（一次告知）' }),
        el('p', {}, `案件編號：${c.data.public_no}　通知日期：`, date(ask.at, true)),
        el('p', { text: `主旨：${c.data.subject}` }),
        el('p', { text: '請補正下列資料（本所已一次列明，不再另行要求補正）：' }),
        el('p', { class: 'big-text', text: ((eventWords(c.data.workflow, ask.event) || {}).public_data || []).map(k => ask.data[k]).filter(Boolean).join('\n') }),
        el('p', { text: '補正期間，處理期限暫停計算；補正完成後繼續計算。' }),
        el('button', { type: 'button', class: 'secondary', text: '列印', onclick: () => window.print() })));
    } catch (e) { failed(e); }
  }

  // --- the case page -------------------------------------------------------------
  // Who else has the open case page (POST .../presence every 15 s) and whether the case
  // changed since the page was drawn: a stale page warns before anything is saved.
  const presence = { id: null, version: 0, stale: false, timer: null };
  function leaveCase() {
    if (presence.id === null) return;
    const id = presence.id;
    presence.id = null;
    clearInterval(presence.timer);
    // keepalive: the page may be going away.
    fetch(`/api/v1/cases/${id}/presence`, { method: 'DELETE', keepalive: true, credentials: 'same-origin',
      headers: { 'X-CSRF-Token': P.csrf(), Accept: 'application/json' } }).catch(() => {});
  }
  window.addEventListener('pagehide', leaveCase);
  function watchCase(c, bar) {
    leaveCase();
    Object.assign(presence, { id: c.id, version: c.version, stale: false });
    const tick = async () => {
      if (presence.id !== c.id) return;
      try {
        const { data } = await api('POST', `/api/v1/cases/${c.id}/presence`);
        if (presence.id !== c.id) return;
        presence.stale = data.version !== presence.version;
        bar.replaceChildren(
          data.others.length ? el('p', { class: 'pill', id: 'others', text: `${data.others.join('、')} 也開著這個案件` }) : '',
          presence.stale ? el('p', { class: 'stale', id: 'stale', role: 'alert' },
            '此案件已由他人更新，您看到的是舊資料。請先重新載入再儲存。 ',
            el('button', { type: 'button', class: 'secondary', text: '重新載入', onclick: () => caseView(c.id) })) : '');
      } catch (e) { if (e.status === 401) failed(e); }
    };
    presence.tick = tick;
    tick();
    presence.timer = setInterval(tick, 15000);
  }
  // Back to the page after a while: ask at once rather than at the next tick.
  window.addEventListener('focus', () => { if (presence.id !== null && presence.tick) presence.tick(); });
  // What a save checks first: a page the case has moved on from is reloaded, not saved.
  function staleGuard(error) {
    if (!presence.stale) return false;
    error.textContent = '此案件已由他人更新，請先重新載入，確認後再儲存。';
    return true;
  }

  async function caseView(id) {
    const mine = navigation;
    let c, events;
    try {
      [c, events] = await Promise.all([api('GET', `/api/v1/cases/${id}`), api('GET', `/api/v1/cases/${id}/events`)]);
      if (mine !== navigation) return;
    } catch (e) {
      if (mine !== navigation) return;
      if (e.status === 404) { main.replaceChildren(el('p', { class: 'error', id: 'not-found', text: '查無此案件（或不屬於您的辦公處所）。' })); return; }
      failed(e); return;
    }
    const etag = c.headers.get('ETag');
    c = c.data;
    const p = c.petitioner || {};
    const facts = el('dl', { class: 'facts' },
      el('dt', { text: '案件編號' }), el('dd', { text: c.public_no }),
      el('dt', { text: '狀態' }), el('dd', { id: 'case-state', text: stateLabel(c.workflow, c.state) }),
      el('dt', { text: '類別' }), el('dd', { text: c.category || '—' }),
      el('dt', { text: '陳情人' }), el('dd', { text: [p.name, p.phone, p.email, p.address].filter(Boolean).join('，') || '—' }),
      el('dt', { text: '承辦人' }), el('dd', { text: c.assignee || '—' }),
      el('dt', { text: '收件' }), el('dd', {}, date(c.received_at, true)));
    const clocks = el('ul', {}, c.clocks.map(k => el('li', {}, `${clockLabel(c.workflow, k.name)}：`, date(k.due_at, true), '　',
      k.stopped ? '已完成' : k.paused ? '補正中，暫停計算' : workdays(k.workdays_left), k.extensions_used ? `（已展延 ${k.extensions_used} 次）` : '')));
    const timeline = el('ol', { class: 'timeline' }, events.data.items.map(e => el('li', {},
      el('div', { class: 'when' }, date(e.at), ' ', P.time(e.at), ' ', e.actor),
      el('div', { text: eventLabel(c.workflow, e.event) + (e.data.event ? `（${eventLabel(c.workflow, e.data.event)}）` : '') }),
      e.comment ? el('div', { class: 'comment', text: e.comment }) : null,
      Object.keys(e.data).length ? el('div', { class: 'hint', text: Object.entries(e.data).filter(([k]) => fieldWords(c.workflow, k)).map(([k, v]) => `${fieldWords(c.workflow, k).label}：${v}`).join('；') }) : null)));
    const notice = events.data.items.some(e => asksPetitioner(c.workflow, e)) ? el('p', {}, el('a', { href: `#/cases/${c.id}/notice`, text: '一次告知單（可列印）' })) : null;
    // Shared by the file list and the forms that send files with their notice.
    const files = api('GET', `/api/v1/cases/${c.id}/attachments`).then(r => r.data.items);
    const templates = api('GET', `/api/v1/cases/${c.id}/reply-templates`).then(r => r.data.items).catch(() => []);
    const actions = el('section', { class: 'card actions' }, el('h3', { text: '可執行的動作' }), notice,
      c.allowed_events.length ? c.allowed_events.map(ev => actionForm(c, etag, ev, files, templates)) : el('p', { text: '此狀態下您沒有可執行的動作。' }),
      c.confidential && (has('director') || has('privacy_officer')) ? revealForm(c) : null);
    const bar = el('div', { id: 'presence', 'aria-live': 'polite' });
    main.replaceChildren(...[el('h2', { text: c.subject }), bar,
      el('section', { class: 'card' }, facts, el('p', { class: 'body-text', text: c.body || '' })),
      el('section', { class: 'card' }, el('h3', { text: '期限' }), clocks),
      c.draft ? draftSection(c) : null,
      filesSection(c, files),
      actions,
      commentForm(c),
      el('section', { class: 'card' }, el('h3', { text: '處理歷程' }), timeline)].filter(Boolean));
    watchCase(c, bar);
  }
  // A step waiting for sign-off: what was drafted, by whom, for whom to decide.
  function draftSection(c) {
    const d = c.draft;
    const roleName = { supervisor: '課長', director: '主任' }[d.role] || d.role;
    return el('section', { class: 'card draft', id: 'draft' },
      el('h3', { text: `擬稿待核定：${eventLabel(c.workflow, d.event)}（待${roleName}核定）` }),
      el('p', { class: 'hint' }, `${d.by} 擬稿於 `, date(d.at), ' ', P.time(d.at), '；核定前不會送出，處理期限照常計算。'),
      Object.entries(d.data).filter(([k]) => k !== 'attachments').map(([k, v]) => el('div', {},
        el('strong', { text: `${(fieldWords(c.workflow, k) || { label: k }).label}：` }), el('p', { class: 'body-text', text: v }))),
      d.data.attachments ? el('p', { class: 'hint', text: `隨通知寄送附件：${d.data.attachments.split(',').length} 個` }) : null,
      d.comment ? el('p', { class: 'hint', text: `備註：${d.comment}` }) : null);
  }
  // 加註: a note on the trail that changes nothing else.
  function commentForm(c) {
    const error = el('p', { class: 'error', role: 'alert' });
    const form = el('form', { class: 'card', id: 'comment-form', novalidate: true }, el('h3', { text: '加註' }),
      field('comment', '加註內容（記入處理歷程）', el('textarea', { rows: 2, id: 'f-comment', maxlength: 10000 })),
      el('button', { type: 'submit', class: 'secondary', text: '加註' }), error);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (staleGuard(error)) return;
      if (!form.comment.value.trim()) { error.textContent = '請輸入加註內容。'; form.comment.focus(); return; }
      try {
        await api('POST', `/api/v1/cases/${c.id}/comments`, { comment: form.comment.value.trim() });
        say('已加註');
        caseView(c.id);
      } catch (e) { if (e.status === 401) failed(e); else showProblem(form, e, error); }
    });
    return form;
  }
  // Revealing a confidential petitioner: a reason, an audit event, an access-log row.
  function revealForm(c) {
    const error = el('p', { class: 'error', role: 'alert' });
    const out = el('div', { 'aria-live': 'polite' });
    const form = el('form', { 'data-event': 'reveal', novalidate: true },
      field('reason', '揭露身分的理由（將記錄）', el('input', { id: 'f-reveal-reason' })),
      el('button', { type: 'submit', text: '揭露身分' }), error, out);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      try {
        const { data } = await api('POST', `/api/v1/cases/${c.id}/reveal`, { reason: form.reason.value });
        const p = data.petitioner || {};
        out.replaceChildren(el('p', { class: 'pill', text: `陳情人：${[p.name, p.phone, p.email, p.address].filter(Boolean).join('，')}` }));
      } catch (e) { showProblem(form, e, error); }
    });
    return form;
  }
  // The transition `event` would take from the case's state (the drafted one for a
  // decision on a draft), or null for a built-in event.
  function transitionOf(c, event) {
    const wf = vocab(c.workflow).diagram;
    const name = event === 'approve_draft' && c.draft ? c.draft.event : event;
    return (wf && wf.transitions.find(t => t.on === name && t.from.includes(c.state))) || null;
  }
  function actionForm(c, etag, event, files, templates) {
    const keys = (c.requires && c.requires[event]) || [];
    const error = el('p', { class: 'error', role: 'alert' });
    const t = transitionOf(c, event);
    const drafted = event === 'approve_draft' && c.draft ? c.draft.data : {};
    const inputs = keys.map(k => {
      const f = fieldWords(c.workflow, k) || { label: k, multiline: false };
      const input = f.multiline ? el('textarea', { rows: 6, id: `f-${event}-${k}` }) : el('input', { id: `f-${event}-${k}` });
      if (drafted[k] !== undefined) input.value = drafted[k];
      const wrap = field(k, f.label, input);
      // The office's standard wording for a text the petitioner reads: picked, then edited.
      if (f.multiline) {
        const pick = el('select', { id: `f-${event}-${k}-template`, class: 'template-pick' }, el('option', { value: '', text: '（不使用常用答覆）' }));
        const slot = el('div', { class: 'field template' }, el('label', { for: pick.id, text: '常用答覆（選用後可再修改）' }), pick);
        slot.hidden = true;
        templates.then(list => {
          if (!list.length) return;
          pick.append(...list.map(tm => el('option', { value: String(tm.id), text: tm.title })));
          slot.hidden = false;
        });
        pick.addEventListener('change', async () => {
          const tm = (await templates).find(x => String(x.id) === pick.value);
          if (!tm) return;
          if (input.value.trim() && !window.confirm('以常用答覆取代已輸入的內容？')) { pick.value = ''; return; }
          input.value = tm.text;
          input.focus();
        });
        wrap.prepend(slot);
      }
      return wrap;
    });
    // Files of the case that go with the notice to the petitioner (e-mail).
    let fileBoxes = null;
    if (t && t.notify.includes('petitioner')) {
      const chosen = new Set((drafted.attachments || '').split(',').filter(Boolean));
      fileBoxes = el('fieldset', { class: 'files-pick' }, el('legend', { text: '隨通知寄送的附件（電子郵件）' }));
      files.then(list => {
        if (!list.length) { fileBoxes.hidden = true; return; }
        fileBoxes.append(...list.map(f => el('label', { class: 'choice' },
          el('input', { type: 'checkbox', name: 'attachments', value: String(f.id), checked: chosen.has(String(f.id)) }), ` ${f.filename}`)));
      }).catch(() => { fileBoxes.hidden = true; });
    }
    const needsSignOff = t && t.approve && event !== 'approve_draft' && !me.roles.includes(t.approve.role);
    const roleName = t && t.approve ? ({ supervisor: '課長', director: '主任' }[t.approve.role] || t.approve.role) : '';
    const label = event === 'approve_draft' ? `核定並${eventLabel(c.workflow, c.draft.event)}` : eventLabel(c.workflow, event) + (needsSignOff ? `（送${roleName}核定）` : '');
    const form = el('form', { 'data-event': event, novalidate: true }, inputs, fileBoxes, el('button', { type: 'submit', text: label }), error);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (staleGuard(error)) return;
      const data = {};
      for (const k of keys) data[k] = form.querySelector(`[name="${k}"]`).value;
      if (fileBoxes) data.attachments = [...fileBoxes.querySelectorAll('input:checked')].map(b => b.value).join(',');
      try {
        await api('POST', `/api/v1/cases/${c.id}/events`, { event, data }, { 'If-Match': etag });
        say(needsSignOff ? `已送${roleName}核定` : `已${label}`);
        caseView(c.id);
      } catch (e) {
        if (e.status === 412) { say('案件已被他人更新，已重新載入'); caseView(c.id); return; }
        if (e.status === 401) { failed(e); return; }
        // "event '…' is missing required data" lists the keys themselves.
        if (e.problem && e.problem.errors) e.problem.errors = e.problem.errors.map(x => (keys.includes(x) ? `${x}: 必填` : x));
        showProblem(form, e, error);
      }
    });
    return form;
  }

  // --- standard replies (常用答覆): supervisors manage their office's -------------------
  async function templatesView() {
    const mine = navigation;
    try {
      const [{ data }, services] = await Promise.all([api('GET', '/api/v1/reply-templates'),
        api('GET', '/open311/v2/services.json').then(r => r.data).catch(() => [])]);
      if (mine !== navigation) return;
      const categories = Array.isArray(services) ? services.map(x => x.service_name) : [];
      const editor = (tm) => {
        const error = el('p', { class: 'error', role: 'alert' });
        const suffix = tm ? tm.id : 'new';
        const form = el('form', { class: 'card', novalidate: true, id: `template-${suffix}` },
          el('h3', { text: tm ? `修改：${tm.title}` : '新增常用答覆' }),
          el('div', { class: 'row' },
            field('title', '標題', el('input', { id: `f-tpl-title-${suffix}`, maxlength: 200, value: tm ? tm.title : '' })),
            field('category', '類別', el('select', { id: `f-tpl-category-${suffix}` }, el('option', { value: '', text: '（所有類別）' }),
              unique([...categories, ...(tm && tm.category ? [tm.category] : [])]).map(x => el('option', { value: x, text: x, selected: tm && tm.category === x })))),
            has('director') || has('admin') ? field('office', '辦公處所', el('input', { id: `f-tpl-office-${suffix}`, value: tm ? tm.office : me.office, disabled: !!tm })) : null),
          field('body', '內容', el('textarea', { rows: 8, id: `f-tpl-body-${suffix}` }), '可用變數：' + data.variables.map(v => `{{${v.name}}} ${v.label}`).join('、')),
          el('button', { type: 'submit', text: tm ? '儲存' : '新增' }), tm ? ' ' : null,
          tm ? el('button', { type: 'button', class: 'secondary', text: '刪除', onclick: async () => {
            if (!window.confirm(`刪除常用答覆「${tm.title}」？`)) return;
            try { await api('DELETE', `/api/v1/reply-templates/${tm.id}`); say('已刪除'); templatesView(); } catch (e) { showProblem(form, e, error); }
          } }) : null, error);
        form.querySelector('textarea').value = tm ? tm.body : '';
        form.addEventListener('submit', async (ev) => {
          ev.preventDefault();
          const body = { title: form.title.value, category: form.category.value || null, body: form.body.value };
          const office = form.querySelector('[name="office"]');
          if (office && !tm) body.office = office.value.trim() || undefined;
          try {
            await (tm ? api('PUT', `/api/v1/reply-templates/${tm.id}`, body) : api('POST', '/api/v1/reply-templates', body));
            say(tm ? '已儲存' : '已新增');
            templatesView();
          } catch (e) { if (e.status === 401) failed(e); else showProblem(form, e, error); }
        });
        return form;
      };
      main.replaceChildren(el('h2', { text: '常用答覆' }),
        el('p', { class: 'hint', text: '承辦人答覆時可選用，填入案件資料後再修改。' }),
        data.items.length ? el('table', {}, el('thead', {}, el('tr', {}, ['標題', '類別', '辦公處所', '最後修改'].map(h => el('th', { text: h })))),
          el('tbody', {}, data.items.map(tm => el('tr', {},
            el('td', {}, el('a', { href: `#/templates/${tm.id}`, text: tm.title })), el('td', { text: tm.category || '所有類別' }),
            el('td', { text: officeName(tm.office) }), el('td', {}, date(tm.updated_at), ` ${tm.updated_by}`))))) : el('p', { text: '尚無常用答覆。' }),
        editor(null));
      const m = location.hash.match(/^#\/templates\/(\d+)$/);
      const open = m && data.items.find(tm => String(tm.id) === m[1]);
      if (open) { const form = editor(open); main.insertBefore(form, main.lastChild); form.querySelector('input').focus(); }
    } catch (e) { failed(e); }
  }

  // --- the user's own settings ------------------------------------------------------
  async function settingsView() {
    const mine = navigation;
    try {
      const { data } = await api('GET', '/api/v1/preferences');
      if (mine !== navigation) return;
      const error = el('p', { class: 'error', role: 'alert' });
      const box = el('input', { type: 'checkbox', id: 'f-daily-digest', checked: data.daily_digest });
      const form = el('form', { class: 'card', novalidate: true }, el('h2', { text: '設定' }),
        el('p', {}, el('label', { for: box.id }, box, ' 每個工作天早上以電子郵件寄送本所案件摘要（逾期、兩個工作天內到期、待分案、待核定擬稿）')),
        el('p', { class: 'hint', text: '摘要寄給課長（督導）帳號登錄的電子郵件地址。' }),
        el('button', { type: 'submit', text: '儲存' }), error);
      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
          const r = await api('PATCH', '/api/v1/preferences', { daily_digest: box.checked });
          say(r.data.daily_digest ? '已開啟每日摘要' : '已關閉每日摘要');
        } catch (e) { if (e.status === 401) failed(e); else showProblem(form, e, error); }
      });
      main.replaceChildren(form);
    } catch (e) { failed(e); }
  }

  // --- routing ---------------------------------------------------------------------
  async function show(hash) {
    if (hash !== location.hash) { location.hash = hash; return; }
    route();
  }
  async function route() {
    const mine = ++navigation;
    const h = location.hash || '#/';
    // Leaving a case page (or signing out): the others stop seeing this user on it.
    if (!/^#\/cases\/\d+$/.test(h)) leaveCase();
    if (h === '#/login') { loginView(); return; }
    if (!me) {
      try { await whoAmI(); } catch (e) { location.hash = '#/login'; return; }
      if (mine !== navigation) return;
    }
    for (const a of nav.querySelectorAll('a')) a.toggleAttribute('aria-current', h.startsWith(a.getAttribute('href')));
    for (const a of nav.querySelectorAll('a[aria-current]')) a.setAttribute('aria-current', 'page');
    const m = h.match(/^#\/cases\/(\d+)$/);
    if (m) return caseView(m[1]);
    if (h === '#/templates' || /^#\/templates\/\d+$/.test(h)) return templatesView();
    if (h === '#/settings') return settingsView();
    const n = h.match(/^#\/cases\/(\d+)\/notice$/);
    if (n) return noticeView(n[1]);
    if (h === '#/admin') return adminView();
    if (h === '#/intake') return intakeView();
    if (h === '#/queue') return queueView();
    if (h === '#/office') return officeView();
    if (h === '#/director') return directorView();
    if (h.startsWith('#/search?')) {
      const params = new URLSearchParams(h.slice('#/search?'.length));
      return searchView(params.get('q') || '', params.get('cursor'), params.get('sort'));
    }
    if (h === '#/stats' || h.startsWith('#/stats?') || h.startsWith('#/stats/print')) {
      const current = n => n === navigation;
      try {
        if (h.startsWith('#/stats/print')) await PStats.printView(main, me, mine, current);
        else await PStats.view(main, me, mine, current);
      } catch (e) { failed(e); }
      return;
    }
    location.hash = home();
  }
  window.addEventListener('hashchange', route);
  // Lists refresh on their own every 15 s (the server answers 304 while nothing
  // changed), unless the user is in the middle of choosing or typing something.
  setInterval(() => {
    const h = location.hash;
    if (!me || document.hidden || !['#/queue', '#/office', '#/director'].includes(h)) return;
    if (main.contains(document.activeElement) && ['SELECT', 'INPUT', 'TEXTAREA'].includes(document.activeElement.tagName)) return;
    const view = { '#/queue': queueView, '#/office': officeView, '#/director': directorView }[h];
    ++navigation;
    view(true);
  }, 15000);
  route();
})();
