// The 統計 page (supervisors: own office; director and admins: every office): the
// figures of GET /api/v1/stats (docs/stats.md) as a table, three charts drawn with
// Chart.js (loaded with this file, only on this page), CSV/XLSX downloads and the
// printable monthly report, one A4 page per office. Months read 115年11月.
'use strict';
const PStats = (() => {
  const { el, api } = P;
  // The offices' names come from routing.yaml (GET /api/v1/offices), loaded once.
  let OFFICE = null;
  async function loadOffices() {
    if (!OFFICE) {
      const { data } = await api('GET', '/api/v1/offices');
      OFFICE = Object.fromEntries(data.items.map(o => [o.code, o.name]));
    }
    return OFFICE;
  }
  const CHANNEL = { hotline: '1999 專線', mailbox: '主任信箱', news: '新聞輿情', counter: '臨櫃' };
  const GROUP = { office: '辦理單位', channel: '管道', category: '類別', month: '月份' };
  const COLORS = ['#1f5fa8', '#d9822b', '#2e8b57', '#8e44ad', '#c0392b', '#16a085'];

  function roc(ym) { const [y, m] = ym.split('-').map(Number); return `${y - 1911}年${m}月`; }
  function shift(ym, months) {
    const [y, m] = ym.split('-').map(Number);
    const t = y * 12 + (m - 1) + months;
    return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}`;
  }
  function thisMonth() {
    const f = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Taipei', year: 'numeric', month: '2-digit' });
    const o = {};
    for (const p of f.formatToParts(new Date())) o[p.type] = p.value;
    return `${o.year}-${o.month}`;
  }
  function label(by, g) {
    if (g === '') return by === 'category' ? '未分類' : '合計';
    if (by === 'office') return (OFFICE && OFFICE[g]) || g;
    if (by === 'channel') return CHANNEL[g] || g;
    if (by === 'month') return roc(g);
    return g;
  }
  const num = v => (v === null || v === undefined ? '—' : String(v));
  const pct = v => (v === null || v === undefined ? '—' : `${v}%`);
  const pp = c => (c.pp === null || c.pp === undefined ? '—' : `${c.pp > 0 ? '+' : ''}${c.pp} 個百分點`);

  function query(q) {
    const p = new URLSearchParams({ from: q.from, to: q.to, group_by: q.group_by });
    if (q.office) p.set('office', q.office);
    return p;
  }
  async function report(q) { return (await api('GET', `/api/v1/stats?${query(q)}`)).data; }

  // Chart.js comes with this page only (208 KB; the other pages stay light).
  let chartLib = null;
  function loadChart() {
    if (window.Chart) return Promise.resolve();
    chartLib = chartLib || new Promise((resolve, reject) => {
      const s = el('script', { src: '/assets/chart.umd.js' });
      s.addEventListener('load', resolve);
      s.addEventListener('error', () => reject(new Error('無法載入圖表元件')));
      document.head.append(s);
    });
    return chartLib;
  }
  const charts = [];
  // Every chart has its figures as a table too (WCAG 1.1.1: a screen reader, or anyone
  // who wants the numbers, opens it under the chart).
  function alternative(box, config, unit) {
    const cell = v => (v === null || v === undefined ? '—' : `${Math.round(v * 10) / 10}${unit}`);
    box.append(el('details', { class: 'chart-table' }, el('summary', { text: '以表格檢視' }),
      el('table', { class: 'stats' },
        el('thead', {}, el('tr', {}, el('th', { scope: 'col', text: '' }), config.data.datasets.map(d => el('th', { scope: 'col', text: d.label })))),
        el('tbody', {}, config.data.labels.map((l, i) => el('tr', {}, el('th', { scope: 'row', text: String(l) }),
          config.data.datasets.map(d => el('td', { text: cell(d.data[i]) }))))))));
  }
  function chart(canvas, config) {
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    charts.push(new window.Chart(canvas, config));
  }
  function figure(id, title) {
    const canvas = el('canvas', { id, role: 'img', 'aria-label': title });
    return { canvas, box: el('figure', { class: 'chart' }, el('figcaption', { text: title }), el('div', { class: 'chart-box' }, canvas)) };
  }

  function row(by, g, header) {
    const k = g.clocks || {};
    const s = g.satisfaction;
    const cells = [label(by, g.group), g.received, g.closed, g.transferred, g.merged, g.registered_only, g.open_at_end,
      g.overdue_now, pct(k.assign && k.assign.on_time_rate), pct(k.response && k.response.on_time_rate),
      num(g.handling.avg_workdays), num(g.handling.p90_workdays), g.extensions_granted, s.answers,
      pct(s.response_rate), num(s.mean.all), pct(s.satisfied_share.all), pp(s.mom.satisfied_share), pp(s.yoy.satisfied_share)];
    return el('tr', { class: header ? 'total' : null }, cells.map((c, i) => el(i === 0 ? 'th' : 'td', { text: String(c), scope: i === 0 ? 'row' : null })));
  }
  function table(rep) {
    const head = [GROUP[rep.group_by], '收件', '結案', '移送', '併案', '存查', '期末未結', '目前逾期', '分案準時率',
      '答覆準時率', '平均處理工作天', '處理工作天 P90', '核准展延', '問卷回覆', '回覆率', '平均分數', '滿意比率',
      '滿意比率月增', '滿意比率年增'];
    // Wider than the page: the wrapper scrolls, so it takes the focus (arrow keys scroll it).
    return el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `統計表（依${GROUP[rep.group_by]}，可左右捲動）` }, el('table', { class: 'stats' },
      el('thead', {}, el('tr', {}, head.map(h => el('th', { scope: 'col', text: h })))),
      el('tbody', {}, rep.groups.map(g => row(rep.group_by, g)), row(rep.group_by, rep.total, true))));
  }

  async function view(main, me, navigation, current) {
    await loadOffices();
    const all = me.roles.includes('director') || me.roles.includes('admin');
    const now = thisMonth();
    const params = new URLSearchParams((location.hash.split('?')[1]) || '');
    const q = {
      from: params.get('from') || now, to: params.get('to') || params.get('from') || now,
      group_by: params.get('group_by') || 'office', office: all ? (params.get('office') || '') : '',
    };
    const error = el('p', { class: 'error', role: 'alert' });
    const office = el('select', { id: 'f-office', name: 'office', disabled: !all },
      all ? el('option', { value: '', text: '全部單位' }) : null,
      (all ? Object.keys(OFFICE) : [me.office]).map(o => el('option', { value: o, text: OFFICE[o] || o, selected: o === q.office })));
    const groupBy = el('select', { id: 'f-group_by', name: 'group_by' },
      Object.entries(GROUP).map(([v, t]) => el('option', { value: v, text: t, selected: v === q.group_by })));
    const form = el('form', { class: 'card filters', novalidate: true },
      el('div', { class: 'field' }, el('label', { for: 'f-from', text: '起（月）' }), el('input', { id: 'f-from', name: 'from', type: 'month', value: q.from, required: true })),
      el('div', { class: 'field' }, el('label', { for: 'f-to', text: '迄（月）' }), el('input', { id: 'f-to', name: 'to', type: 'month', value: q.to, required: true })),
      el('div', { class: 'field' }, el('label', { for: 'f-group_by', text: '分組' }), groupBy),
      el('div', { class: 'field' }, el('label', { for: 'f-office', text: '單位' }), office),
      el('button', { type: 'submit', text: '查詢' }), error);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const p = new URLSearchParams({ from: form.from.value, to: form.to.value, group_by: form.group_by.value });
      if (all && form.office.value) p.set('office', form.office.value);
      location.hash = `#/stats?${p}`;
    });
    main.replaceChildren(el('h2', { text: '統計' }), form, el('p', { text: '載入中…' }));
    let rep, trend, offices;
    try {
      const trendQ = { from: shift(q.to, -11), to: q.to, group_by: 'month', office: q.office };
      [rep, trend, offices] = await Promise.all([report(q), report(trendQ),
        report({ from: q.from, to: q.to, group_by: 'office', office: q.office }), loadChart()]);
    } catch (e) {
      if (!current(navigation)) return;
      error.textContent = e.message;
      main.replaceChildren(el('h2', { text: '統計' }), form);
      if (e.status === 401) throw e;
      return;
    }
    if (!current(navigation)) return;
    while (charts.length) charts.pop().destroy();
    const dl = fmt => `/api/v1/stats?${query(q)}&format=${fmt}`;
    const volume = figure('chart-volume', '各管道每月案件量');
    const ontime = figure('chart-ontime', '各單位答覆準時率（%）');
    const satisfaction = figure('chart-satisfaction', '滿意度趨勢（%）');
    const period = q.from === q.to ? roc(q.from) : `${roc(q.from)}至${roc(q.to)}`;
    main.replaceChildren(
      el('h2', { text: '統計' }), form,
      el('section', { class: 'card' },
        el('h3', { text: `${period}　依${GROUP[q.group_by]}` }),
        el('p', { class: 'downloads' }, el('a', { href: dl('csv'), download: '', text: '下載 CSV' }), '　',
          el('a', { href: dl('xlsx'), download: '', text: '下載 Excel（XLSX）' }), '　',
          el('a', { href: `#/stats/print?month=${q.to}${q.office ? `&office=${q.office}` : ''}`, text: `列印 ${roc(q.to)} 月報` })),
        table(rep)),
      el('section', { class: 'card charts' }, volume.box, ontime.box, satisfaction.box));
    const months = trend.channels.map(m => m.label);
    const channels = trend.channels.length ? Object.keys(trend.channels[0].cases) : [];
    const charted = [[volume, '', {
      type: 'bar',
      data: { labels: months, datasets: channels.map((c, i) => ({ label: CHANNEL[c] || c, data: trend.channels.map(m => m.cases[c]), backgroundColor: COLORS[i % COLORS.length] })) },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: '件' } } } },
    }], [ontime, '%', {
      type: 'bar',
      data: { labels: offices.groups.map(g => label('office', g.group)), datasets: [{ label: '答覆準時率', data: offices.groups.map(g => (g.clocks.response ? g.clocks.response.on_time_rate : null)), backgroundColor: COLORS[0] }] },
      options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } } },
    }], [satisfaction, '%', {
      type: 'line',
      data: { labels: trend.groups.map(g => g.label), datasets: [
        { label: '滿意比率', data: trend.groups.map(g => g.satisfaction.satisfied_share.all), borderColor: COLORS[2], backgroundColor: COLORS[2], spanGaps: true },
        { label: '問卷回覆率', data: trend.groups.map(g => g.satisfaction.response_rate), borderColor: COLORS[1], backgroundColor: COLORS[1], spanGaps: true }] },
      options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } } },
    }]];
    for (const [fig, unit, config] of charted) {
      chart(fig.canvas, config);
      alternative(fig.box, config, unit);
    }
  }

  // The director's monthly report: one A4 page per office (print stylesheet).
  async function printView(main, me, navigation, current) {
    await loadOffices();
    const params = new URLSearchParams((location.hash.split('?')[1]) || '');
    const month = params.get('month') || thisMonth();
    const all = me.roles.includes('director') || me.roles.includes('admin');
    const only = all ? (params.get('office') || '') : me.office;
    main.replaceChildren(el('p', { text: '載入中…' }));
    const byOffice = await report({ from: month, to: month, group_by: 'office', office: only });
    const perOffice = await Promise.all(byOffice.groups.map(g => report({ from: month, to: month, group_by: 'channel', office: g.group })));
    if (!current(navigation)) return;
    const pages = byOffice.groups.map((g, i) => {
      const s = g.satisfaction;
      const k = g.clocks;
      const facts = [
        ['收件', g.received], ['結案', g.closed], ['移送', g.transferred], ['併案', g.merged], ['存查', g.registered_only],
        ['月底未結', g.open_at_end], ['目前逾期', g.overdue_now],
        ['分案準時率', pct(k.assign && k.assign.on_time_rate)], ['答覆準時率', pct(k.response && k.response.on_time_rate)],
        ['平均處理工作天', num(g.handling.avg_workdays)], ['處理工作天 P90', num(g.handling.p90_workdays)],
        ['核准展延', g.extensions_granted], ['線上表單／1999 介接／Open311', `${g.online.mailbox_form}／${g.online.webhook}／${g.online.open311}`],
        ['問卷寄出／回覆', `${s.sent}／${s.answers}（${pct(s.response_rate)}）`],
        ['平均分數（速度／結果／態度）', `${num(s.mean.speed)}／${num(s.mean.result)}／${num(s.mean.attitude)}`],
        ['滿意比率（4-5 分）', pct(s.satisfied_share.all)], ['較上月', pp(s.mom.satisfied_share)], ['較去年同月', pp(s.yoy.satisfied_share)],
      ];
      const channels = perOffice[i].groups;
      return el('section', { class: 'report-page' },
        el('h2', { text: `${OFFICE[g.group] || g.group} 陳情案件月報　${roc(month)}` }),
        el('table', { class: 'stats report' }, el('tbody', {}, facts.map(([a, b]) => el('tr', {}, el('th', { scope: 'row', text: a }), el('td', { text: String(b) }))))),
        el('h3', { text: '各管道' }),
        el('table', { class: 'stats report' },
          el('thead', {}, el('tr', {}, ['管道', '收件', '結案', '答覆準時率', '平均處理工作天'].map(h => el('th', { scope: 'col', text: h })))),
          el('tbody', {}, channels.map(c => el('tr', {}, el('th', { scope: 'row', text: label('channel', c.group) }),
            el('td', { text: String(c.received) }), el('td', { text: String(c.closed) }),
            el('td', { text: pct(c.clocks.response && c.clocks.response.on_time_rate) }), el('td', { text: num(c.handling.avg_workdays) }))))),
        el('p', { class: 'hint', text: '工作天依行政機關辦公日曆表及各單位停班日計算，自收件次一工作天起算，不含等待民眾補正期間；滿意比率為問卷 4、5 分所占比率。' }));
    });
    main.replaceChildren(el('p', { class: 'no-print' }, el('button', { type: 'button', text: '列印', onclick: () => window.print() }), '　',
      el('a', { href: `#/stats?from=${month}&to=${month}`, text: '回統計' })),
      ...(pages.length ? pages : [el('p', { text: `${roc(month)}沒有案件。` })]));
  }

  return { view, printView };
})();
