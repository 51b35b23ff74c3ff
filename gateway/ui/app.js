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
    // Per list of LISTS (by id): its query, rows shown and where it goes on.
    lists: new Map(),
    payoutId: null,
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

  function formatSpan(s) {
    if (s < 120) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 120) return `${m} min`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h} h`;
    return `${Math.floor(h / 24)} d`;
  }

  // "5 s ago", or "in 6 d" for a time still ahead (an authorization's
  // expiry); a second or two of clock skew still reads "0 s ago".
  function formatAge(sinceIso) {
    const since_ms = Date.parse(sinceIso);
    if (Number.isNaN(since_ms)) return '';
    const s = Math.round((Date.now() - since_ms) / 1000);
    if (s < -2) return `in ${formatSpan(-s)}`;
    return `${formatSpan(Math.max(0, s))} ago`;
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

  // A ledger posting, signed as the ledger signs it (a debit positive, a
  // credit negative), with the word, so that "-7.02" is not read as a loss.
  function posting(amount, currency) {
    if (amount === null || amount === undefined) return '—';
    return `${money(amount, currency)} (${String(amount).startsWith('-') ? 'credit' : 'debit'})`;
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

  // --- card checks, risk and the card rules' decision --------------------------
  // Fields a pay-in with card checks adds to an order; an order without
  // them (an older paymentd, a hosted or token charge before the checks)
  // shows nothing of this.

  const CARD_CHECKS = [
    ['cvc_check', 'CVC'], ['address_line1_check', 'Address line 1'], ['address_postal_code_check', 'Postal code'],
  ];
  const CARD_FIELDS = ['card_checks', 'risk_level', 'risk_score', 'card_decision'];

  function isPresent(value) {
    return value !== undefined && value !== null;
  }

  function hasCardFacts(order) {
    return CARD_FIELDS.some((key) => isPresent(order[key]));
  }

  // pass / fail / unavailable / unchecked: the word is shown, the color helps.
  function checkResults(checks) {
    if (!checks || typeof checks !== 'object') return null;
    const known = CARD_CHECKS.filter(([key]) => isPresent(checks[key]));
    if (!known.length) return null;
    return el('span', { className: 'checks' }, ...known.map(([key, label]) => el('span', {
      className: `check check-${checks[key]}`, dataset: { check: key, result: checks[key] },
    }, `${label} `, el('strong', { text: String(checks[key]) }))));
  }

  function riskBadge(level) {
    return el('span', { className: `badge risk-${level}`, text: level });
  }

  function riskNode(order) {
    if (!isPresent(order.risk_level) && !isPresent(order.risk_score)) return null;
    return el('span', { className: 'risk', dataset: { riskLevel: textOrDash(order.risk_level) } },
      'risk ', isPresent(order.risk_level) ? riskBadge(order.risk_level) : null,
      isPresent(order.risk_score) ? ` score ${order.risk_score}` : null);
  }

  // In a table cell the word "decision" says what the badge is; the rules
  // are left out where a column of their own lists them.
  function decisionNode(decision, { withRules = true, named = true } = {}) {
    if (!decision || typeof decision !== 'object' || !decision.action) return null;
    const rules = withRules && Array.isArray(decision.rules) ? decision.rules : [];
    return el('span', { className: 'decision', dataset: { decision: decision.action } },
      named ? 'decision ' : null, el('span', { className: `badge decision-${decision.action}`, text: decision.action }),
      rules.length ? el('span', { className: 'muted mono', text: ` ${rules.join(', ')}` }) : null);
  }

  // Checks, risk and decision of one order on one line (a table cell whose
  // row lists the rules that fired apart).
  function cardFacts(order) {
    return el('span', { className: 'card-facts-line' },
      checkResults(order.card_checks), riskNode(order), decisionNode(order.card_decision, { withRules: false }));
  }

  // An id with a line break allowed after each "_": a long id wraps at its
  // parts instead of widening a table past the screen; its text is unchanged.
  function breakableId(id) {
    return String(id).split(/(?<=_)/).flatMap((part, i) => (i ? [el('wbr'), part] : [part]));
  }

  function orderLink(id) {
    return el('button', {
      type: 'button', className: 'link',
      'aria-label': `Show order ${id}`,
      dataset: { orderLink: id, focusKey: `order-link:${id}` },
      onclick: () => showOrder(id),
    }, ...breakableId(id));
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
        for (const action of actions) {
          // Some actions only apply to some rows (an exception still open).
          if (!action.when || action.when(row)) cell.append(actionButton(action, row, key), ' ');
        }
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
    ['ledger_updated', 'Ledger written'], ['capture', 'Capture'],
    ['authorized_amount', 'Authorized'], ['captured_amount', 'Captured'],
    ['authorization_expires_at', 'Authorization expires'],
    ['created_at', 'Created'], ['updated_at', 'Updated'],
  ];
  // Shown apart, in the order's card block, or not at all.
  const ROW_SKIPPED = new Set(['object', 'payment_order_id', 'currency', ...CARD_FIELDS]);
  // Absent before capture on fulfilment: nothing to show rather than a dash.
  const ROW_OPTIONAL = new Set(['capture', 'authorized_amount', 'captured_amount', 'authorization_expires_at']);

  function fieldValue(key, order) {
    const value = order[key];
    if (key === 'amount' || key.endsWith('_amount')) return money(value, order.currency);
    if (key === 'status') return badge(value);
    if (key.endsWith('_at')) return timeCell(value);
    if (typeof value === 'boolean') return flag(value);
    // A field this page does not know yet, as the API sent it.
    if (value && typeof value === 'object') return el('code', { text: JSON.stringify(value) });
    return textOrDash(value);
  }

  function renderFields(dl, order) {
    const known = new Set(ROW_FIELDS.map(([key]) => key));
    // Fields this page does not know yet are still shown, after the known ones.
    const extra = Object.keys(order).filter((k) => !known.has(k) && !ROW_SKIPPED.has(k)).map((k) => [k, k]);
    const items = [];
    for (const [key, label] of [...ROW_FIELDS, ...extra]) {
      if (!(key in order)) continue;
      if (ROW_OPTIONAL.has(key) && !isPresent(order[key])) continue;
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

  function renderCardFacts(order) {
    const items = [];
    const add = (key, label, node) => {
      if (node) items.push(el('dt', { text: label }), el('dd', { dataset: { field: key } }, node));
    };
    add('card_checks', 'Card checks', checkResults(order.card_checks));
    add('risk_level', 'Risk level', isPresent(order.risk_level) ? riskBadge(order.risk_level) : null);
    add('risk_score', 'Risk score (0-99)', isPresent(order.risk_score) ? String(order.risk_score) : null);
    add('card_decision', 'Decision (and the rules that fired)', decisionNode(order.card_decision, { named: false }));
    $('order-card-fields').replaceChildren(...items);
    $('order-card').hidden = items.length === 0;
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
    renderCardFacts(order);
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

  // --- lists ---------------------------------------------------------------------
  // Every table of rows the API lists is one entry of LISTS (below): where it
  // is asked for, its filters, columns and actions. A list answered with a
  // cursor (has_more, next_cursor) grows page by page with "Load more". One
  // answered without (a paymentd from before the cursors) grows by asking
  // for more rows at once, while its pages come back full. Each refresh asks
  // again for as many rows as are shown, so loaded pages stay loaded and
  // their rows stay current.

  const LIST_LIMIT_MAX = 1000;

  function listState(list) {
    if (!state.lists.has(list.id)) {
      state.lists.set(list.id, {
        query: null, rows: [], shown: list.pageSize, cursor: null, hasMore: false,
        loadingMore: false, missing: false,
      });
    }
    return state.lists.get(list.id);
  }

  function filterControl(list, filter) {
    const id = `${list.id}-${filter.name}`;
    const control = filter.options
      ? el('select', { id, name: filter.name },
        ...filter.options.map(([value, label]) => el('option', {
          value, text: label, selected: value === (filter.value || '') ? true : null,
        })))
      : el('input', {
        id, name: filter.name, type: filter.type || 'text', spellcheck: 'false', autocomplete: 'off',
        maxlength: 255, value: filter.value || null, placeholder: filter.placeholder,
      });
    return [el('label', { for: id, text: filter.label }), control];
  }

  function buildList(list) {
    const mount = $(`${list.id}-list`);
    const form = el('form', { id: `${list.id}-filters`, className: 'row', 'aria-label': `Filter ${list.title}` },
      ...(list.filters || []).flatMap((filter) => filterControl(list, filter)),
      el('label', { for: `${list.id}-limit`, text: 'Per page' }),
      el('input', {
        id: `${list.id}-limit`, name: 'limit', type: 'number', min: 1, max: LIST_LIMIT_MAX, step: 1,
        value: list.pageSize, inputmode: 'numeric',
      }),
      el('button', { type: 'submit', id: `${list.id}-apply`, text: 'Apply' }));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      state.lastTypedAtMs = 0;
      applyListFilters(list);
    });
    mount.replaceChildren(form,
      el('p', { id: `${list.id}-error`, className: 'error section-error', role: 'alert', hidden: true }),
      el('p', { id: `${list.id}-missing`, className: 'muted', hidden: true }),
      el('div', { className: 'table-scroll' },
        el('table', { id: `${list.id}-table`, className: 'data' },
          el('caption', { text: `${list.title}, ${list.order}` }))),
      el('div', { className: 'row pager' },
        el('button', {
          type: 'button', id: `${list.id}-more`, text: 'Load more', hidden: true,
          'aria-label': `Load more ${list.title.toLowerCase()}`, onclick: () => loadMore(list),
        }),
        el('span', { id: `${list.id}-info`, className: 'muted', role: 'status', 'aria-live': 'polite' })));
    listState(list).query = readListQuery(list);
  }

  function readListQuery(list) {
    const limit = $(`${list.id}-limit`).value.trim();
    if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > LIST_LIMIT_MAX) {
      return { problem: `Per page must be a whole number from 1 to ${LIST_LIMIT_MAX}.` };
    }
    const filters = {};
    for (const filter of list.filters || []) {
      const value = $(`${list.id}-${filter.name}`).value.trim();
      if (value) filters[filter.name] = value;
    }
    return { filters, limit: Number(limit) };
  }

  function applyListFilters(list) {
    const query = readListQuery(list);
    if (query.problem) {
      showSectionError($(`${list.id}-error`), { message: query.problem });
      return;
    }
    Object.assign(listState(list), {
      query, rows: [], shown: query.limit, cursor: null, hasMore: false, loadingMore: false,
    });
    state.renderedJson.delete($(`${list.id}-table`));
    $(`${list.id}-info`).textContent = 'Loading…';
    refreshList(list);
  }

  function listPath(list, { limit, cursor }) {
    const { query } = listState(list);
    const params = new URLSearchParams(list.params || {});
    for (const [name, value] of Object.entries(query.filters)) params.set(name, value);
    params.set('limit', String(Math.min(limit, LIST_LIMIT_MAX)));
    if (cursor) params.set('cursor', cursor);
    return `${list.path}?${params}`;
  }

  // The API answers an unknown path with 404 and no param; a missing
  // resource names its param. Only the first means "not on this paymentd".
  function isMissingRoute(e) {
    return e.status === 404 && !(e.body && e.body.error && e.body.error.param);
  }

  async function fetchListPage(list, request, append) {
    let body;
    try {
      body = await apiLatest(`list:${list.id}`, listPath(list, request));
    } catch (e) {
      showListFailure(list, e);
      return;
    }
    if (body === STALE) return;
    applyListPage(list, body, request, append);
  }

  async function refreshList(list) {
    const st = listState(list);
    if (!st.query || st.query.problem || st.loadingMore) return;
    await fetchListPage(list, { limit: Math.max(st.shown, st.query.limit) }, false);
  }

  async function loadMore(list) {
    const st = listState(list);
    if (!st.hasMore || st.loadingMore) return;
    $(`${list.id}-more`).disabled = true;
    $(`${list.id}-info`).textContent = 'Loading…';
    if (!st.cursor) {
      // No cursor: the same list, asked with room for one more page.
      st.shown = Math.min(st.rows.length + st.query.limit, LIST_LIMIT_MAX);
      await refreshList(list);
      return;
    }
    st.loadingMore = true;
    try {
      await fetchListPage(list, { limit: st.query.limit, cursor: st.cursor }, true);
    } finally {
      st.loadingMore = false;
    }
  }

  function showListFailure(list, e) {
    const st = listState(list);
    st.missing = isMissingRoute(e);
    const missing = $(`${list.id}-missing`);
    missing.textContent = st.missing ? `This paymentd does not list ${list.title.toLowerCase()} yet (GET ${list.path} answered 404).` : '';
    missing.hidden = !st.missing;
    showSectionError($(`${list.id}-error`), st.missing ? null : e);
    $(`${list.id}-table`).hidden = st.missing;
    $(`${list.id}-more`).disabled = false;
    $(`${list.id}-info`).textContent = '';
  }

  function applyListPage(list, body, request, append) {
    const st = listState(list);
    const rows = list.rowsOf(body);
    if (append) {
      const seen = new Set(st.rows.map(list.keyOf));
      st.rows = [...st.rows, ...rows.filter((row) => !seen.has(list.keyOf(row)))];
    } else {
      st.rows = rows;
    }
    if (typeof body.has_more === 'boolean') {
      st.hasMore = body.has_more && Boolean(body.next_cursor);
      st.cursor = st.hasMore ? body.next_cursor : null;
    } else {
      // A full page may have more behind it; a short one is the end.
      st.hasMore = rows.length >= request.limit && request.limit < LIST_LIMIT_MAX;
      st.cursor = null;
    }
    st.shown = Math.max(st.rows.length, st.query.limit);
    st.missing = false;
    $(`${list.id}-missing`).hidden = true;
    $(`${list.id}-table`).hidden = false;
    showSectionError($(`${list.id}-error`), null);
    renderList(list);
  }

  function renderList(list) {
    const st = listState(list);
    const columns = typeof list.columns === 'function' ? list.columns(st.rows) : list.columns;
    renderTable($(`${list.id}-table`), columns, st.rows, {
      emptyText: list.emptyText, keyOf: list.keyOf, actions: list.actions || [],
    });
    const more = $(`${list.id}-more`);
    more.hidden = !st.hasMore;
    more.disabled = false;
    const count = st.rows.length;
    $(`${list.id}-info`).textContent = count === 0 ? ''
      : `${count} shown${st.hasMore ? ', more to load' : ', all loaded'}`;
  }

  // --- dead letters --------------------------------------------------------------
  // Orders, refunds and pay-outs each have their own queue with the same
  // entry shape (plus the entry's own id) and the same two actions.

  const DEAD_LETTER_KINDS = {
    order: {
      noun: 'order', idField: 'payment_order_id', path: '/admin/dlq', statusField: 'order_status',
      maybeField: 'maybe_charged', maybeLabel: 'Maybe charged',
      warning: 'This order may have been charged. Check with the PSP first (its idempotency key is the order id); if it was charged, requeue it instead.',
      resolveEffect: (id) => `Order ${id} becomes FAILED (operator_resolved) unless it is already final; the PSP is not asked.`,
      reasonLabel: "Reason (kept as the order's failure message)", confirm: 'Resolve as FAILED',
    },
    refund: {
      noun: 'refund', idField: 'refund_id', path: '/admin/dlq/refunds', statusField: 'refund_status',
      maybeField: 'maybe_refunded', maybeLabel: 'Maybe refunded',
      warning: 'A call of this refund may have reached the PSP: paymentd asks the PSP first, and refuses if the PSP made the refund (requeue it then).',
      resolveEffect: (id) => `Refund ${id} becomes FAILED and its amount may be refunded again, unless it is already final.`,
      reasonLabel: 'Reason (kept with the dead letter)', confirm: 'Resolve as FAILED',
    },
    payout: {
      noun: 'pay-out', idField: 'payout_id', path: '/admin/dlq/payouts', statusField: 'payout_status',
      maybeField: 'maybe_paid_out', maybeLabel: 'Maybe paid out',
      warning: 'A transfer or pay-out of this money may exist at the PSP: paymentd looks it up first, and refuses if the PSP paid it out (requeue it then).',
      resolveEffect: (id) => `Pay-out ${id} fails and its money goes back to the seller's balance (a transfer already made is reversed first), unless it is already final.`,
      reasonLabel: 'Reason (kept with the dead letter)', confirm: 'Resolve as FAILED',
    },
  };

  async function requeueDeadLetter(kind, entry, button) {
    const id = entry[kind.idField];
    if (button) button.disabled = true;
    try {
      const answer = await api(`${kind.path}/${id}/requeue`, { method: 'POST' });
      showActionResult(true, `Requeued ${id}: the dead letter is now ${answer.status}; the ${kind.noun} runs again.`, answer);
    } catch (e) {
      if (e.status !== 401) showActionResult(false, `Requeue of ${id} failed: ${e.message}`, e.body);
    } finally {
      if (button) button.disabled = false;
    }
    refreshAfterAction();
  }

  function askResolveReason(kind, entry) {
    $('resolve-reason-label').textContent = kind.reasonLabel;
    $('resolve-confirm').textContent = kind.confirm;
    $('resolve-warning').textContent = kind.warning;
    askReason('resolve', { kind, entry }, kind.resolveEffect(entry[kind.idField]),
      { warning: Boolean(entry[kind.maybeField]) });
  }

  function deadLetterActions(kind) {
    return [
      { name: 'requeue', label: 'Requeue', run: (entry, button) => requeueDeadLetter(kind, entry, button) },
      { name: 'resolve', label: 'Resolve…', run: (entry) => askResolveReason(kind, entry) },
    ];
  }

  const DLQ_ACTIONS = deadLetterActions(DEAD_LETTER_KINDS.order);

  const DEAD_LETTER_COLUMNS = [
    { label: 'Reason', cell: (d) => d.reason, mono: true },
    { label: 'Last error', cell: (d) => textOrDash(d.last_error), mono: true },
    { label: 'Attempts', cell: (d) => textOrDash(d.attempts), numeric: true },
  ];

  function deadLetterList(id, kind, title, firstColumns) {
    return {
      id,
      title,
      path: kind.path,
      params: { status: 'open' },
      pageSize: DLQ_PAGE_LIMIT,
      order: 'most recently changed first',
      rowsOf: (body) => body.data || [],
      keyOf: (entry) => entry[kind.idField],
      emptyText: `No ${kind.noun} waits in the dead-letter queue.`,
      columns: [
        ...firstColumns,
        ...DEAD_LETTER_COLUMNS,
        { label: `${kind.noun[0].toUpperCase()}${kind.noun.slice(1)} status`, cell: (d) => badge(d[kind.statusField]) },
        // Whether the PSP may have moved the money: ask it before resolving.
        { label: kind.maybeLabel, cell: (d) => flag(d[kind.maybeField]) },
        { label: 'Dead-lettered', cell: (d) => timeCell(d.first_seen_at) },
      ],
      actions: deadLetterActions(kind),
    };
  }

  // --- reason dialogs ----------------------------------------------------------
  // Actions that close something for good ask for a reason first, each in
  // its own <dialog id="NAME-dialog"> of index.html with the same parts:
  // NAME-what, NAME-reason, NAME-error, NAME-confirm, NAME-cancel, and for
  // each other field NAME-FIELD. An error the API names a field of (its
  // param) is shown under that field when the dialog has NAME-FIELD-error.

  const REASON_ACTIONS = {
    resolve: {
      noun: 'Resolve',
      idOf: ({ kind, entry }) => entry[kind.idField],
      path: ({ kind }, id) => `${kind.path}/${id}/resolve`,
      done: ({ kind }, id, answer) => {
        const status = answer[kind.statusField];
        return `Resolved ${id}: the dead letter is now ${answer.status}${status ? `, ${kind.noun} ${status}` : ''}.`;
      },
    },
    reject: {
      noun: 'Reject',
      idOf: (entry) => entry.checkout_id,
      path: (entry, id) => `/admin/reviews/${id}/reject`,
      done: (entry, id, answer) => (entry.held_after_authorization
        ? `Rejected ${entry.payment_order_id} (checkout ${id}): orders ${orderStatuses(answer)}; its authorization is released.`
        : `Rejected ${id}: checkout ${answer.status}, orders ${orderStatuses(answer)}; nobody was charged.`),
    },
    settle: {
      noun: 'Resolve',
      fields: ['account'],
      idOf: (exception) => exception.id,
      path: (exception, id) => `/admin/reconciliation/exceptions/${id}/resolve`,
      done: (exception, id, answer) => `Resolved exception ${id}. ${journalSentence(answer)}`,
      after: (exception, answer) => showJournal(exception, answer),
    },
  };

  function askReason(name, entry, what, { warning = false } = {}) {
    state.asking = { name, entry };
    $(`${name}-what`).textContent = what;
    const warningNode = $(`${name}-warning`);
    if (warningNode) warningNode.hidden = !warning;
    $(`${name}-reason`).value = '';
    for (const field of REASON_ACTIONS[name].fields || []) $(`${name}-${field}`).value = '';
    clearDialogErrors(name);
    $(`${name}-confirm`).disabled = false;
    $(`${name}-dialog`).showModal();
    $(`${name}-reason`).focus();
  }

  function dialogFieldNames(name) {
    return ['reason', ...(REASON_ACTIONS[name].fields || [])];
  }

  function clearDialogErrors(name) {
    showSectionError($(`${name}-error`), null);
    for (const field of dialogFieldNames(name)) {
      const node = $(`${name}-${field}-error`);
      if (node) showSectionError(node, null);
      $(`${name}-${field}`).removeAttribute('aria-invalid');
    }
  }

  // Under the field the error names when the dialog has a place for it,
  // else under the form.
  function showDialogError(name, error, param) {
    const fieldError = param ? $(`${name}-${param}-error`) : null;
    showSectionError(fieldError || $(`${name}-error`), error);
    const field = param ? $(`${name}-${param}`) : null;
    if (field && fieldError) field.setAttribute('aria-invalid', 'true');
  }

  function dialogBody(name) {
    const body = { reason: $(`${name}-reason`).value.trim() };
    for (const field of REASON_ACTIONS[name].fields || []) {
      const value = $(`${name}-${field}`).value.trim();
      if (value) body[field] = value;
    }
    return body;
  }

  async function submitReason(name, event) {
    event.preventDefault();
    const asking = state.asking;
    if (!asking || asking.name !== name) return;
    const action = REASON_ACTIONS[name];
    const body = dialogBody(name);
    clearDialogErrors(name);
    if (!body.reason) {
      showDialogError(name, { message: 'Give a reason: it is kept as the failure message.' }, 'reason');
      $(`${name}-reason`).focus();
      return;
    }
    const id = action.idOf(asking.entry);
    $(`${name}-confirm`).disabled = true;
    try {
      const answer = await api(action.path(asking.entry, id), { method: 'POST', body });
      closeReasonDialogs();
      showActionResult(true, action.done(asking.entry, id, answer), answer);
      if (action.after) action.after(asking.entry, answer);
      refreshAfterAction();
    } catch (e) {
      $(`${name}-confirm`).disabled = false;
      if (e.status === 401) return;
      // Kept open on a refusal so the reason is not lost; shown outside too.
      const param = e.body && e.body.error ? e.body.error.param : null;
      showDialogError(name, e, param);
      const field = param && $(`${name}-${param}-error`) ? $(`${name}-${param}`) : null;
      if (field) field.focus();
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
      for (const field of dialogFieldNames(name)) {
        $(`${name}-${field}`).addEventListener('input', () => clearDialogErrors(name));
      }
      $(`${name}-cancel`).addEventListener('click', closeReasonDialogs);
      $(`${name}-dialog`).addEventListener('close', () => {
        if (state.asking && state.asking.name === name) state.asking = null;
      });
    }
  }

  // --- reviews -----------------------------------------------------------------
  // Checkouts our risk checks held before any charge, and single orders the
  // card rules held after their authorization (held_after_authorization):
  // both are decided for their checkout.

  function orderStatuses(checkout) {
    const statuses = new Set((checkout.payment_orders || []).map((o) => o.status));
    return [...statuses].join(', ') || '—';
  }

  function isHeldOrder(entry) {
    return entry.held_after_authorization === true;
  }

  function reviewKey(entry) {
    return isHeldOrder(entry) ? entry.payment_order_id : entry.checkout_id;
  }

  // The orders a review entry stands for: a checkout's, or the one held.
  function reviewOrders(entry) {
    return isHeldOrder(entry) ? [entry] : (entry.payment_orders || []);
  }

  async function approveReview(entry, button) {
    const id = entry.checkout_id;
    if (button) button.disabled = true;
    try {
      const answer = await api(`/admin/reviews/${id}/approve`, { method: 'POST' });
      showActionResult(true, isHeldOrder(entry)
        ? `Approved ${entry.payment_order_id} (checkout ${id}): orders ${orderStatuses(answer)}; its authorization is kept.`
        : `Approved ${id}: checkout ${answer.status}, its orders are charged now.`, answer);
    } catch (e) {
      if (e.status !== 401) showActionResult(false, `Approve of ${id} failed: ${e.message}`, e.body);
    } finally {
      if (button) button.disabled = false;
    }
    refreshAfterAction();
  }

  function askRejectReason(entry) {
    if (isHeldOrder(entry)) {
      askReason('reject', entry,
        `Order ${entry.payment_order_id} of checkout ${entry.checkout_id}: its authorization is voided (risk_rejected); nothing is captured.`);
      return;
    }
    const orders = entry.payment_orders || [];
    askReason('reject', entry,
      `Checkout ${entry.checkout_id}: its ${orders.length === 1 ? 'order becomes' : `${orders.length} orders become`} FAILED (risk_rejected); the PSP is not asked.`);
  }

  const REVIEW_ACTIONS = [
    { name: 'approve', label: 'Approve', run: approveReview },
    { name: 'reject', label: 'Reject…', run: askRejectReason },
  ];

  function checkoutCell(entry) {
    if (!isHeldOrder(entry)) return el('span', { className: 'mono' }, ...breakableId(entry.checkout_id));
    return el('span', {},
      el('span', { className: 'mono' }, ...breakableId(textOrDash(entry.checkout_id))),
      el('span', { className: 'held-note', text: 'one order held after authorization' }));
  }

  function ordersCell(entry) {
    const orders = reviewOrders(entry);
    if (!orders.length) return '—';
    return el('ul', { className: 'plain' }, ...orders.map((o) => el('li', {},
      orderLink(o.payment_order_id), ' ', el('span', { className: 'muted mono', text: o.seller_account }))));
  }

  function totalsCell(entry) {
    const totals = totalsByCurrency(reviewOrders(entry));
    if (!totals.length) return '—';
    return el('ul', { className: 'plain' }, ...totals.map((t) => el('li', { dataset: { total: t }, text: t })));
  }

  function rulesCell(entry) {
    const rules = (entry.risk && entry.risk.rules) || [];
    const cardRules = reviewOrders(entry).flatMap((o) => (o.card_decision && o.card_decision.rules) || []);
    if (!rules.length && !cardRules.length) return '—';
    return el('ul', { className: 'rules' },
      ...rules.map((r) => el('li', { dataset: { rule: r.rule } },
        el('span', { className: 'mono rule', text: r.rule }),
        r.verdict && r.verdict !== 'review' ? ` (${r.verdict})` : null,
        el('span', { className: 'detail', text: textOrDash(r.detail) }))),
      ...[...new Set(cardRules)].map((name) => el('li', { dataset: { rule: name } },
        el('span', { className: 'mono rule', text: name }),
        el('span', { className: 'detail', text: 'card rule' }))));
  }

  // One line per order that has card facts: its checks, risk and decision,
  // named by the order when the entry has several.
  function cardCell(entry) {
    const orders = reviewOrders(entry).filter(hasCardFacts);
    if (!orders.length) return '—';
    const named = reviewOrders(entry).length > 1;
    return el('ul', { className: 'plain card-facts' }, ...orders.map((o) => el('li', { dataset: { cardOf: o.payment_order_id } },
      named ? el('span', { className: 'mono muted block' }, ...breakableId(o.payment_order_id)) : null,
      cardFacts(o))));
  }

  function reviewColumns(rows) {
    const columns = [
      { label: 'Checkout', cell: checkoutCell },
      { label: 'Created', cell: (c) => timeCell(c.created_at) },
      { label: 'Orders', cell: ordersCell },
      { label: 'Total', cell: totalsCell, numeric: true },
      { label: 'Rules that fired', cell: rulesCell },
    ];
    // Only once paymentd reports card facts: no empty column before that.
    if (rows.some((entry) => reviewOrders(entry).some(hasCardFacts))) {
      columns.push({ label: 'Card and risk', cell: cardCell });
    }
    return columns;
  }

  // --- pay-outs ------------------------------------------------------------------

  const PAYOUT_STATUSES = ['CREATED', 'TRANSFERRED', 'IN_TRANSIT', 'REVERSING', 'PAID', 'FAILED'];
  const REFUND_STATUSES = ['CREATED', 'PENDING', 'SUCCEEDED', 'FAILED'];

  function payoutLink(id) {
    return el('button', {
      type: 'button', className: 'link', text: id,
      'aria-label': `Show pay-out ${id}`,
      dataset: { payoutLink: id, focusKey: `payout-link:${id}` },
      onclick: () => showPayout(id),
    });
  }

  const PAYOUT_FIELDS = [
    ['seller_account', 'Seller'], ['stripe_account', 'Connected account'], ['amount', 'Amount'],
    ['status', 'Status'], ['transfer_reference', 'Transfer'], ['psp_reference', 'PSP pay-out'],
    ['failure_code', 'Failure code'], ['failure_message', 'Failure message'], ['attempts', 'PSP attempts'],
    ['dead_lettered', 'Dead-lettered'], ['maybe_paid_out', 'Maybe paid out'],
    ['created_at', 'Created'], ['updated_at', 'Updated'],
  ];

  const PAYOUT_HISTORY_COLUMNS = [
    { label: '#', cell: (h) => String(h.seq), numeric: true },
    { label: 'At', cell: (h) => timeCell(h.at) },
    { label: 'Event', cell: (h) => h.event, mono: true },
    { label: 'Transition', cell: (h) => `${textOrDash(h.from_status)} → ${textOrDash(h.to_status)}` },
    { label: 'Attempt', cell: (h) => textOrDash(h.attempt), numeric: true },
    { label: 'Outcome', cell: (h) => textOrDash(h.outcome) },
    { label: 'Error', cell: (h) => textOrDash(h.error) },
  ];

  function renderPayout(payout) {
    $('payout-title').replaceChildren(`Pay-out ${payout.id} `, badge(payout.status));
    const items = [];
    for (const [key, label] of PAYOUT_FIELDS) {
      if (!(key in payout)) continue;
      items.push(el('dt', { text: label }), el('dd', { dataset: { field: key } }, fieldValue(key, payout)));
    }
    $('payout-fields').replaceChildren(...items);
    renderTable($('payout-history'), PAYOUT_HISTORY_COLUMNS, payout.history || [], {
      emptyText: 'No history recorded.', keyOf: (h) => String(h.seq),
    });
    $('payout-body').hidden = false;
  }

  async function refreshPayout() {
    const id = state.payoutId;
    if (!id) return;
    let payout;
    try {
      payout = await apiLatest('payout', `/admin/payouts/${id}`);
    } catch (e) {
      showSectionError($('payout-error'), e.status === 404 && !isMissingRoute(e) ? { message: `No pay-out ${id}.` } : e);
      $('payout-body').hidden = true;
      return;
    }
    if (payout === STALE) return;
    showSectionError($('payout-error'), null);
    const json = JSON.stringify(payout);
    if (state.renderedJson.get($('payout-body')) === json) return;
    state.renderedJson.set($('payout-body'), json);
    renderPayout(payout);
  }

  function showPayout(id) {
    state.payoutId = id;
    state.renderedJson.delete($('payout-body'));
    $('payout-title').textContent = `Pay-out ${id}`;
    $('payout-body').hidden = true;
    $('payout-detail').hidden = false;
    $('payout-detail').scrollIntoView({ block: 'nearest' });
    refreshPayout();
  }

  function closePayout() {
    state.payoutId = null;
    state.requestSeq.set('payout', (state.requestSeq.get('payout') || 0) + 1);
    $('payout-detail').hidden = true;
  }

  // --- reconciliation --------------------------------------------------------------

  function todayUtc() {
    return new Date().toISOString().slice(0, 10);
  }

  // One side of an exception ({amount, currency} or {}) as money.
  function sideCell(side) {
    if (!side || typeof side !== 'object' || side.amount === undefined) return '—';
    return el('span', {}, money(side.amount, side.currency),
      side.id ? el('span', { className: 'muted mono side-id', text: side.id }) : null,
      side.status ? el('span', { className: 'muted side-id', text: side.status }) : null);
  }

  // The kind, and under it the route (and "escalated" when the API flags an
  // exception escalated that was routed otherwise).
  function kindCell(exception) {
    return el('span', {}, el('span', { className: 'mono block', text: exception.kind }), badge(exception.route),
      exception.escalated && exception.route !== 'escalated' ? el('span', { className: 'flag-yes', text: ' escalated' }) : null);
  }

  function exceptionStatusCell(exception) {
    const j = journalOf(exception);
    return el('span', {}, badge(exception.status),
      exception.resolution ? el('span', { className: 'detail block', text: exception.resolution }) : null,
      j.transaction !== null
        ? el('span', { className: 'detail block', text: `posted ${posting(j.amount, j.currency)} to ${j.account} (transaction ${j.transaction})` })
        : null);
  }

  // What the exception's line posted to settlement_suspense.
  function suspenseCell(exception) {
    const s = exception.settlement_suspense;
    return s && typeof s === 'object' ? posting(s.amount, s.currency) : '—';
  }

  function askSettleReason(exception) {
    const theirs = exception.theirs && exception.theirs.amount !== undefined
      ? ` (${money(exception.theirs.amount, exception.theirs.currency)} from the PSP)` : '';
    askReason('settle', exception,
      `Exception ${exception.id}, ${exception.kind}${theirs}: resolving it books its money out of suspense and closes it.`);
  }

  const EXCEPTION_ACTIONS = [
    { name: 'resolve', label: 'Resolve…', run: askSettleReason, when: (exception) => exception.status === 'open' },
  ];

  // What a resolution booked (the exception's "correction"): the journal
  // transaction, its amount and the account the money went to.
  function journalOf(exception) {
    const c = exception && exception.correction && typeof exception.correction === 'object' ? exception.correction : {};
    return {
      transaction: c.transaction_id ?? null,
      amount: c.amount ?? null,
      currency: c.currency ?? null,
      account: c.account ?? null,
    };
  }

  function journalSentence(answer) {
    const j = journalOf(answer);
    if (j.transaction === null && answer && answer.outcome === 'nothing_to_book') return 'It held no money in suspense: nothing was booked.';
    if (j.transaction === null) return 'No ledger transaction was reported.';
    return `Journal transaction ${j.transaction} posted ${posting(j.amount, j.currency)} to ${textOrDash(j.account)}, out of settlement_suspense.`;
  }

  function showJournal(exception, answer) {
    const j = journalOf(answer);
    const node = $('recon-exceptions-result');
    node.replaceChildren(el('p', { text: `Exception ${exception.id} resolved.` }),
      el('dl', { className: 'fields' },
        el('dt', { text: 'Journal transaction' }), el('dd', { className: 'mono', dataset: { field: 'transaction' }, text: textOrDash(j.transaction) }),
        el('dt', { text: 'Moved to account' }), el('dd', { className: 'mono', dataset: { field: 'account' }, text: textOrDash(j.account) }),
        el('dt', { text: 'Posted there' }), el('dd', { dataset: { field: 'amount' }, text: posting(j.amount, j.currency) })));
    node.hidden = false;
  }

  function runCount(run, key) {
    const report = run.report && typeof run.report === 'object' ? run.report : {};
    return textOrDash(report[key]);
  }

  async function runReconciliation(event) {
    event.preventDefault();
    state.lastTypedAtMs = 0;
    const date = $('recon-run-date').value.trim();
    for (const id of ['recon-run-date-error', 'recon-run-error']) showSectionError($(id), null);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      showSectionError($('recon-run-date-error'), { message: 'Pick the day to reconcile.' });
      return;
    }
    $('recon-run-button').disabled = true;
    $('recon-run-status').textContent = `Reconciling ${date}…`;
    try {
      const run = await api(`/admin/reconciliation/run?date=${encodeURIComponent(date)}`, { method: 'POST' });
      const report = run.report || {};
      const message = `Reconciled ${run.date}: run ${run.run_id}, ${textOrDash(report.lines)} lines, ${textOrDash(report.matched)} matched, ${textOrDash(report.new_exceptions)} new exceptions.`;
      $('recon-run-status').textContent = message;
      showActionResult(true, message, run);
    } catch (e) {
      $('recon-run-status').textContent = '';
      if (e.status === 401) return;
      const param = e.body && e.body.error ? e.body.error.param : null;
      showSectionError($(param === 'date' ? 'recon-run-date-error' : 'recon-run-error'), e);
      showActionResult(false, `Reconciliation of ${date} failed: ${e.message}`, e.body);
    } finally {
      $('recon-run-button').disabled = false;
    }
    refreshAfterAction();
  }

  // --- trial balance -----------------------------------------------------------------

  const TRIAL_BALANCE_PATH = '/admin/ledger/trial_balance';

  function isZeroTotal(currency) {
    if (typeof currency.total_minor === 'number') return currency.total_minor === 0;
    return /^-?0+(\.0+)?$/.test(String(currency.total));
  }

  function trialBalanceTable(currency) {
    const zero = isZeroTotal(currency);
    const rows = (currency.accounts || []).map((a) => el('tr', { dataset: { account: a.account } },
      el('th', { scope: 'row', className: 'mono', text: a.account }),
      el('td', { className: 'numeric', text: textOrDash(a.debit) }),
      el('td', { className: 'numeric', text: textOrDash(a.credit) }),
      el('td', { className: 'numeric', dataset: { balance: a.balance }, text: textOrDash(a.balance) })));
    return el('div', { className: 'table-scroll' },
      el('table', { className: 'data compact trial-balance', id: `trial-balance-${currency.currency}`, dataset: { currency: currency.currency } },
        el('caption', { text: currency.currency }),
        el('thead', {}, el('tr', {}, ...['Account', 'Debit', 'Credit', 'Balance'].map((label, i) => el('th', {
          scope: 'col', className: i ? 'numeric' : null, text: label,
        })))),
        el('tbody', {}, ...rows),
        el('tfoot', {}, el('tr', { className: zero ? 'total' : 'total not-zero' },
          el('th', { scope: 'row', text: zero ? 'Total' : 'Total (not zero: the ledger is out of balance)' }),
          el('td', { colspan: 3, className: 'numeric', dataset: { total: currency.total }, text: textOrDash(currency.total) })))));
  }

  const MEMO_COLUMNS = [
    { label: 'Memo', cell: (m) => m.name, mono: true },
    { label: 'Amount', cell: (m) => money(m.amount, m.currency), numeric: true },
    { label: 'Orders', cell: (m) => textOrDash(m.orders), numeric: true },
  ];

  function renderTrialBalance(balance) {
    $('trial-balance-as-of').textContent = balance.as_of ? `As of ${balance.as_of}` : '';
    const currencies = balance.currencies || [];
    $('trial-balance-currencies').replaceChildren(...(currencies.length
      ? currencies.map(trialBalanceTable)
      : [el('p', { className: 'muted', text: 'The ledger holds nothing yet.' })]));
    const memo = balance.memo || [];
    $('trial-balance-memo').hidden = memo.length === 0;
    renderTable($('trial-balance-memo'), MEMO_COLUMNS, memo, { keyOf: (m) => `${m.name}:${m.currency}` });
    // The settle dialog offers the accounts the ledger knows.
    const accounts = new Set(currencies.flatMap((c) => (c.accounts || []).map((a) => a.account)));
    $('settle-accounts').replaceChildren(...[...accounts].sort().map((account) => el('option', { value: account })));
  }

  async function refreshTrialBalance() {
    let balance;
    try {
      balance = await apiLatest('trial-balance', TRIAL_BALANCE_PATH);
    } catch (e) {
      const missing = isMissingRoute(e);
      $('trial-balance-missing').textContent = missing ? `This paymentd has no trial balance yet (GET ${TRIAL_BALANCE_PATH} answered 404).` : '';
      $('trial-balance-missing').hidden = !missing;
      $('trial-balance-csv').hidden = missing;
      showSectionError($('trial-balance-error'), missing ? null : e);
      return;
    }
    if (balance === STALE) return;
    $('trial-balance-missing').hidden = true;
    $('trial-balance-csv').hidden = false;
    showSectionError($('trial-balance-error'), null);
    const json = JSON.stringify(balance);
    if (state.renderedJson.get($('trial-balance-currencies')) === json) return;
    state.renderedJson.set($('trial-balance-currencies'), json);
    renderTrialBalance(balance);
  }

  function fileNameOf(response, fallback) {
    const match = /filename="?([^";]+)"?/i.exec(response.headers.get('Content-Disposition') || '');
    return match ? match[1] : fallback;
  }

  // The key travels in a header, which a plain link cannot send: the file
  // is fetched with it and handed to the browser as a Blob URL.
  async function downloadTrialBalanceCsv(event) {
    event.preventDefault();
    const link = event.currentTarget;
    link.setAttribute('aria-busy', 'true');
    try {
      const response = await fetch(link.getAttribute('href'), {
        headers: { Authorization: `Bearer ${state.token}`, Accept: 'text/csv' }, cache: 'no-store',
      });
      if (response.status === 401) {
        logOut('The token was refused (401 unauthorized). Log in again.');
        return;
      }
      if (!response.ok) {
        const text = await response.text();
        let json = null;
        try { json = JSON.parse(text); } catch (_) { json = null; }
        showSectionError($('trial-balance-error'), new ApiError(response.status, json, text));
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const save = el('a', { href: url, download: fileNameOf(response, link.getAttribute('download')), hidden: true });
      document.body.append(save);
      save.click();
      save.remove();
      // Revoked later: the download may still be reading it.
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      showSectionError($('trial-balance-error'), null);
    } catch (e) {
      showSectionError($('trial-balance-error'), { message: `The CSV could not be downloaded (${e.message}).` });
    } finally {
      link.removeAttribute('aria-busy');
    }
  }

  // --- the lists -----------------------------------------------------------------

  const LISTS = [
    deadLetterList('dlq', DEAD_LETTER_KINDS.order, 'Dead-lettered orders', [
      // The checkout is one click away, in the order's detail.
      { label: 'Order', cell: (d) => orderLink(d.payment_order_id) },
    ]),
    deadLetterList('dlq-refunds', DEAD_LETTER_KINDS.refund, 'Dead-lettered refunds', [
      { label: 'Refund', cell: (d) => d.refund_id, mono: true },
      { label: 'Order', cell: (d) => (d.payment_order_id ? orderLink(d.payment_order_id) : '—') },
      { label: 'Amount', cell: (d) => money(d.amount, d.currency), numeric: true },
    ]),
    deadLetterList('dlq-payouts', DEAD_LETTER_KINDS.payout, 'Dead-lettered pay-outs', [
      { label: 'Pay-out', cell: (d) => payoutLink(d.payout_id) },
      { label: 'Seller', cell: (d) => textOrDash(d.seller_account), mono: true },
      { label: 'Amount', cell: (d) => money(d.amount, d.currency), numeric: true },
    ]),
    {
      id: 'reviews',
      title: 'Reviews',
      path: '/admin/reviews',
      pageSize: 50,
      order: 'oldest first',
      rowsOf: (body) => body.data || [],
      keyOf: reviewKey,
      emptyText: 'No checkout waits for a review.',
      columns: reviewColumns,
      actions: REVIEW_ACTIONS,
    },
    {
      id: 'payouts',
      title: 'Pay-outs',
      path: '/admin/payouts',
      pageSize: 50,
      order: 'newest first',
      filters: [
        { name: 'status', label: 'Status', options: [['', 'any'], ...PAYOUT_STATUSES.map((s) => [s, s])] },
        { name: 'seller_account', label: 'Seller', placeholder: 'seller_...' },
      ],
      rowsOf: (body) => body.data || [],
      keyOf: (p) => p.id,
      emptyText: 'No pay-out matches.',
      columns: [
        { label: 'Pay-out', cell: (p) => payoutLink(p.id) },
        { label: 'Status', cell: (p) => badge(p.status) },
        { label: 'Seller', cell: (p) => p.seller_account, mono: true },
        { label: 'Amount', cell: (p) => money(p.amount, p.currency), numeric: true },
        { label: 'Failure', cell: (p) => textOrDash(p.failure_code), mono: true },
        { label: 'Created', cell: (p) => timeCell(p.created_at) },
      ],
    },
    {
      id: 'refunds',
      title: 'Refunds',
      path: '/admin/refunds',
      pageSize: 50,
      order: 'newest first',
      filters: [{ name: 'status', label: 'Status', options: [['', 'any'], ...REFUND_STATUSES.map((s) => [s, s])] }],
      rowsOf: (body) => body.data || [],
      keyOf: (r) => r.id,
      emptyText: 'No refund matches.',
      columns: [
        { label: 'Refund', cell: (r) => r.id, mono: true },
        { label: 'Payment order', cell: (r) => orderLink(r.payment_order_id) },
        { label: 'Amount', cell: (r) => money(r.amount, r.currency), numeric: true },
        { label: 'Status', cell: (r) => badge(r.status) },
        { label: 'Reason', cell: (r) => textOrDash(r.reason) },
        { label: 'Created', cell: (r) => timeCell(r.created_at) },
      ],
    },
    {
      id: 'recon-runs',
      title: 'Reconciliation runs',
      path: '/admin/reconciliation/runs',
      pageSize: 20,
      order: 'newest first',
      filters: [{ name: 'date', label: 'Day', type: 'date' }],
      rowsOf: (body) => body.data || body.runs || [],
      keyOf: (run) => String(run.run_id),
      emptyText: 'No reconciliation ran yet.',
      columns: [
        { label: 'Run', cell: (run) => textOrDash(run.run_id), numeric: true },
        { label: 'Day', cell: (run) => el('span', { className: 'nowrap', text: run.date }), mono: true },
        { label: 'Status', cell: (run) => badge(run.status) },
        { label: 'Lines', cell: (run) => runCount(run, 'lines'), numeric: true },
        { label: 'Matched', cell: (run) => runCount(run, 'matched'), numeric: true },
        { label: 'Auto-corrected', cell: (run) => runCount(run, 'auto_corrected'), numeric: true },
        { label: 'Queued', cell: (run) => runCount(run, 'queued'), numeric: true },
        { label: 'Escalated', cell: (run) => runCount(run, 'escalated'), numeric: true },
        { label: 'New exceptions', cell: (run) => runCount(run, 'new_exceptions'), numeric: true },
        { label: 'Error', cell: (run) => textOrDash(run.error) },
      ],
    },
    {
      id: 'recon-exceptions',
      title: 'Reconciliation exceptions',
      path: '/admin/reconciliation/exceptions',
      pageSize: 50,
      order: 'as the API lists them',
      filters: [
        { name: 'status', label: 'Status', value: 'open', options: [['open', 'open'], ['resolved', 'resolved'], ['all', 'all']] },
        { name: 'route', label: 'Route', options: [['', 'any'], ['queued', 'queued'], ['escalated', 'escalated'], ['auto_corrected', 'auto_corrected']] },
        { name: 'date', label: 'Day', type: 'date' },
      ],
      rowsOf: (body) => body.data || body.exceptions || [],
      keyOf: (exception) => String(exception.id),
      emptyText: 'No exception matches.',
      columns: [
        { label: 'Id', cell: (x) => String(x.id), numeric: true },
        { label: 'Day', cell: (x) => el('span', { className: 'nowrap', text: x.date }), mono: true },
        { label: 'Kind and route', cell: kindCell },
        { label: 'PSP reference', cell: (x) => el('span', { className: 'breakable', text: textOrDash(x.psp_reference) }), mono: true },
        { label: 'Ours', cell: (x) => sideCell(x.ours) },
        { label: 'PSP says', cell: (x) => sideCell(x.theirs) },
        { label: 'In suspense', cell: suspenseCell, numeric: true },
        { label: 'Message', cell: (x) => textOrDash(x.message) },
        { label: 'Status', cell: exceptionStatusCell },
      ],
      actions: EXCEPTION_ACTIONS,
    },
  ];

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
    await Promise.allSettled([
      refreshCounts(), refreshCluster(), refreshStuck(), refreshOrder(), refreshPayout(), refreshTrialBalance(),
      ...LISTS.map(refreshList),
    ]);
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
    for (const list of LISTS) buildList(list);
    $('payout-close').addEventListener('click', closePayout);
    $('recon-run-date').value = todayUtc();
    $('recon-run-form').addEventListener('submit', runReconciliation);
    $('trial-balance-csv').addEventListener('click', downloadTrialBalanceCsv);
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
