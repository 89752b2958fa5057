// motcua static UI: searches the procedure catalogue and shows one procedure's details.
// Every piece of data is rendered with textContent (never innerHTML), as the CSP and
// the security rules require.
'use strict';

(function () {
  const API = '/api/v1';
  const $ = (id) => document.getElementById(id);

  const { el, clear, addFact } = window.motcuaDom;

  function setStatus(text, isError) {
    const s = $('status');
    s.textContent = text || '';
    s.classList.toggle('error', Boolean(isError));
  }

  // "Trong ngày (nhận trước 15:00)" or "10 ngày làm việc"; "" for an unknown shape.
  function formatLimit(limit) {
    if (!limit) return '';
    if (limit.unit === 'same_day') {
      return limit.cutoff ? 'Trong ngày (nhận trước ' + limit.cutoff + ')' : 'Trong ngày';
    }
    if (limit.unit === 'working_days') return limit.value + ' ngày làm việc';
    return '';
  }

  // "2025-07-01" -> "01/07/2025"; anything else is shown as it came.
  function formatDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
    return m ? m[3] + '/' + m[2] + '/' + m[1] : iso;
  }

  const vnd = new Intl.NumberFormat('vi-VN');
  function formatAmount(amount) {
    return amount === 0 ? 'Miễn phí' : vnd.format(amount) + ' đồng';
  }

  // One line for the list: the fees joined, or "Miễn phí" when they are all zero.
  function formatFees(fees) {
    if (!Array.isArray(fees) || fees.length === 0) return '';
    if (fees.every((f) => f.amount === 0)) return 'Miễn phí';
    return fees.map((f) => f.name + ': ' + formatAmount(f.amount)).join('; ');
  }

  // GETs a JSON document; rejects with the API's Vietnamese message when there is one.
  async function getJSON(url) {
    let response;
    try {
      response = await fetch(url, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    } catch (e) {
      throw new Error('Không kết nối được với máy chủ. Vui lòng thử lại.');
    }
    let body = null;
    try {
      body = await response.json();
    } catch (e) {
      body = null;
    }
    if (!response.ok) {
      const message = body && body.error && body.error.message;
      throw new Error(message || 'Máy chủ trả lỗi ' + response.status + '. Vui lòng thử lại.');
    }
    return body;
  }

  async function search(q) {
    setStatus('Đang tìm…');
    const table = $('results');
    const tbody = table.tBodies[0];
    try {
      const data = await getJSON(API + '/procedures?q=' + encodeURIComponent(q));
      const list = (data && Array.isArray(data.procedures)) ? data.procedures : [];
      clear(tbody);
      for (const p of list) {
        const row = el('tr');
        row.appendChild(el('td', p.code, 'code'));
        const nameCell = el('td');
        const link = el('a', p.name);
        link.href = '#' + encodeURIComponent(p.code);
        link.addEventListener('click', (ev) => {
          ev.preventDefault();
          history.replaceState(null, '', location.pathname + location.search + '#' + encodeURIComponent(p.code));
          showDetail(p.code);
        });
        nameCell.appendChild(link);
        if (p.field) nameCell.appendChild(el('div', p.field, 'field'));
        row.appendChild(nameCell);
        row.appendChild(el('td', p.department ? p.department.name : ''));
        row.appendChild(el('td', formatLimit(p.time_limit)));
        row.appendChild(el('td', formatFees(p.fees)));
        tbody.appendChild(row);
      }
      table.hidden = list.length === 0;
      setStatus(list.length === 0 ? 'Không tìm thấy thủ tục phù hợp.' : 'Tìm thấy ' + list.length + ' thủ tục.');
    } catch (e) {
      table.hidden = true;
      setStatus(e.message, true);
    }
  }

  function fillList(list, items, render) {
    clear(list);
    for (const item of items || []) list.appendChild(render(item));
    if (list.children.length === 0) list.appendChild(el('li', 'Không có.', 'none'));
  }

  async function showDetail(code) {
    const panel = $('detail');
    try {
      const p = await getJSON(API + '/procedures/' + encodeURIComponent(code));
      $('detail-title').textContent = p.name;
      const facts = $('detail-facts');
      clear(facts);
      addFact(facts, 'Mã thủ tục', p.code);
      addFact(facts, 'Mã thủ tục trên Cơ sở dữ liệu quốc gia', p.national_code);
      addFact(facts, 'Lĩnh vực', p.field);
      addFact(facts, 'Cơ quan giải quyết', p.competent_agency || (p.department && p.department.name));
      addFact(facts, 'Thời hạn giải quyết', formatLimit(p.time_limit));
      addFact(facts, 'Số bộ hồ sơ', p.sets);
      addFact(facts, 'Kết quả', p.result);
      addFact(facts, 'Áp dụng từ ngày', formatDate(p.effective_from));

      fillList($('detail-documents'), p.documents, (d) => {
        const li = el('li');
        li.appendChild(el('span', d.title, 'title'));
        const extra = [d.kind, d.copies > 1 ? d.copies + ' bản' : ''].filter(Boolean).join(', ');
        if (extra) li.appendChild(el('span', ' (' + extra + ')', 'kind'));
        li.appendChild(el('span', d.required ? 'Bắt buộc' : 'Không bắt buộc',
                          d.required ? 'badge required' : 'badge optional'));
        return li;
      });
      fillList($('detail-fees'), p.fees, (f) =>
        el('li', f.name + ': ' + formatAmount(f.amount) + (f.note ? ' (' + f.note + ')' : '')));
      fillList($('detail-steps'), p.workflow, (s) => el('li', s.name));
      fillList($('detail-legal'), p.legal_basis, (text) => el('li', text));
      panel.hidden = false;
      panel.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      panel.hidden = true;
      setStatus(e.message, true);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    const params = new URLSearchParams(location.search);
    const q = params.get('q') || '';
    $('q').value = q;
    $('search').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const value = $('q').value.trim();
      history.replaceState(null, '', value ? '?q=' + encodeURIComponent(value) : location.pathname);
      $('detail').hidden = true;
      search(value);
    });
    search(q);
    if (location.hash.length > 1) {
      showDetail(decodeURIComponent(location.hash.slice(1)));
    }
  });
})();
