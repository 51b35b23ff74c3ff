// Shared by the browser tests: settings from the environment, Chromium,
// screenshots, and the HTTP calls that set up what the page is tested on.
import { existsSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; see tests/browser/README.md`);
  return value.replace(/\/+$/, '');
}

export const env = {
  paymentdUrl: required('PAYMENTD_URL'),
  pspsimUrl: required('PSPSIM_URL'),
  adminToken: required('ADMIN_KEY'),
  screenshotDir: path.resolve(process.env.SCREENSHOT_DIR || 'screenshots'),
  chromiumPath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  // How long an order may take to be dead-lettered. paymentd should run with
  // a small retry budget (PAYMENTD_PSP_RETRY_ATTEMPTS_MAX=2,
  // PAYMENTD_PSP_RETRY_BASE_MS=10, PAYMENTD_PSP_RETRY_DEADLINE_MS=200): the
  // budget is time, and with the default deadline it takes over 2 minutes.
  deadLetterTimeoutMs: Number(process.env.DEAD_LETTER_TIMEOUT_MS || 60000),
  // pspsim's Bearer key, for reading checkout sessions as paymentd does.
  pspApiKey: process.env.PSP_API_KEY || 'sk_test_pspsim',
};

export const UI_PATH = '/admin/ui';
// The page refreshes every 5 s; a UI expectation waits for a few rounds, as
// the machine may be busy with builds.
export const UI_TIMEOUT_MS = 20000;

// The machine has no network: without these Chromium stalls on start-up
// trying to reach Google's services. Playwright gives every launch a fresh
// temporary --user-data-dir of its own.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser() {
  return chromium.launch({
    executablePath: env.chromiumPath, headless: true, args: CHROMIUM_ARGS, timeout: 60000,
  });
}

// A page in its own context (its own sessionStorage), failing the test on
// any uncaught script error of the page.
export async function openPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const scriptErrors = [];
  page.on('pageerror', (error) => scriptErrors.push(error));
  page.assertNoScriptErrors = () => assert.deepEqual(scriptErrors.map(String), []);
  return page;
}

// A page at a phone's width (a touch screen that honours the viewport meta,
// as a phone's browser does) or a laptop's, in its own context.
export const PHONE_WIDTH = 390;
export async function openPageAtWidth(browser, width) {
  const phone = width < 600;
  const context = await browser.newContext({
    viewport: { width, height: phone ? 844 : 900 }, isMobile: phone, hasTouch: phone,
  });
  context.setDefaultTimeout(UI_TIMEOUT_MS);
  const page = await context.newPage();
  const scriptErrors = [];
  page.on('pageerror', (error) => scriptErrors.push(error));
  page.assertNoScriptErrors = () => assert.deepEqual(scriptErrors.map(String), []);
  return page;
}

// Pixels the page is wider than its window: above 0 the reader scrolls sideways.
export async function horizontalOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

export function screenshots(prefix) {
  mkdirSync(env.screenshotDir, { recursive: true });
  let n = 0;
  return async (page, step) => {
    n += 1;
    const file = path.join(env.screenshotDir, `${prefix}-${String(n).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

export async function logIn(page, token = env.adminToken) {
  await page.goto(`${env.paymentdUrl}${UI_PATH}`);
  await page.fill('#token', token);
  await page.click('#login-button');
}

export async function logInAndWait(page) {
  await logIn(page);
  await page.locator('#app').waitFor({ state: 'visible' });
}

export function uniqueId(prefix) {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

async function call(base, method, route, { body, headers = {}, expect } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`${base}${route}`, init);
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (expect !== undefined) {
    assert.equal(response.status, expect, `${method} ${route} answered ${response.status}: ${text}`);
  }
  return { status: response.status, json, headers: response.headers };
}

// Every call carries the admin key: it acts for the platform, so the ids the
// tests choose are the ids the operator page shows.
export const paymentd = (method, route, options = {}) => call(env.paymentdUrl, method, route, {
  ...options, headers: { Authorization: `Bearer ${env.adminToken}`, ...(options.headers || {}) },
});
export const pspsim = (method, route, options) => call(env.pspsimUrl, method, route, options);
export const admin = paymentd;

// orders: [{ id, amount, currency, seller, token }]
export async function createCheckout(checkoutId, orders, { waitS = 0 } = {}) {
  const headers = waitS > 0 ? { Prefer: `wait=${waitS}` } : {};
  const answer = await paymentd('POST', '/v1/payments', {
    headers,
    body: {
      checkout_id: checkoutId,
      buyer_info: { email: 'browser-test@example.com' },
      credit_card_info: { psp_token: orders[0].token || 'pm_card_visa' },
      payment_orders: orders.map((o) => ({
        payment_order_id: o.id, seller_account: o.seller || 'seller_browser',
        amount: o.amount || '12.34', currency: o.currency || 'USD',
      })),
    },
  });
  assert.ok([200, 201].includes(answer.status), `create checkout: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json;
}

// The hosted payment page: one PSP checkout session per order; the buyer
// comes back to paymentd's status page. orders: [{ id, amount, currency, seller }]
export async function createHostedCheckout(checkoutId, orders) {
  const answer = await paymentd('POST', '/v1/payments', {
    body: {
      checkout_id: checkoutId,
      buyer_info: { email: 'browser-test@example.com' },
      credit_card_info: { hosted: true, return_url: statusPageUrl(checkoutId) },
      payment_orders: orders.map((o) => ({
        payment_order_id: o.id, seller_account: o.seller || 'seller_browser',
        amount: o.amount || '12.34', currency: o.currency || 'USD',
      })),
    },
  });
  assert.equal(answer.status, 201, `create hosted checkout: ${answer.status} ${JSON.stringify(answer.json)}`);
  return answer.json;
}

export const statusPageUrl = (checkoutId) => `${env.paymentdUrl}/pay/status/${encodeURIComponent(checkoutId)}`;

// pspsim's charges made under the order's id as idempotency key.
export async function chargesFor(paymentOrderId) {
  const { json } = await pspsim('GET', '/sim/charges', { expect: 200 });
  return json.data.filter((c) => c.idempotency_key === paymentOrderId);
}

export async function getCheckoutSession(sessionId) {
  return (await pspsim('GET', `/v1/checkout/sessions/${sessionId}`, {
    headers: { Authorization: `Bearer ${env.pspApiKey}` }, expect: 200,
  })).json;
}

export async function getOrder(id) {
  return (await paymentd('GET', `/v1/payments/${id}`, { expect: 200 })).json;
}

export async function eventually(what, probe, { timeoutMs = 30000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// Reviews: paymentd must hold buyers of review.test for review
// (PAYMENTD_RISK_REVIEW_EMAIL_DOMAINS=review.test, as pay_browser_suite sets).
export const REVIEW_EMAIL_DOMAIN = 'review.test';
const HELD_TIMEOUT_MS = 15000;

// A checkout whose buyer's e-mail domain the risk checks hold for review;
// returns once all its orders wait in REVIEW. orders: [{ amount, currency, seller }]
export async function createHeldCheckout(prefix, orders, { token = 'pm_card_visa' } = {}) {
  const checkoutId = uniqueId(`chk_${prefix}`);
  const ids = orders.map((_, i) => `${checkoutId.replace(/^chk_/, 'po_')}_${i + 1}`);
  const answer = await paymentd('POST', '/v1/payments', {
    body: {
      checkout_id: checkoutId,
      buyer_info: { email: `${prefix}@${REVIEW_EMAIL_DOMAIN}` },
      credit_card_info: { psp_token: token },
      payment_orders: orders.map((o, i) => ({
        payment_order_id: ids[i], seller_account: o.seller || 'seller_browser',
        amount: o.amount, currency: o.currency,
      })),
    },
  });
  assert.ok([200, 201].includes(answer.status), `create checkout: ${answer.status} ${JSON.stringify(answer.json)}`);
  await eventually(`${checkoutId} to be held for review`, async () => {
    const statuses = (await Promise.all(ids.map(getOrder))).map((o) => o.status);
    // Charged means paymentd runs without the review rule: fail at once.
    assert.ok(!statuses.includes('SUCCESS'),
      `${checkoutId} was charged, not held: start paymentd with PAYMENTD_RISK_REVIEW_EMAIL_DOMAINS=${REVIEW_EMAIL_DOMAIN}`);
    return statuses.every((s) => s === 'REVIEW');
  }, { timeoutMs: HELD_TIMEOUT_MS });
  return { checkoutId, ids };
}

// Makes one checkout whose orders all end in the dead-letter queue: pspsim
// answers every charge with 500 until the orders' retry budget is spent.
// The faults are off again when it returns (also when it fails).
export async function makeDeadLetters(prefix, count) {
  const checkoutId = uniqueId(`chk_${prefix}`);
  const ids = Array.from({ length: count }, (_, i) => `${checkoutId.replace(/^chk_/, 'po_')}_${i + 1}`);
  await pspsim('POST', '/sim/faults', { body: { seed: 1, error_500: 1.0 }, expect: 200 });
  try {
    await createCheckout(checkoutId, ids.map((id) => ({ id })));
    await eventually(`${ids.join(', ')} to be dead-lettered`, async () => {
      const orders = await Promise.all(ids.map(getOrder));
      return orders.every((o) => o.dead_lettered);
    }, { timeoutMs: env.deadLetterTimeoutMs });
  } finally {
    await pspsim('DELETE', '/sim/faults', { expect: 200 });
  }
  return { checkoutId, ids };
}

// Leaves a developer's long-lived stack tidy: open entries of ours resolved.
export async function resolveLeftovers(ids) {
  for (const id of ids) {
    await admin('POST', `/admin/dlq/${id}/resolve`, { body: { reason: 'browser test clean-up' } });
  }
}

// The UTC day on pspsim's simulated clock: the day its settlement lines
// (balance transactions) are filed under, which the hosted tests may have
// moved a day on.
export async function pspsimDay() {
  const { json } = await pspsim('GET', '/sim/clock', { expect: 200 });
  return new Date(json.now * 1000).toISOString().slice(0, 10);
}

// The settlement of that day reconciled, as finance would run it.
export async function reconcileDay(day) {
  return (await admin('POST', `/admin/reconciliation/run?date=${day}`, { expect: 200 })).json;
}

// SQL on the scratch database (DATABASE_URL, which pay_browser_suite passes),
// for what no API can set up: rows of a cluster, a pay-in's age.
export const databaseUrl = process.env.DATABASE_URL;
const PSQL = [process.env.PSQL, '/usr/lib/postgresql/15/bin/psql'].find((p) => p && existsSync(p)) || 'psql';
export const literal = (s) => `'${String(s).replace(/'/g, "''")}'`;
export function psql(sql) {
  return execFileSync(PSQL, ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, '-c', sql], {
    encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '5' },
  });
}

