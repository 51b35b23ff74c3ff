// Logging in to the operator page, the session in sessionStorage, and the
// way back to the login form when a token stops working.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  UI_PATH, admin, env, launchBrowser, logIn, logInAndWait, openPage, screenshots,
} from './harness.mjs';

const TOKEN_STORAGE_KEY = 'payments.admin_token';
let browser;
const shot = screenshots('login');

before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('the page and its assets are served without a token', async () => {
  for (const [route, type] of [[UI_PATH, 'text/html'], [`${UI_PATH}/app.js`, 'javascript'], [`${UI_PATH}/app.css`, 'text/css']]) {
    const response = await fetch(`${env.paymentdUrl}${route}`);
    assert.equal(response.status, 200, route);
    assert.match(response.headers.get('content-type') || '', new RegExp(type), route);
  }
  // The data behind it is not.
  assert.equal((await fetch(`${env.paymentdUrl}/admin/dlq`)).status, 401);
});

test('a wrong token is refused on the login form and nothing is stored', async () => {
  const page = await openPage(browser);
  await logIn(page, 'adm_not_the_token');
  const error = page.locator('#login-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /refused \(401/);
  assert.equal(await page.locator('#app').isVisible(), false);
  assert.equal(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_STORAGE_KEY), null);
  await shot(page, 'wrong-token');
  page.assertNoScriptErrors();
});

test('the right token opens the page with live counts, survives a reload and logs out', async () => {
  const page = await openPage(browser);
  await logInAndWait(page);
  assert.equal(await page.locator('#login-section').isVisible(), false);

  // The counts are the API's actor summary.
  const summary = (await admin('GET', '/admin/actors', { expect: 200 })).json;
  await page.locator('#count-orders .value').waitFor();
  assert.match(await page.locator('#count-orders .value').textContent(), /^\d+$/);
  assert.match(await page.locator('#count-checkouts .value').textContent(), /^\d+$/);
  for (const actor of summary.shared) {
    await page.locator(`#shared-table tr[data-key="${actor.name}"]`).waitFor();
  }
  // Every status the server counts can be picked in the stuck-orders filter.
  const options = await page.locator('#stuck-status option').evaluateAll((os) => os.map((o) => o.value));
  for (const status of Object.keys(summary.orders_by_status)) {
    assert.ok(options.includes(status), `${status} missing from ${options.join(', ')}`);
  }
  await page.locator('#dlq-table thead').waitFor();
  await shot(page, 'logged-in');

  await page.reload();
  await page.locator('#app').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#login-section').isVisible(), false);

  await page.click('#logout');
  await page.locator('#login-section').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#login-error').textContent(), 'Logged out.');
  assert.equal(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_STORAGE_KEY), null);
  await shot(page, 'logged-out');
  page.assertNoScriptErrors();
});

test('a stored token that the server refuses returns to the login form with a message', async () => {
  const page = await openPage(browser);
  await page.addInitScript((key) => sessionStorage.setItem(key, 'adm_rotated_away'), TOKEN_STORAGE_KEY);
  await page.goto(`${env.paymentdUrl}${UI_PATH}`);
  const error = page.locator('#login-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /refused \(401 unauthorized\)\. Log in again/);
  assert.equal(await page.locator('#app').isVisible(), false);
  await shot(page, 'token-refused-later');
  page.assertNoScriptErrors();
});
