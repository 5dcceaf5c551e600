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
      // With files: multipart/form-data, each file checked by the server by its content.
      const files = mailbox.file ? [...mailbox.file.files] : [];
      let body = {};
      for (const k of ['name', 'email', 'phone', 'subject', 'body', 'website']) body[k] = mailbox[k].value;
      if (files.length) {
        const fd = new FormData();
        for (const [k, v] of Object.entries(body)) fd.append(k, v);
        for (const f of files) fd.append('file', f, f.name);
        body = fd;
      }
      try {
        const { data } = await api('POST', '/public/mailbox', body);
        mailbox.hidden = true;
        sent.replaceChildren(el('h2', { text: '已送出，請至電子郵件確認' }), el('p', { text: data.detail }),
          el('p', {}, '確認期限：', date(data.expires_at, true)));
        sent.hidden = false;
      } catch (e) { showProblem(mailbox, e, error); }
    });
  }
  const survey = document.getElementById('survey');
  if (survey) {
    const done = document.getElementById('survey-done');
    const error = document.getElementById('survey-error');
    const params = new URLSearchParams(location.search);
    const no = params.get('no') || '', token = params.get('token') || '';
    const scale = ['非常不滿意', '不滿意', '普通', '滿意', '非常滿意'];
    for (const q of ['speed', 'result', 'attitude']) {
      const box = document.getElementById(`q-${q}`);
      scale.forEach((label, i) => {
        const id = `${q}-${i + 1}`;
        box.append(el('span', { class: 'choice' }, el('input', { type: 'radio', name: q, id, value: String(i + 1) }),
          el('label', { for: id, text: ` ${i + 1} ${label}　` })));
      });
      box.append(el('p', { class: 'error' }));
    }
    const finish = (text) => { survey.hidden = true; done.replaceChildren(el('p', { text })); done.hidden = false; };
    (async () => {
      try {
        const { data } = await api('GET', `/api/v1/public/surveys/${encodeURIComponent(no)}?token=${encodeURIComponent(token)}`);
        if (data.answered) return finish('此案件的問卷已填答，謝謝您。');
        if (!data.open) return finish('問卷已逾 30 日填答期限。');
        document.getElementById('survey-intro').textContent = `案件 ${data.public_no}：請就本次陳情的處理給分（1 分最低，5 分最高）。`;
        survey.hidden = false;
        survey.querySelector('input').focus();
      } catch (e) { finish(e.status === 404 ? '查無此問卷或連結錯誤。' : e.message); }
    })();
    survey.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const body = { token };
      for (const q of ['speed', 'result', 'attitude']) {
        const picked = survey.querySelector(`input[name="${q}"]:checked`);
        if (picked) body[q] = Number(picked.value);
      }
      if (survey.comment.value.trim()) body.comment = survey.comment.value.trim();
      try {
        await api('POST', `/api/v1/public/surveys/${encodeURIComponent(no)}`, body);
        finish('感謝您的填答！');
      } catch (e) { showProblem(survey, e, error); }
    });
  }
})();
