// Operator page for paymentd (/admin/ui). Plain browser JavaScript, no build
// step. Data only ever enters the DOM through textContent, never innerHTML:
// ids and error texts come from clients and the PSP.
'use strict';

(() => {
  const TOKEN_STORAGE_KEY = 'payments.admin_token';
  const REFRESH_INTERVAL_MS = 5000;
  // A keystroke this recent means the operator is typing: refreshing then
  // would move tables under the cursor, so the tick is skipped.
  const TYPING_PAUSE_MS = 4000;
  const ID_LENGTH_MAX = 255;
  const DLQ_PAGE_LIMIT = 100;

  const $ = (id) => document.getElementById(id);

  const state = {
    token: null,
    timer: null,
    lastTypedAtMs: 0,
    orderId: null,
    stuck: { query: null, cursors: [null], pageIndex: 0 },
    // Per element: the JSON it was last rendered from, so an unchanged
    // answer leaves the DOM (focus, selection) alone.
    renderedJson: new WeakMap(),
    // The reason dialog that is open: { name, entry }.
    asking: null,
    // Per view: the number of its newest request. An older answer arriving
    // late (a timer tick racing a click) must not overwrite a newer one.
    requestSeq: new Map(),
  };

  // --- formatting ------------------------------------------------------------

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'className') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key === 'dataset') Object.assign(node.dataset, value);
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function textOrDash(value) {
    return value === null || value === undefined || value === '' ? '—' : String(value);
  }

  function formatAge(sinceIso) {
    const since_ms = Date.parse(sinceIso);
    if (Number.isNaN(since_ms)) return '';
    let s = Math.max(0, Math.round((Date.now() - since_ms) / 1000));
    if (s < 120) return `${s} s ago`;
    const m = Math.floor(s / 60);
    if (m < 120) return `${m} min ago`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h} h ago`;
    return `${Math.floor(h / 24)} d ago`;
  }

  // RFC 3339 as sent (microseconds, UTC) shown to the second, with its age
  // kept fresh by updateAges() without re-rendering the table.
  function timeCell(iso) {
    if (!iso) return '—';
    const shown = iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
    return el('span', { className: 'when' },
      el('time', { datetime: iso, title: iso, text: shown }), ' ',
      el('span', { className: 'muted age', dataset: { since: iso }, text: formatAge(iso) }));
  }

  function updateAges() {
    for (const node of document.querySelectorAll('[data-since]')) {
      const age = formatAge(node.dataset.since);
      if (node.textContent !== age) node.textContent = age;
    }
  }

  function badge(status) {
    return status ? el('span', { className: `badge ${status}`, text: status }) : '—';
  }

  function flag(value) {
    return value ? el('span', { className: 'flag-yes', text: 'yes' }) : 'no';
  }

  // Money stays the API's decimal string: never parsed into a number here.
  function money(amount, currency) {
    return `${textOrDash(amount)} ${currency || ''}`.trim();
  }

  // Sums decimal strings exactly, in BigInt units of the finest scale among
  // them: Number would make 0.1 + 0.2 into 0.30000000000000004. Null when an
  // amount is not a plain decimal, so a wrong total is never shown.
  function sumDecimals(amounts) {
    const parsed = [];
    let scale = 0;
    for (const amount of amounts) {
      const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(amount));
      if (!match) return null;
      parsed.push(match);
      scale = Math.max(scale, (match[3] || '').length);
    }
    let total = 0n;
    for (const [, sign, whole, fraction = ''] of parsed) {
      const units = BigInt(whole + fraction.padEnd(scale, '0'));
      total += sign ? -units : units;
    }
    const negative = total < 0n;
    const digits = (negative ? -total : total).toString().padStart(scale + 1, '0');
    const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
    return negative ? `-${text}` : text;
  }

  // One total per currency, in the order the orders first name them.
  function totalsByCurrency(orders) {
    const byCurrency = new Map();
    for (const o of orders) {
      if (!byCurrency.has(o.currency)) byCurrency.set(o.currency, []);
      byCurrency.get(o.currency).push(o.amount);
    }
    return [...byCurrency].map(([currency, amounts]) => money(sumDecimals(amounts), currency));
  }

  function orderLink(id) {
    return el('button', {
      type: 'button', className: 'link', text: id,
      'aria-label': `Show order ${id}`,
      dataset: { orderLink: id, focusKey: `order-link:${id}` },
      onclick: () => showOrder(id),
    });
  }

  // --- API ---------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body, fallbackText) {
      const err = body && body.error;
      const message = err
        ? `${status} ${err.code}: ${err.message}${err.param ? ` (param ${err.param})` : ''}`
        : status === 0 ? fallbackText : `${status}: ${fallbackText || 'no error body'}`;
      super(message);
      this.status = status;
      this.code = err ? err.code : null;
      this.body = body;
    }
  }

  async function send(path, token, { method = 'GET', body } = {}) {
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, null, `paymentd did not answer (${e.message})`);
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (_) {
      json = null;
    }
    return { status: response.status, ok: response.ok, json, text };
  }

  // Every /admin call of a logged-in page: a 401 ends the session.
  async function api(path, options) {
    const answer = await send(path, state.token, options);
    if (answer.status === 401) {
      logOut('The token was refused (401 unauthorized). Log in again.');
      throw new ApiError(401, answer.json, answer.text);
    }
    if (!answer.ok) throw new ApiError(answer.status, answer.json, answer.text);
    return answer.json;
  }

  // Like api(), but resolves to STALE when a newer request for the same view
  // was sent meanwhile; errors of stale requests are dropped the same way.
  const STALE = Symbol('stale');
  async function apiLatest(view, path) {
    const seq = (state.requestSeq.get(view) || 0) + 1;
    state.requestSeq.set(view, seq);
    try {
      const body = await api(path);
      return state.requestSeq.get(view) === seq ? body : STALE;
    } catch (e) {
      if (state.requestSeq.get(view) !== seq) return STALE;
      throw e;
    }
  }

  // The id rule of docs/api.md: such ids go into a path unescaped, and the
  // server answers 404 for anything escaped, so check before asking.
  function idProblem(id) {
    if (id.length === 0) return 'Enter a payment order id.';
    if (id.length > ID_LENGTH_MAX) return `An id has at most ${ID_LENGTH_MAX} characters.`;
    if (!/^[\x21-\x7e]+$/.test(id)) return 'An id is printable ASCII without spaces.';
    if (/[/?#%]/.test(id)) return 'An id has no /, ?, # or %.';
    return null;
  }

  // --- rendering helpers -----------------------------------------------------

  function showSectionError(node, error) {
    node.textContent = error ? error.message : '';
    node.hidden = !error;
  }

  // Builds thead/tbody from column descriptions. Skips the work when the rows
  // are unchanged; otherwise keeps keyboard focus on the "same" button.
  function renderTable(table, columns, rows, { emptyText, keyOf, actions = [] } = {}) {
    const json = JSON.stringify(rows);
    if (state.renderedJson.get(table) === json) return;
    state.renderedJson.set(table, json);

    const focusKey = table.contains(document.activeElement)
      ? document.activeElement.dataset.focusKey : undefined;
    for (const old of table.querySelectorAll('thead, tbody')) old.remove();

    const head = el('tr');
    for (const column of columns) {
      head.append(el('th', { scope: 'col', className: column.numeric ? 'numeric' : null, text: column.label }));
    }
    if (actions.length) head.append(el('th', { scope: 'col', text: 'Actions' }));
    const body = el('tbody');
    if (rows.length === 0) {
      body.append(el('tr', {}, el('td', {
        className: 'empty', colspan: columns.length + (actions.length ? 1 : 0), text: emptyText || 'Nothing.',
      })));
    }
    for (const row of rows) {
      const key = keyOf ? keyOf(row) : undefined;
      const tr = el('tr', { dataset: key === undefined ? undefined : { key } });
      for (const column of columns) {
        tr.append(el('td', { className: column.numeric ? 'numeric' : column.mono ? 'mono' : null }, column.cell(row)));
      }
      if (actions.length) {
        const cell = el('td', { className: 'actions' });
        for (const action of actions) cell.append(actionButton(action, row, key), ' ');
        tr.append(cell);
      }
      body.append(tr);
    }
    table.append(el('thead', {}, head), body);
    if (focusKey) {
      const again = table.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
      if (again) again.focus();
    }
  }

  function actionButton(action, row, key) {
    return el('button', {
      type: 'button', text: action.label,
      'aria-label': `${action.label.replace(/…$/, '')} ${key}`,
      dataset: { action: action.name, key, focusKey: `${action.name}:${key}` },
      onclick: (event) => action.run(row, event.currentTarget),
    });
  }

  function showActionResult(ok, message, body) {
    const node = $('action-result');
    node.replaceChildren(el('span', { text: message }));
    if (body !== undefined && body !== null) {
      node.append(el('details', {}, el('summary', { text: 'API answer' }),
        el('pre', { text: JSON.stringify(body, null, 1) })));
    }
    node.className = `action-result ${ok ? 'ok' : 'failed'}`;
    node.hidden = false;
  }

  // --- live counts -----------------------------------------------------------

  const STATUS_ORDER = ['NOT_STARTED', 'EXECUTING', 'SUCCESS', 'FAILED'];

  function countBox(id, label, value) {
    return el('div', { className: 'count', id },
      el('span', { className: 'value', text: textOrDash(value) }),
      el('span', { className: 'label', text: label }));
  }

  // Statuses other issues add (PENDING, REVIEW, ...) become filter choices
  // as soon as the actor summary names them.
  function addStatusOptions(statuses) {
    const select = $('stuck-status');
    const known = new Set([...select.options].map((o) => o.value));
    for (const status of statuses) {
      if (!known.has(status)) select.append(el('option', { value: status, text: status }));
    }
  }

  async function refreshCounts() {
    let summary;
    try {
      summary = await apiLatest('counts', '/admin/actors');
    } catch (e) {
      showSectionError($('counts-error'), e);
      return;
    }
    if (summary === STALE) return;
    showSectionError($('counts-error'), null);
    const container = $('counts');
    const json = JSON.stringify([summary.checkouts_live, summary.orders_live, summary.orders_by_status, summary.dlq_open]);
    if (state.renderedJson.get(container) !== json) {
      state.renderedJson.set(container, json);
      const byStatus = summary.orders_by_status || {};
      const statuses = [...STATUS_ORDER, ...Object.keys(byStatus).filter((s) => !STATUS_ORDER.includes(s))];
      const boxes = [
        countBox('count-checkouts', 'checkouts in memory', summary.checkouts_live),
        countBox('count-orders', 'orders in memory', summary.orders_live),
        ...statuses.map((s) => countBox(`count-${s}`, `orders ${s}`, byStatus[s] ?? 0)),
      ];
      addStatusOptions(statuses);
      if ('dlq_open' in summary) boxes.push(countBox('count-dlq-open', 'open dead letters', summary.dlq_open));
      container.replaceChildren(...boxes);
    }
    renderTable($('shared-table'), [
      { label: 'Actor', cell: (a) => a.name, mono: true },
      { label: 'Instances', cell: (a) => String(a.instances), numeric: true },
      { label: 'Backlog (messages waiting)', cell: (a) => textOrDash(a.backlog ?? a.mailbox), numeric: true },
    ], summary.shared || [], { emptyText: 'No shared actors reported.', keyOf: (a) => a.name });
  }

  // --- cluster ---------------------------------------------------------------
  // GET /admin/cluster: alone ("single") or one node of several on one
  // database ("cluster"), with every incarnation and cluster-wide job.

  // A duration the API gives in milliseconds, for reading at a glance.
  function formatMs(ms) {
    const abs = Math.abs(ms);
    if (abs < 1000) return `${abs} ms`;
    if (abs < 120000) return `${(abs / 1000).toFixed(1)} s`;
    const m = Math.floor(abs / 60000);
    if (m < 120) return `${m} min`;
    const h = Math.floor(m / 60);
    return h < 48 ? `${h} h` : `${Math.floor(h / 24)} d`;
  }

  function msCell(value, render) {
    return typeof value === 'number' && Number.isFinite(value)
      ? el('span', { title: `${value} ms`, text: render(value) }) : textOrDash(value);
  }

  const NODE_STATUSES = {
    live: { mark: '●', help: 'holds its lease' },
    dead: { mark: '✕', help: 'its lease ran out or its node joined again; survivors take over its unfinished work' },
    gone: { mark: '○', help: 'dead, and all its unfinished work was taken over' },
  };

  // Color plus a mark and the word itself: the cue does not rest on color alone.
  function nodeStatus(status) {
    const known = Object.hasOwn(NODE_STATUSES, status) ? NODE_STATUSES[status] : null;
    if (!known) return badge(status);
    return el('span', { className: `badge node-${status}`, title: known.help, dataset: { status } },
      el('span', { 'aria-hidden': 'true', text: `${known.mark} ` }), status);
  }

  function isThisNode(thisNode, nodeId, epoch) {
    return Boolean(thisNode) && thisNode.node_id === nodeId && thisNode.epoch === epoch;
  }

  const CLUSTER_NODE_COLUMNS = [
    {
      label: 'Node',
      cell: (n) => el('span', { className: 'node-id', title: n.joined_at ? `joined ${n.joined_at}` : null },
        el('span', { className: 'mono', text: n.node_id }),
        n.this_node ? el('span', { className: 'this-node', text: 'this node' }) : null),
    },
    { label: 'Epoch', cell: (n) => textOrDash(n.epoch), numeric: true },
    { label: 'Status', cell: (n) => nodeStatus(n.status) },
    { label: 'Address', cell: (n) => textOrDash(n.address), mono: true },
    {
      label: 'Lease left',
      cell: (n) => msCell(n.lease_left_ms, (ms) => (ms >= 0 ? formatMs(ms) : `ran out ${formatMs(ms)} ago`)),
      numeric: true,
    },
    { label: 'Last heartbeat', cell: (n) => msCell(n.heartbeat_age_ms, (ms) => `${formatMs(ms)} ago`), numeric: true },
    {
      label: 'Unfinished checkouts owned',
      // Owned by an incarnation that is not live: waiting to be taken over.
      cell: (n) => (n.status !== 'live' && n.checkouts_owned > 0
        ? el('span', { className: 'flag-yes', title: 'waiting to be taken over by a live node', text: String(n.checkouts_owned) })
        : textOrDash(n.checkouts_owned)),
      numeric: true,
    },
    { label: 'Work taken over', cell: (n) => textOrDash(n.taken_over), numeric: true },
    { label: 'Last takeover', cell: (n) => timeCell(n.last_takeover_at) },
  ];

  const CLUSTER_JOB_COLUMNS = [
    { label: 'Job', cell: (j) => j.job, mono: true },
    { label: 'Held by', cell: (j) => textOrDash(j.node_id), mono: true },
    { label: 'Epoch', cell: (j) => textOrDash(j.epoch), numeric: true },
    // The holder's own status: a job held by a dead incarnation waits for a live one.
    { label: 'Holder status', cell: (j) => (j.holder_status ? nodeStatus(j.holder_status) : '—') },
    { label: 'Held since', cell: (j) => timeCell(j.held_since) },
  ];

  function renderClusterSummary(cluster, nodes) {
    const summary = $('cluster-summary');
    const thisNode = cluster.this_node;
    const byStatus = {};
    for (const n of nodes) byStatus[n.status] = (byStatus[n.status] || 0) + 1;
    const counts = Object.entries(byStatus).map(([status, count]) => `${count} ${status}`).join(', ');
    const json = JSON.stringify([cluster.mode, thisNode, counts]);
    if (state.renderedJson.get(summary) === json) return;
    state.renderedJson.set(summary, json);
    summary.replaceChildren(
      el('dt', { text: 'Mode' }),
      el('dd', { dataset: { field: 'mode' } },
        el('span', { className: `badge mode-${cluster.mode === 'cluster' ? 'cluster' : 'single'}`, text: textOrDash(cluster.mode) })),
      el('dt', { text: 'This node' }),
      el('dd', { dataset: { field: 'this_node' } }, thisNode
        ? el('span', {}, el('span', { className: 'mono', text: thisNode.node_id }), ` epoch ${textOrDash(thisNode.epoch)}`)
        : '— (not in a cluster)'),
      el('dt', { text: 'Incarnations' }),
      el('dd', { dataset: { field: 'nodes' } }, nodes.length ? `${nodes.length} (${counts})` : '0'));
  }

  async function refreshCluster() {
    let cluster;
    try {
      cluster = await apiLatest('cluster', '/admin/cluster');
    } catch (e) {
      showSectionError($('cluster-error'), e);
      return;
    }
    if (cluster === STALE) return;
    showSectionError($('cluster-error'), null);
    const single = cluster.mode !== 'cluster';
    const thisNode = cluster.this_node || null;
    const nodes = (cluster.nodes || []).map((n) => ({ ...n, this_node: isThisNode(thisNode, n.node_id, n.epoch) }));
    const statusOf = new Map(nodes.map((n) => [`${n.node_id}\u0000${n.epoch}`, n.status]));
    const jobs = (cluster.jobs || []).map((j) => ({ ...j, holder_status: statusOf.get(`${j.node_id}\u0000${j.epoch}`) || null }));
    renderClusterSummary(cluster, nodes);
    // Alone with nothing listed: the sentence says it all, empty tables would not.
    const listed = nodes.length > 0 || jobs.length > 0;
    $('cluster-single').hidden = !single;
    $('cluster-leftover').hidden = !(single && listed);
    $('cluster-tables').hidden = single && !listed;
    renderTable($('cluster-nodes'), CLUSTER_NODE_COLUMNS, nodes, {
      emptyText: 'No node has joined.', keyOf: (n) => `${n.node_id}:${n.epoch}`,
    });
    renderTable($('cluster-jobs'), CLUSTER_JOB_COLUMNS, jobs, {
      emptyText: 'No node holds a cluster-wide job yet.', keyOf: (j) => j.job,
    });
  }

  // --- stuck orders ----------------------------------------------------------

  function readStuckQuery() {
    const olderThan = $('stuck-older-than').value.trim();
    const limit = $('stuck-limit').value.trim();
    if (olderThan !== '' && !/^\d+$/.test(olderThan)) return { problem: 'Seconds must be a whole number (or empty).' };
    if (!/^\d+$/.test(limit) || Number(limit) < 1) return { problem: 'Per page must be a whole number from 1.' };
    return { status: $('stuck-status').value, olderThan, limit };
  }

  function stuckPath() {
    const { query, cursors, pageIndex } = state.stuck;
    const params = new URLSearchParams();
    if (query.status) params.set('status', query.status);
    if (query.olderThan !== '') params.set('older_than_s', query.olderThan);
    params.set('limit', query.limit);
    if (cursors[pageIndex]) params.set('cursor', cursors[pageIndex]);
    return `/admin/orders?${params}`;
  }

  const STUCK_COLUMNS = [
    { label: 'Order', cell: (o) => orderLink(o.payment_order_id) },
    { label: 'Checkout', cell: (o) => o.checkout_id, mono: true },
    { label: 'Seller', cell: (o) => o.seller_account, mono: true },
    { label: 'Amount', cell: (o) => money(o.amount, o.currency), numeric: true },
    { label: 'Status', cell: (o) => badge(o.status) },
    { label: 'PSP attempts', cell: (o) => String(o.psp_attempts), numeric: true },
    { label: 'Dead-lettered', cell: (o) => flag(o.dead_lettered) },
    { label: 'Maybe charged', cell: (o) => flag(o.maybe_charged) },
    { label: 'Last update', cell: (o) => timeCell(o.updated_at) },
  ];

  async function refreshStuck() {
    if (!state.stuck.query) return;
    let page;
    try {
      page = await apiLatest('stuck', stuckPath());
    } catch (e) {
      showSectionError($('stuck-error'), e);
      updateStuckPager(null);
      return;
    }
    if (page === STALE) return;
    showSectionError($('stuck-error'), null);
    const { cursors, pageIndex } = state.stuck;
    // The cursor after this page can change while rows move; keep the newest.
    cursors.length = pageIndex + 1;
    if (page.has_more && page.next_cursor) cursors.push(page.next_cursor);
    renderTable($('stuck-table'), STUCK_COLUMNS, page.data || [], {
      emptyText: 'No order matches.', keyOf: (o) => o.payment_order_id,
    });
    updateStuckPager((page.data || []).length);
  }

  function updateStuckPager(rowCount) {
    const { cursors, pageIndex } = state.stuck;
    $('stuck-first').disabled = pageIndex === 0;
    $('stuck-prev').disabled = pageIndex === 0;
    $('stuck-next').disabled = cursors.length <= pageIndex + 1;
    $('stuck-page-info').textContent = rowCount === null ? '' : `Page ${pageIndex + 1} · ${rowCount} shown`;
  }

  // "Loading…" until the answer is rendered: the pager's text is how a
  // reader (or a test) knows the table shows the page asked for.
  function loadStuckPage(index) {
    state.stuck.pageIndex = index;
    $('stuck-page-info').textContent = 'Loading…';
    showSectionError($('stuck-error'), null);
    for (const id of ['stuck-first', 'stuck-prev', 'stuck-next']) $(id).disabled = true;
    refreshStuck();
  }

  // --- one order -------------------------------------------------------------

  const ROW_FIELDS = [
    ['checkout_id', 'Checkout'], ['seller_account', 'Seller'], ['amount', 'Amount'],
    ['status', 'Status'], ['psp_reference', 'PSP reference'], ['failure_code', 'Failure code'],
    ['failure_message', 'Failure message'], ['attempts', 'Executions started'],
    ['psp_attempts', 'PSP attempts (budget spent)'], ['dead_lettered', 'Dead-lettered'],
    ['maybe_charged', 'Maybe charged'], ['wallet_updated', 'Wallet credited'],
    ['ledger_updated', 'Ledger written'], ['created_at', 'Created'], ['updated_at', 'Updated'],
  ];
  const ROW_SKIPPED = new Set(['object', 'payment_order_id', 'currency']);

  function fieldValue(key, order) {
    const value = order[key];
    if (key === 'amount') return money(order.amount, order.currency);
    if (key === 'status') return badge(value);
    if (key.endsWith('_at')) return timeCell(value);
    if (typeof value === 'boolean') return flag(value);
    return textOrDash(value);
  }

  function renderFields(dl, order) {
    const known = new Set(ROW_FIELDS.map(([key]) => key));
    // Fields this page does not know yet are still shown, after the known ones.
    const extra = Object.keys(order).filter((k) => !known.has(k) && !ROW_SKIPPED.has(k)).map((k) => [k, k]);
    const items = [];
    for (const [key, label] of [...ROW_FIELDS, ...extra]) {
      if (!(key in order)) continue;
      items.push(el('dt', { text: label }), el('dd', { dataset: { field: key } }, fieldValue(key, order)));
    }
    dl.replaceChildren(...items);
  }

  function renderLive(container, live) {
    if (!live) {
      container.replaceChildren(el('p', {
        id: 'order-live-none', className: 'muted',
        text: 'Not in memory: no actor works on this order now (it is final, waits in the dead-letter queue, or was not loaded).',
      }));
      return;
    }
    const dl = el('dl', { className: 'fields', id: 'order-live-fields' });
    for (const [key, label] of [['state', 'State'], ['attempt', 'Attempt'], ['next_retry_at', 'Next retry'], ['waiting_on', 'Waiting on']]) {
      dl.append(el('dt', { text: label }), el('dd', { dataset: { field: key } },
        key === 'next_retry_at' ? timeCell(live[key]) : key === 'state' ? badge(live[key]) : textOrDash(live[key])));
    }
    container.replaceChildren(dl);
  }

  const TIMELINE_COLUMNS = [
    { label: '#', cell: (h) => String(h.seq), numeric: true },
    { label: 'At', cell: (h) => timeCell(h.at) },
    { label: 'Event', cell: (h) => h.event, mono: true },
    { label: 'Transition', cell: (h) => (h.from_status || h.to_status ? `${textOrDash(h.from_status)} → ${textOrDash(h.to_status)}` : '—') },
    { label: 'Attempt', cell: (h) => textOrDash(h.attempt), numeric: true },
    { label: 'Outcome', cell: (h) => textOrDash(h.outcome) },
    { label: 'Error', cell: (h) => textOrDash(h.error) },
    { label: 'Correlation id', cell: (h) => textOrDash(h.correlation_id), mono: true },
  ];

  function renderOrder(inspection) {
    const order = inspection.order || {};
    const id = order.payment_order_id || state.orderId;
    $('order-title').replaceChildren(`Order ${id} `, badge(order.status));
    const dlqActions = $('order-dlq-actions');
    if (order.dead_lettered) {
      const entry = { payment_order_id: id, maybe_charged: order.maybe_charged };
      dlqActions.replaceChildren(el('span', { className: 'warning', text: 'Waiting in the dead-letter queue.' }),
        ...DLQ_ACTIONS.map((action) => actionButton(action, entry, id)));
    } else {
      dlqActions.replaceChildren();
    }
    dlqActions.hidden = !order.dead_lettered;
    renderLive($('order-live'), inspection.live);
    renderFields($('order-row'), order);
    renderTable($('timeline'), TIMELINE_COLUMNS, inspection.history || [], {
      emptyText: 'No history recorded.', keyOf: (h) => String(h.seq),
    });
    $('order-body').hidden = false;
  }

  async function refreshOrder() {
    const id = state.orderId;
    if (!id) return;
    let inspection;
    try {
      inspection = await apiLatest('order', `/admin/orders/${id}`);
    } catch (e) {
      const message = e.status === 404 && e.code === 'resource_missing'
        ? `No payment order ${id}.` : e.message;
      showSectionError($('order-error'), { message });
      $('order-body').hidden = true;
      state.renderedJson.delete($('order-body'));
      return;
    }
    if (inspection === STALE) return; // e.g. the operator asked for another order
    showSectionError($('order-error'), null);
    const json = JSON.stringify(inspection);
    if (state.renderedJson.get($('order-body')) !== json) {
      state.renderedJson.set($('order-body'), json);
      renderOrder(inspection);
    }
  }

  function showOrder(id) {
    $('order-search').value = id;
    const problem = idProblem(id);
    $('order-detail').hidden = false;
    if (problem) {
      state.orderId = null;
      state.requestSeq.set('order', (state.requestSeq.get('order') || 0) + 1);
      showSectionError($('order-error'), { message: problem });
      $('order-body').hidden = true;
      return;
    }
    state.orderId = id;
    state.renderedJson.delete($('order-body'));
    history.replaceState(null, '', `#order=${encodeURIComponent(id)}`);
    $('order-section').scrollIntoView({ block: 'nearest' });
    refreshOrder();
  }

  // --- operator queues -------------------------------------------------------
  // Each queue is one entry: where to list it, its columns and its actions.
  // Reviews, reconciliation exceptions and payouts are added here the same way.

  async function requeueDeadLetter(entry, button) {
    const id = entry.payment_order_id;
    if (button) button.disabled = true;
    try {
      const answer = await api(`/admin/dlq/${id}/requeue`, { method: 'POST' });
      showActionResult(true, `Requeued ${id}: the dead letter is now ${answer.status}; the order runs again.`, answer);
    } catch (e) {
      if (e.status !== 401) showActionResult(false, `Requeue of ${id} failed: ${e.message}`, e.body);
    } finally {
      if (button) button.disabled = false;
    }
    refreshAfterAction();
  }

  function askResolveReason(entry) {
    askReason('resolve', entry,
      `Order ${entry.payment_order_id} becomes FAILED (operator_resolved) unless it is already final; the PSP is not asked.`,
      { warning: Boolean(entry.maybe_charged) });
  }

  // --- reason dialogs ----------------------------------------------------------
  // Actions that close something for good ask for a reason first, each in
  // its own <dialog id="NAME-dialog"> of index.html with the same parts.

  const REASON_ACTIONS = {
    resolve: {
      noun: 'Resolve',
      idOf: (entry) => entry.payment_order_id,
      path: (id) => `/admin/dlq/${id}/resolve`,
      done: (id, answer) => `Resolved ${id}: the dead letter is now ${answer.status}, order ${answer.order_status}.`,
    },
    reject: {
      noun: 'Reject',
      idOf: (checkout) => checkout.checkout_id,
      path: (id) => `/admin/reviews/${id}/reject`,
      done: (id, answer) => `Rejected ${id}: checkout ${answer.status}, orders ${orderStatuses(answer)}; nobody was charged.`,
    },
  };

  function askReason(name, entry, what, { warning = false } = {}) {
    state.asking = { name, entry };
    $(`${name}-what`).textContent = what;
    const warningNode = $(`${name}-warning`);
    if (warningNode) warningNode.hidden = !warning;
    $(`${name}-reason`).value = '';
    showSectionError($(`${name}-error`), null);
    $(`${name}-confirm`).disabled = false;
    $(`${name}-dialog`).showModal();
    $(`${name}-reason`).focus();
  }

  async function submitReason(name, event) {
    event.preventDefault();
    const asking = state.asking;
    if (!asking || asking.name !== name) return;
    const action = REASON_ACTIONS[name];
    const reason = $(`${name}-reason`).value.trim();
    if (!reason) {
      showSectionError($(`${name}-error`), { message: 'Give a reason: it is kept as the failure message.' });
      return;
    }
    const id = action.idOf(asking.entry);
    $(`${name}-confirm`).disabled = true;
    try {
      const answer = await api(action.path(id), { method: 'POST', body: { reason } });
      closeReasonDialogs();
      showActionResult(true, action.done(id, answer), answer);
      refreshAfterAction();
    } catch (e) {
      $(`${name}-confirm`).disabled = false;
      if (e.status === 401) return;
      // Kept open on a refusal so the reason is not lost; shown outside too.
      showSectionError($(`${name}-error`), e);
      showActionResult(false, `${action.noun} of ${id} failed: ${e.message}`, e.body);
    }
  }

  function closeReasonDialogs() {
    state.asking = null;
    for (const name of Object.keys(REASON_ACTIONS)) {
      if ($(`${name}-dialog`).open) $(`${name}-dialog`).close();
    }
  }

  function wireReasonDialogs() {
    for (const name of Object.keys(REASON_ACTIONS)) {
      $(`${name}-form`).addEventListener('submit', (event) => submitReason(name, event));
      $(`${name}-reason`).addEventListener('input', () => showSectionError($(`${name}-error`), null));
      $(`${name}-cancel`).addEventListener('click', closeReasonDialogs);
      $(`${name}-dialog`).addEventListener('close', () => {
        if (state.asking && state.asking.name === name) state.asking = null;
      });
    }
  }

  const DLQ_ACTIONS = [
    { name: 'requeue', label: 'Requeue', run: requeueDeadLetter },
    { name: 'resolve', label: 'Resolve…', run: askResolveReason },
  ];

  // Reviews: checkouts our risk checks held before any charge.

  function orderStatuses(checkout) {
    const statuses = new Set((checkout.payment_orders || []).map((o) => o.status));
    return [...statuses].join(', ') || '—';
  }

  async function approveReview(checkout, button) {
    const id = checkout.checkout_id;
    if (button) button.disabled = true;
    try {
      const answer = await api(`/admin/reviews/${id}/approve`, { method: 'POST' });
      showActionResult(true, `Approved ${id}: checkout ${answer.status}, its orders are charged now.`, answer);
    } catch (e) {
      if (e.status !== 401) showActionResult(false, `Approve of ${id} failed: ${e.message}`, e.body);
    } finally {
      if (button) button.disabled = false;
    }
    refreshAfterAction();
  }

  function askRejectReason(checkout) {
    const orders = checkout.payment_orders || [];
    askReason('reject', checkout,
      `Checkout ${checkout.checkout_id}: its ${orders.length === 1 ? 'order becomes' : `${orders.length} orders become`} FAILED (risk_rejected); the PSP is not asked.`);
  }

  const REVIEW_ACTIONS = [
    { name: 'approve', label: 'Approve', run: approveReview },
    { name: 'reject', label: 'Reject…', run: askRejectReason },
  ];

  function ordersCell(checkout) {
    const orders = checkout.payment_orders || [];
    if (!orders.length) return '—';
    return el('ul', { className: 'plain' }, ...orders.map((o) => el('li', {},
      orderLink(o.payment_order_id), ' ', el('span', { className: 'muted mono', text: o.seller_account }))));
  }

  function totalsCell(checkout) {
    const totals = totalsByCurrency(checkout.payment_orders || []);
    if (!totals.length) return '—';
    return el('ul', { className: 'plain' }, ...totals.map((t) => el('li', { dataset: { total: t }, text: t })));
  }

  function rulesCell(checkout) {
    const rules = (checkout.risk && checkout.risk.rules) || [];
    if (!rules.length) return '—';
    return el('ul', { className: 'rules' }, ...rules.map((r) => el('li', { dataset: { rule: r.rule } },
      el('span', { className: 'mono rule', text: r.rule }),
      r.verdict && r.verdict !== 'review' ? ` (${r.verdict})` : null,
      el('span', { className: 'detail', text: textOrDash(r.detail) }))));
  }

  const QUEUES = [
    {
      id: 'dlq',
      title: 'Dead-letter queue (open)',
      help: 'Orders paymentd stopped working on. Requeue charges again with the same PSP idempotency key; resolve closes the order as FAILED.',
      path: `/admin/dlq?status=open&limit=${DLQ_PAGE_LIMIT}`,
      order: 'most recently changed first',
      rowsOf: (body) => body.data || [],
      keyOf: (entry) => entry.payment_order_id,
      emptyText: 'The dead-letter queue is empty.',
      columns: [
        // The checkout is one click away, in the order's detail.
        { label: 'Order', cell: (d) => orderLink(d.payment_order_id) },
        { label: 'Reason', cell: (d) => d.reason, mono: true },
        { label: 'Last error', cell: (d) => textOrDash(d.last_error), mono: true },
        { label: 'Attempts', cell: (d) => String(d.attempts), numeric: true },
        { label: 'Order status', cell: (d) => badge(d.order_status) },
        { label: 'Maybe charged', cell: (d) => flag(d.maybe_charged) },
        { label: 'Dead-lettered', cell: (d) => timeCell(d.first_seen_at) },
      ],
      actions: DLQ_ACTIONS,
    },
    {
      id: 'reviews',
      title: 'Reviews (held by risk checks)',
      help: 'Checkouts our risk checks held before any charge. Approve charges their orders now; reject fails them (risk_rejected) and nobody is charged.',
      path: '/admin/reviews',
      // The API answers its oldest 100 open reviews.
      order: 'oldest first, at most 100',
      rowsOf: (body) => body.data || [],
      keyOf: (checkout) => checkout.checkout_id,
      emptyText: 'No checkout waits for a review.',
      columns: [
        { label: 'Checkout', cell: (c) => c.checkout_id, mono: true },
        { label: 'Created', cell: (c) => timeCell(c.created_at) },
        { label: 'Orders', cell: ordersCell },
        { label: 'Total', cell: totalsCell, numeric: true },
        { label: 'Rules that fired', cell: rulesCell },
      ],
      actions: REVIEW_ACTIONS,
    },
  ];

  function buildQueueSections() {
    const container = $('queues');
    for (const queue of QUEUES) {
      container.append(el('section', { id: `${queue.id}-section`, className: 'card', 'aria-labelledby': `${queue.id}-heading` },
        el('h2', { id: `${queue.id}-heading`, text: queue.title }),
        el('p', { className: 'muted', text: queue.help }),
        el('p', { id: `${queue.id}-error`, className: 'error section-error', role: 'alert', hidden: true }),
        el('div', { className: 'table-scroll' },
          el('table', { id: `${queue.id}-table`, className: 'data' },
            el('caption', { text: `${queue.title}, ${queue.order}` })))));
    }
  }

  async function refreshQueue(queue) {
    let body;
    try {
      body = await apiLatest(`queue:${queue.id}`, queue.path);
    } catch (e) {
      showSectionError($(`${queue.id}-error`), e);
      return;
    }
    if (body === STALE) return;
    showSectionError($(`${queue.id}-error`), null);
    renderTable($(`${queue.id}-table`), queue.columns, queue.rowsOf(body), {
      emptyText: queue.emptyText, keyOf: queue.keyOf, actions: queue.actions,
    });
  }

  // --- refreshing ------------------------------------------------------------

  function userIsBusy() {
    const dialog = document.querySelector('dialog[open]');
    if (dialog) return `Paused while the ${dialog.dataset.name} dialog is open`;
    if (Date.now() - state.lastTypedAtMs < TYPING_PAUSE_MS) return 'Paused while you type';
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed && String(selection).trim()) return 'Paused while text is selected';
    return null;
  }

  async function refreshAll() {
    await Promise.allSettled([refreshCounts(), refreshCluster(), refreshStuck(), refreshOrder(), ...QUEUES.map(refreshQueue)]);
    updateAges();
    if (state.token) {
      $('refresh-status').textContent = `Updated ${new Date().toLocaleTimeString()}`;
    }
  }

  function refreshAfterAction() {
    if (state.token) refreshAll();
  }

  async function tick() {
    state.timer = null;
    if (!state.token) return;
    const busy = userIsBusy();
    if (!$('auto-refresh').checked) {
      $('refresh-status').textContent = 'Auto-refresh off';
    } else if (busy) {
      $('refresh-status').textContent = busy;
    } else {
      await refreshAll();
    }
    updateAges();
    if (state.token && !state.timer) state.timer = setTimeout(tick, REFRESH_INTERVAL_MS);
  }

  // --- session ---------------------------------------------------------------

  function enterApp(token) {
    state.token = token;
    $('login-section').hidden = true;
    $('app').hidden = false;
    $('refresh-controls').hidden = false;
    $('login-error').hidden = true;
    const fromHash = /^#order=(.+)$/.exec(location.hash);
    if (fromHash) showOrder(decodeURIComponent(fromHash[1]));
    clearTimeout(state.timer);
    state.timer = null;
    tick();
  }

  function logOut(message) {
    state.token = null;
    clearTimeout(state.timer);
    state.timer = null;
    closeReasonDialogs();
    sessionStorage.removeItem(TOKEN_STORAGE_KEY);
    $('app').hidden = true;
    $('refresh-controls').hidden = true;
    $('login-section').hidden = false;
    $('login-error').textContent = message || '';
    $('login-error').hidden = !message;
    $('token').focus();
  }

  async function submitLogin(event) {
    event.preventDefault();
    const token = $('token').value.trim();
    const error = $('login-error');
    if (!token) {
      error.textContent = 'Enter the admin key.';
      error.hidden = false;
      return;
    }
    $('login-button').disabled = true;
    try {
      // Any answer but 401/403 means the key passed: authentication comes
      // before routing on the server.
      const answer = await send('/admin/dlq?limit=1', token);
      if (answer.status === 401 || answer.status === 403) {
        error.textContent = answer.status === 401
          ? 'The token was refused (401 unauthorized).'
          : 'This key is not an admin key (403 forbidden).';
        error.hidden = false;
        $('token').select();
        return;
      }
    } catch (e) {
      error.textContent = e.message;
      error.hidden = false;
      return;
    } finally {
      $('login-button').disabled = false;
    }
    $('token').value = '';
    state.lastTypedAtMs = 0; // logging in is not typing: refresh at once
    sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
    enterApp(token);
  }

  function wire() {
    buildQueueSections();
    $('login').addEventListener('submit', submitLogin);
    $('logout').addEventListener('click', () => logOut('Logged out.'));
    $('refresh-now').addEventListener('click', () => refreshAll());
    $('auto-refresh').addEventListener('change', () => {
      if ($('auto-refresh').checked && state.token) {
        clearTimeout(state.timer);
        state.timer = null;
        tick();
      } else {
        $('refresh-status').textContent = 'Auto-refresh off';
      }
    });
    for (const type of ['input', 'keydown']) {
      document.addEventListener(type, (event) => {
        if (event.target.matches('input:not([type=checkbox]), textarea, select')) state.lastTypedAtMs = Date.now();
      });
    }
    $('order-search-form').addEventListener('submit', (event) => {
      event.preventDefault();
      state.lastTypedAtMs = 0;
      showOrder($('order-search').value.trim());
    });
    $('stuck-form').addEventListener('submit', (event) => {
      event.preventDefault();
      state.lastTypedAtMs = 0;
      const query = readStuckQuery();
      if (query.problem) {
        showSectionError($('stuck-error'), { message: query.problem });
        return;
      }
      state.stuck = { query, cursors: [null], pageIndex: 0 };
      loadStuckPage(0);
    });
    $('stuck-first').addEventListener('click', () => loadStuckPage(0));
    $('stuck-prev').addEventListener('click', () => loadStuckPage(Math.max(0, state.stuck.pageIndex - 1)));
    $('stuck-next').addEventListener('click', () => loadStuckPage(state.stuck.pageIndex + 1));
    wireReasonDialogs();

    const initial = readStuckQuery();
    state.stuck.query = initial.problem ? { status: 'EXECUTING', olderThan: '30', limit: '50' } : initial;

    const saved = sessionStorage.getItem(TOKEN_STORAGE_KEY);
    if (saved) enterApp(saved);
    else $('token').focus();
  }

  wire();
})();