// --- pay-outs ----------------------------------------------------------------------
// A seller is paid out once its pay-in is fulfilled, settled by the PSP
// (reconciliation of pspsim's day) and held payouts.hold_s (a day in the
// suite). The hold is passed by moving the pay-in's success time two days
// back in the scratch database: the one step no API can take.

export async function onboardSeller(seller) {
  await admin('POST', `/v1/sellers/${seller}/connected_account`, { body: { country: 'US' }, expect: 201 });
}

export async function releasablePayIn(seller, amount) {
  const checkoutId = uniqueId('chk_payout');
  const orderId = checkoutId.replace(/^chk_/, 'po_');
  await createCheckout(checkoutId, [{ id: orderId, seller, amount }], { waitS: 10 });
  await eventually(`${orderId} to be booked`, async () => (await getOrder(orderId)).ledger_updated);
  await admin('POST', `/v1/payment_orders/${orderId}/fulfill`, { expect: 200 });
  await reconcileDay(await pspsimDay());
  psql(`UPDATE payment_order SET succeeded_at = now() - interval '2 days'
         WHERE payment_order_id = ${literal(orderId)}`);
  return orderId;
}

// Runs the pay-outs now; returns the id of the one it made for `seller`.
export async function runPayoutOf(seller) {
  const run = (await admin('POST', '/admin/payouts/run', { expect: 200 })).json;
  const payout = run.payouts.find((p) => p.seller_account === seller);
  assert.ok(payout, `the run paid ${seller} nothing: ${JSON.stringify(run)}`);
  return payout.id;
}

