// The public pages: /track (case status by number and access code), /mailbox, the
// mailbox's confirmation page and /survey. The server writes each page in the
// petitioner's language (<html lang>); the words this script adds follow it.
'use strict';
(() => {
  const { el, date, api, showProblem } = P;
  const en = document.documentElement.lang === 'en';
  const T = en ? {
    needBoth: 'Enter the case number and the access code',
    caseNo: no => `Case ${no}`, state: 'Status: ', received: 'Received: ', due: 'Legal deadline: ',
    duePaused: 'Legal deadline (paused while we wait for your information): ', steps: 'Steps', reason: r => `Note: ${r}`,
    tooManyTries: 'Too many wrong tries', tooMany: wait => ` (try again in ${wait} seconds)`, notFound: 'No case with this number and access code',
    sent: 'Sent: please confirm by e-mail', expires: 'Confirm before: ',
    scale: ['Very dissatisfied', 'Dissatisfied', 'Neutral', 'Satisfied', 'Very satisfied'],
    answered: 'The survey of this case has been answered. Thank you.', closed: 'The survey closed 30 days after the reply.',
    intro: no => `Case ${no}: please rate how we handled your petition (1 lowest, 5 highest).`,
    noSurvey: 'No such survey, or the link is wrong.', thanks: 'Thank you for your answers!',
    confirmed: 'Your petition is accepted', caseNumber: 'Case number: ', track: 'Track your case',
    noLink: 'This confirmation link is unknown. Please open the link exactly as it was mailed to you.',
    expired: 'This confirmation link has expired. Please send the form again.', lacks: 'The link lacks its token.',
  } : {
    needBoth: '請輸入案件編號與查詢碼',
    caseNo: no => `案件 ${no}`, state: '目前狀態：', received: '受理日期：', due: '法定處理期限：',
    duePaused: '法定處理期限（補正期間暫停計算）：', steps: '處理歷程', reason: r => `說明：${r}`,
    tooManyTries: '查詢錯誤次數過多', tooMany: wait => `（請於 ${wait} 秒後再試）`, notFound: '查無此案件或查詢碼錯誤',
    sent: '已送出，請至電子郵件確認', expires: '確認期限：',
    scale: ['非常不滿意', '不滿意', '普通', '滿意', '非常滿意'],
    answered: '此案件的問卷已填答，謝謝您。', closed: '問卷已逾 30 日填答期限。',
    intro: no => `案件 ${no}：請就本次陳情的處理給分（1 分最低，5 分最高）。`,
    noSurvey: '查無此問卷或連結錯誤。', thanks: '感謝您的填答！',
    confirmed: '案件已受理', caseNumber: '案件編號：', track: '查詢案件進度',
    noLink: '查無此確認連結，請確認連結與信中完全相同。', expired: '確認連結已過期，請重新填寫表單。', lacks: '連結缺少確認碼。',
  };
  const lang = en ? 'en' : 'zh-Hant-TW';

  const track = document.getElementById('track');
  if (track) {
    const result = document.getElementById('result');
    const error = document.getElementById('track-error');
    track.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      result.hidden = true;
      const no = track.public_no.value.trim(), code = track.code.value.trim().toUpperCase();
      if (!no || !code) { error.textContent = T.needBoth; return; }
      try {
        const { data } = await api('GET', `/api/v1/public/cases/${encodeURIComponent(no)}?code=${encodeURIComponent(code)}&lang=${lang}`);
        result.replaceChildren(...[
          el('h2', { text: T.caseNo(data.public_no) }),
          el('p', {}, T.state, el('strong', { id: 'state', text: data.state_label })),
          el('p', {}, T.received, date(data.received_at, true)),
          data.due_at ? el('p', {}, data.paused ? T.duePaused : T.due, date(data.due_at, true)) : null,
          el('h3', { text: T.steps }),
          el('ol', { class: 'timeline' }, data.steps.map(s => el('li', {},
            el('div', { class: 'when' }, date(s.at, true)), el('div', { text: s.label }),
            s.reason ? el('div', { class: 'hint', text: T.reason(s.reason) }) : null)))].filter(Boolean));
        result.hidden = false;
        result.focus();
      } catch (e) {
        error.textContent = e.status === 429 ? `${T.tooManyTries}${T.tooMany(e.headers.get('Retry-After') || '…')}`
          : (e.status === 404 ? T.notFound : e.message);
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
      for (const k of ['name', 'email', 'phone', 'subject', 'body', 'website', 'language']) body[k] = mailbox[k].value;
      if (files.length) {
        const fd = new FormData();
        for (const [k, v] of Object.entries(body)) fd.append(k, v);
        for (const f of files) fd.append('file', f, f.name);
        body = fd;
      }
      try {
        const { data } = await api('POST', '/public/mailbox', body);
        mailbox.hidden = true;
        sent.replaceChildren(el('h2', { text: T.sent }), el('p', { text: data.detail }),
          el('p', {}, T.expires, date(data.expires_at, true)));
        sent.hidden = false;
      } catch (e) { showProblem(mailbox, e, error); }
    });
  }

  // The mailed confirmation link: confirms once, then says what happened.
  const confirm = document.getElementById('confirm');
  if (confirm) {
    const token = new URLSearchParams(location.search).get('token') || '';
    (async () => {
      try {
        if (!token) throw Object.assign(new Error(T.lacks), { status: 400 });
        const { data } = await api('GET', `/public/mailbox/confirm?token=${encodeURIComponent(token)}`);
        confirm.replaceChildren(el('h2', { text: T.confirmed }), el('p', {}, T.caseNumber, el('strong', { id: 'confirmed-no', text: data.public_no })),
          el('p', { text: data.detail }), el('p', {}, el('a', { href: `/track?lang=${lang}`, text: T.track })));
      } catch (e) {
        confirm.replaceChildren(el('p', { class: 'error', role: 'alert', text: e.status === 404 ? T.noLink : e.status === 409 ? T.expired : e.message }));
      }
      confirm.focus();
    })();
  }

  const survey = document.getElementById('survey');
  if (survey) {
    const done = document.getElementById('survey-done');
    const error = document.getElementById('survey-error');
    const params = new URLSearchParams(location.search);
    const no = params.get('no') || '', token = params.get('token') || '';
    for (const q of ['speed', 'result', 'attitude']) {
      const box = document.getElementById(`q-${q}`);
      T.scale.forEach((label, i) => {
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
        if (data.answered) return finish(T.answered);
        if (!data.open) return finish(T.closed);
        document.getElementById('survey-intro').textContent = T.intro(data.public_no);
        survey.hidden = false;
        survey.querySelector('input').focus();
      } catch (e) { finish(e.status === 404 ? T.noSurvey : e.message); }
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
        finish(T.thanks);
      } catch (e) { showProblem(survey, e, error); }
    });
  }
})();
