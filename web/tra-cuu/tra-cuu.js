// motcua public lookup page: code + PIN -> GET /api/v1/lookup (status, procedure, dates,
// steps), then, once the result is returned, the rating form (POST /api/v1/lookup/rating).
// Every piece of data is rendered with textContent (never parsed as HTML), as the CSP and the
// security rules require. The PIN stays in memory: never in the address, history or storage.
'use strict';

(function () {
  const API = '/api/v1';
  const $ = (id) => document.getElementById(id);

  const { el, clear, addFact } = window.motcuaDom;

  function setStatus(id, text, isError) {
    const s = $(id);
    s.textContent = text || '';
    s.classList.toggle('error', Boolean(isError));
  }

  // The dossier code from what was typed, pasted, scanned or passed as ?code=: a QR payload
  // ("<code>|<procedure>|<lookup address>", core/forms.h) gives its first field.
  // The dossier code from what was typed or scanned: the code itself, the form's QR
  // (".../tra-cuu?code=CODE&procedure=P") or an older form's QR ("CODE|P|URL").
  function normaliseCode(text) {
    const s = String(text || '').trim();
    const q = s.indexOf('?');
    if (q >= 0) {
      const code = new URLSearchParams(s.slice(q + 1)).get('code');
      if (code) return code.trim().toUpperCase();
    }
    return s.split('|')[0].trim().toUpperCase();
  }

  // "2025-11-22 08:30" -> "08:30 ngày 22/11/2025"; anything else is shown as it came.
  function formatTime(stored) {
    const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})/.exec(stored || '');
    return m ? m[4] + ':' + m[5] + ' ngày ' + m[3] + '/' + m[2] + '/' + m[1] : (stored || '');
  }

  // "Vui lòng thử lại sau 15 phút." from a Retry-After header in seconds ("" when absent).
  function waitText(retryAfter) {
    const seconds = parseInt(retryAfter || '', 10);
    if (!(seconds > 0)) return '';
    return 'Vui lòng thử lại sau ' + Math.ceil(seconds / 60) + ' phút.';
  }

  // Sends a request; resolves {status, body, retryAfter}, rejects only when the server
  // cannot be reached.
  async function call(url, options) {
    let response;
    try {
      response = await fetch(url, Object.assign({
        headers: { Accept: 'application/json' }, credentials: 'omit', cache: 'no-store',
      }, options || {}));
    } catch (e) {
      throw new Error('Không kết nối được với máy chủ. Vui lòng thử lại.');
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    return { status: response.status, body: body, retryAfter: response.headers.get('Retry-After') };
  }

  // The API's Vietnamese message, or fallback.
  function messageOf(reply, fallback) {
    return (reply.body && reply.body.error && reply.body.error.message) || fallback;
  }

  // After a 429: the message with the wait, and the button disabled until it is over.
  function throttled(reply, buttonId, statusId) {
    const wait = waitText(reply.retryAfter);
    let text = messageOf(reply, 'Bạn đã nhập sai quá nhiều lần.');
    if (wait && text.indexOf('thử lại sau') < 0) text += ' ' + wait;
    setStatus(statusId, text, true);
    const seconds = parseInt(reply.retryAfter || '', 10);
    if (seconds > 0) {
      const button = $(buttonId);
      button.disabled = true;
      setTimeout(() => { button.disabled = false; }, Math.min(seconds, 3600) * 1000);
    }
  }

  // What the lookup showed last: the rating needs the same code and PIN.
  let current = null;

  function showResult(d) {
    $('result-status').textContent = d.status_label || d.status || '';
    $('result-status').dataset.status = d.status || '';
    const facts = $('result-facts');
    clear(facts);
    addFact(facts, 'Mã hồ sơ', d.code);
    addFact(facts, 'Thủ tục', d.procedure_name || d.procedure);
    addFact(facts, 'Ngày nhận hồ sơ', formatTime(d.received_at));
    addFact(facts, 'Hẹn trả kết quả', formatTime(d.appointment_at));
    if (d.original_appointment_at && d.original_appointment_at !== d.appointment_at) {
      addFact(facts, 'Hẹn trả ban đầu', formatTime(d.original_appointment_at));
    }
    addFact(facts, 'Có kết quả giải quyết', formatTime(d.result_at));
    addFact(facts, 'Đã trả kết quả', formatTime(d.returned_at));
    const steps = $('result-steps');
    clear(steps);
    for (const s of Array.isArray(d.steps) ? d.steps : []) {
      const li = el('li');
      li.appendChild(el('span', formatTime(s.at), 'when'));
      li.appendChild(el('span', s.step_name ? s.label + ': ' + s.step_name : s.label, 'what'));
      steps.appendChild(li);
    }
    if (steps.children.length === 0) steps.appendChild(el('li', 'Chưa có.', 'none'));
    $('result').hidden = false;
    showRating(d);
  }

  // The rating form only after the return, once per dossier.
  function showRating(d) {
    const section = $('rating');
    const done = $('rating-done');
    setStatus('rating-status', '');
    if (d.status !== 'returned') {
      section.hidden = true;
      return;
    }
    section.hidden = false;
    $('rating-form').hidden = Boolean(d.rated);
    done.hidden = !d.rated;
    done.textContent = d.rated ? 'Hồ sơ này đã được đánh giá. Cảm ơn Ông/Bà.' : '';
  }

  async function lookup(code, pin) {
    current = null;
    $('result').hidden = true;
    $('rating').hidden = true;
    if (!code) {
      setStatus('status', 'Hãy nhập Mã hồ sơ in trên Giấy tiếp nhận hồ sơ.', true);
      $('code').focus();
      return;
    }
    if (!/^[0-9]{6}$/.test(pin)) {
      setStatus('status', 'Mã tra cứu (PIN) gồm đúng 6 chữ số.', true);
      $('pin').focus();
      return;
    }
    setStatus('status', 'Đang tra cứu…');
    let reply;
    try {
      reply = await call(API + '/lookup?code=' + encodeURIComponent(code) + '&pin=' + encodeURIComponent(pin));
    } catch (e) {
      setStatus('status', e.message, true);
      return;
    }
    if (reply.status === 200 && reply.body) {
      current = { code: code, pin: pin };
      setStatus('status', '');
      showResult(reply.body);
    } else if (reply.status === 429) {
      throttled(reply, 'lookup-submit', 'status');
    } else if (reply.status === 404 || reply.status === 400) {
      setStatus('status', messageOf(reply, 'Mã hồ sơ hoặc mã tra cứu (PIN) không đúng. Hãy kiểm tra lại.'), true);
    } else {
      setStatus('status', messageOf(reply, 'Máy chủ trả lỗi ' + reply.status + '. Vui lòng thử lại.'), true);
    }
  }

  const SCALE = ['Rất không hài lòng', 'Không hài lòng', 'Bình thường', 'Hài lòng', 'Rất hài lòng'];

  // Five radio buttons (1..5) in each .choices box, named after its data-name.
  function buildScales() {
    for (const box of document.querySelectorAll('#rating-form .choices')) {
      const name = box.dataset.name;
      SCALE.forEach((label, i) => {
        const id = name + '-' + (i + 1);
        const input = el('input');
        input.type = 'radio';
        input.name = name;
        input.id = id;
        input.value = String(i + 1);
        const lab = el('label', (i + 1) + ' - ' + label);
        lab.htmlFor = id;
        const wrap = el('span', null, 'choice');
        wrap.appendChild(input);
        wrap.appendChild(lab);
        box.appendChild(wrap);
      });
    }
  }

  function chosen(name) {
    const input = document.querySelector('#rating-form input[name="' + name + '"]:checked');
    return input ? parseInt(input.value, 10) : 0;
  }

  async function rate() {
    if (current === null) return;
    const body = {
      code: current.code, pin: current.pin,
      satisfaction: chosen('satisfaction'), on_time: chosen('on_time'), attitude: chosen('attitude'),
      visits: parseInt($('visits').value, 10),
    };
    if (!body.satisfaction || !body.on_time || !body.attitude) {
      setStatus('rating-status', 'Hãy chọn điểm (1 đến 5) cho cả ba mục.', true);
      return;
    }
    if (!(body.visits >= 1 && body.visits <= 99)) {
      setStatus('rating-status', 'Số lần đến cơ quan là một số từ 1 đến 99.', true);
      $('visits').focus();
      return;
    }
    const comment = $('comment').value.trim();
    if (comment) {
      if (new TextEncoder().encode(comment).length > 2000) {
        setStatus('rating-status', 'Góp ý quá dài (tối đa 2000 byte, khoảng 600 chữ có dấu). Hãy rút gọn.', true);
        return;
      }
      body.comment = comment;
    }
    setStatus('rating-status', 'Đang gửi…');
    let reply;
    try {
      reply = await call(API + '/lookup/rating', {
        method: 'POST',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    } catch (e) {
      setStatus('rating-status', e.message, true);
      return;
    }
    if (reply.status === 201) {
      $('rating-form').hidden = true;
      $('rating-done').hidden = false;
      $('rating-done').textContent = (reply.body && reply.body.message) || 'Cảm ơn Ông/Bà đã đánh giá.';
      setStatus('rating-status', '');
    } else if (reply.status === 429) {
      throttled(reply, 'rating-submit', 'rating-status');
    } else {
      setStatus('rating-status', messageOf(reply, 'Máy chủ trả lỗi ' + reply.status + '. Vui lòng thử lại.'), true);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    buildScales();
    const code = $('code');
    const pin = $('pin');
    const fromQr = normaliseCode(new URLSearchParams(location.search).get('code'));
    if (fromQr) code.value = fromQr;
    // A scanner that types the QR payload into the field leaves only the code.
    code.addEventListener('change', () => {
      code.value = normaliseCode(code.value);
    });
    pin.addEventListener('input', () => {
      pin.value = pin.value.replace(/[^0-9]/g, '').slice(0, 6);
    });
    (fromQr ? pin : code).focus();
    $('lookup').addEventListener('submit', (ev) => {
      ev.preventDefault();
      code.value = normaliseCode(code.value);
      const value = code.value;
      history.replaceState(null, '', value ? '?code=' + encodeURIComponent(value) : location.pathname);
      lookup(value, pin.value.trim());
    });
    $('rating-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      rate();
    });
  });
})();
