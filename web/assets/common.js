// Shared by the console and the public pages: dates in the ROC calendar, the JSON API
// with problem+json errors shown next to the field they name.
'use strict';
const P = (() => {
  const TZ = 'Asia/Taipei';
  function parts(iso) {
    const d = new Date(iso);
    const f = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
    const o = {};
    for (const p of f.formatToParts(d)) o[p.type] = p.value;
    return { y: Number(o.year), m: o.month, d: o.day, hh: o.hour === '24' ? '00' : o.hour, mm: o.minute };
  }
  // 115/11/26 (tables) and 民國115年11月26日 (text); the Gregorian date on hover.
  function roc(iso) { const p = parts(iso); return `${p.y - 1911}/${p.m}/${p.d}`; }
  function rocLong(iso) { const p = parts(iso); return `民國${p.y - 1911}年${Number(p.m)}月${Number(p.d)}日`; }
  function time(iso) { const p = parts(iso); return `${p.hh}:${p.mm}`; }
  function gregorian(iso) { const p = parts(iso); return `${p.y}-${p.m}-${p.d} ${p.hh}:${p.mm}（台北時間）`; }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c.nodeType ? c : document.createTextNode(String(c)));
    return e;
  }
  // An English page (the public pages in English) writes Gregorian dates in words.
  function english(iso) {
    return new Intl.DateTimeFormat('en-GB', { timeZone: TZ, day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));
  }
  function date(iso, long) {
    if (document.documentElement.lang === 'en') return el('time', { datetime: iso, title: `${english(iso)} ${time(iso)} (Taipei time)`, text: english(iso) });
    return el('time', { datetime: iso, title: gregorian(iso), text: long ? rocLong(iso) : roc(iso) });
  }
  function workdays(n) {
    if (n === null || n === undefined) return '';
    return n < 0 ? `逾期 ${-n} 個工作天` : `剩 ${n} 個工作天`;
  }
  let csrf = '';
  class ApiError extends Error {
    constructor(status, problem, headers) { super(problem.detail || problem.title || `HTTP ${status}`); this.status = status; this.problem = problem; this.headers = headers; }
  }
  async function api(method, path, body, headers) {
    const h = Object.assign({ Accept: 'application/json' }, headers || {});
    // FormData (file uploads) goes as multipart/form-data with the browser's boundary.
    const form = typeof FormData !== 'undefined' && body instanceof FormData;
    if (body !== undefined && !form) h['Content-Type'] = 'application/json';
    if (method !== 'GET' && csrf) h['X-CSRF-Token'] = csrf;
    const r = await fetch(path, { method, headers: h, body: body === undefined ? undefined : form ? body : JSON.stringify(body), credentials: 'same-origin' });
    const text = await r.text();
    let data = {};
    try { data = text ? JSON.parse(text) : {}; } catch (e) { data = { detail: text }; }
    if (!r.ok) throw new ApiError(r.status, data, r.headers);
    return { data, headers: r.headers };
  }
  // Shows a problem's errors next to the fields they name ("subject is required",
  // "petitioner.phone: ..."), the rest in `fallback`.
  function showProblem(form, err, fallback) {
    form.querySelectorAll('.field .error').forEach(e => { e.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach(e => e.removeAttribute('aria-invalid'));
    const rest = [];
    const list = (err.problem && err.problem.errors) || [];
    for (const msg of list) {
      const name = (msg.match(/^([a-z_.]+)/) || [])[1] || '';
      const input = name && (form.querySelector(`[name="${name}"]`) || form.querySelector(`[name="${name.split('.').pop()}"]`));
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        const slot = input.closest('.field') && input.closest('.field').querySelector('.error');
        if (slot) { slot.textContent = msg; continue; }
      }
      rest.push(msg);
    }
    if (fallback) fallback.textContent = [err.message, ...rest].join(document.documentElement.lang === 'en' ? '; ' : '；');
    const first = form.querySelector('[aria-invalid="true"]');
    if (first) first.focus();
  }
  return { roc, rocLong, time, date, el, workdays, api, ApiError, showProblem, setCsrf: t => { csrf = t; }, csrf: () => csrf };
})();
