// The public pages: /track (case status by number and access code) and /mailbox.
'use strict';
(() => {
  const { el, date, api, showProblem } = P;
  const track = document.getElementById('track');
  if (track) {
    const result = document.getElementById('result');
    const error = document.getElementById('track-error');
    track.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      result.hidden = true;
      const no = track.public_no.value.trim(), code = track.code.value.trim().toUpperCase();
      if (!no || !code) { error.textContent = '請輸入案件編號與查詢碼'; return; }
      try {
        const { data } = await api('GET', `/api/v1/public/cases/${encodeURIComponent(no)}?code=${encodeURIComponent(code)}`);
        result.replaceChildren(...[
          el('h2', { text: `案件 ${data.public_no}` }),
          el('p', {}, '目前狀態：', el('strong', { id: 'state', text: data.state_label })),
          el('p', {}, '受理日期：', date(data.received_at, true)),
          data.due_at ? el('p', {}, data.paused ? '法定處理期限（補正期間暫停計算）：' : '法定處理期限：', date(data.due_at, true)) : null,
          el('h3', { text: '處理歷程' }),
          el('ol', { class: 'timeline' }, data.steps.map(s => el('li', {},
            el('div', { class: 'when' }, date(s.at, true)), el('div', { text: s.label }),
            s.reason ? el('div', { class: 'hint', text: `說明：${s.reason}` }) : null)))].filter(Boolean));
        result.hidden = false;
        result.focus();
      } catch (e) {
        error.textContent = e.status === 429 ? `${e.message}（請於 ${e.headers.get('Retry-After') || '數'} 秒後再試）` : (e.status === 404 ? '查無此案件或查詢碼錯誤' : e.message);
      }
    });
  }
  const mailbox = document.getElementById('mailbox');
  if (mailbox) {
    const sent = document.getElementById('sent');
    const error = document.getElementById('mailbox-error');
    for (const f of mailbox.querySelectorAll('.field')) if (!f.querySelector('.error')) f.append(el('p', { class: 'error' }));
    mailbox.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      const body = {};
      for (const k of ['name', 'email', 'phone', 'subject', 'body', 'website']) body[k] = mailbox[k].value;
      try {
        const { data } = await api('POST', '/public/mailbox', body);
        mailbox.hidden = true;
        sent.replaceChildren(el('h2', { text: '已送出，請至電子郵件確認' }), el('p', { text: data.detail }),
          el('p', {}, '確認期限：', date(data.expires_at, true)));
        sent.hidden = false;
      } catch (e) { showProblem(mailbox, e, error); }
    });
  }
})();
