// Shared by the browser tests: settings from the environment, Chromium,
// screenshots, and the HTTP calls that set up what the page is tested on.
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
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