// --- the operator page's lists (LISTS in gateway/ui/app.js) ---------------------
// Each list NAME has its filters form (#NAME-filters, one control per filter
// as #NAME-FILTER, #NAME-limit, #NAME-apply), #NAME-table with a row per
// entry (data-key), #NAME-more ("Load more") and #NAME-info.

export const listRow = (page, list, key) => page.locator(`#${list}-table tbody tr[data-key="${key}"]`);
export const listKeys = (page, list) => page.locator(`#${list}-table tbody tr[data-key]`)
  .evaluateAll((rows) => rows.map((r) => r.dataset.key));

// Sets the filters and the page size, applies them and waits for the
// first page: the info line leaves "Loading…" once it is rendered.
export async function filterList(page, list, { filters = {}, limit }) {
  for (const [name, value] of Object.entries(filters)) {
    const control = page.locator(`#${list}-${name}`);
    if (await control.evaluate((node) => node.tagName === 'SELECT')) await control.selectOption(value);
    else await control.fill(value);
  }
  if (limit !== undefined) await page.fill(`#${list}-limit`, String(limit));
  await page.click(`#${list}-apply`);
  await page.waitForFunction((id) => !document.getElementById(`${id}-info`).textContent.startsWith('Loading'), list);
}

// Clicks "Load more" until the list says all is loaded (or `max` clicks),
// waiting for each page; returns how many clicks it took.
export async function loadAll(page, list, { max = 20 } = {}) {
  let clicks = 0;
  while (await page.locator(`#${list}-more`).isVisible()) {
    assert.ok(clicks < max, `${list}: still more to load after ${max} clicks`);
    const before = await page.locator(`#${list}-table tbody tr[data-key]`).count();
    await page.click(`#${list}-more`);
    clicks += 1;
    await page.waitForFunction(({ id, count }) => {
      const info = document.getElementById(`${id}-info`).textContent;
      const more = document.getElementById(`${id}-more`);
      const failed = !document.getElementById(`${id}-error`).hidden;
      return failed || (!info.startsWith('Loading')
        && (document.querySelectorAll(`#${id}-table tbody tr[data-key]`).length > count || more.hidden));
    }, { id: list, count: before });
    const error = page.locator(`#${list}-error`);
    assert.equal(await error.isVisible(), false, `${list}: "Load more" failed: ${await error.textContent()}`);
  }
  return clicks;
}

// The API answers a path it does not know with 404 and no param; skip the
// test then, naming the route, as the backend adds it.
export async function routeMissing(t, route) {
  const { status, json } = await admin('GET', route);
  if (status === 404 && !(json && json.error && json.error.param)) {
    t.skip(`GET ${route} answers 404: this paymentd does not have it yet`);
    return true;
  }
  return false;
}
