// Finding one order (row, live view, timeline) and listing stuck orders.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  UI_PATH, UI_TIMEOUT_MS, createCheckout, env, launchBrowser, logInAndWait, makeDeadLetters,
  openPage, resolveLeftovers, screenshots, uniqueId,
} from './harness.mjs';

let browser;
const shot = screenshots('orders');

before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function searchOrder(page, id) {
  await page.fill('#order-search', id);
  await page.click('#order-search-button');
}

const field = (page, name) => page.locator(`#order-row dd[data-field="${name}"]`);

test('an order created over the API is found by id with its stored row, live view and timeline', async () => {
  const checkoutId = uniqueId('chk_find');
  const id = checkoutId.replace(/^chk_/, 'po_');
  const checkout = await createCheckout(checkoutId, [
    { id: `${id}_1`, amount: '12.34', currency: 'USD' },
    { id: `${id}_2`, amount: '500', currency: 'JPY' },
  ], { waitS: 10 });
  assert.deepEqual(checkout.payment_orders.map((o) => o.status), ['SUCCESS', 'SUCCESS']);

  const page = await openPage(browser);
  await logInAndWait(page);
  await searchOrder(page, `${id}_1`);
  await page.locator('#order-body').waitFor({ state: 'visible' });
  assert.match(await page.locator('#order-title').textContent(), new RegExp(`Order ${id}_1 SUCCESS`));
  assert.equal(await field(page, 'status').textContent(), 'SUCCESS');
  assert.equal(await field(page, 'amount').textContent(), '12.34 USD');
  assert.equal(await field(page, 'checkout_id').textContent(), checkoutId);
  assert.equal(await field(page, 'wallet_updated').textContent(), 'yes');
  // A finished order may or may not still be in memory; either way it says so.
  await page.locator('#order-live-none, #order-live-fields').first().waitFor();

  const timeline = page.locator('#timeline tbody tr');
  await timeline.first().waitFor();
  const rows = await timeline.allTextContents();
  assert.ok(rows.some((r) => r.includes('start_execution')), `no start_execution in ${rows.join(' | ')}`);
  assert.ok(rows.some((r) => r.includes('→ SUCCESS')), `no transition to SUCCESS in ${rows.join(' | ')}`);
  await shot(page, 'order-found');

  // The other order of the checkout, through a link to the page itself.
  await page.goto(`${env.paymentdUrl}${UI_PATH}#order=${encodeURIComponent(`${id}_2`)}`);
  await page.reload();
  await page.locator('#order-body').waitFor({ state: 'visible' });
  assert.equal(await field(page, 'amount').textContent(), '500 JPY');
  page.assertNoScriptErrors();
});

test('an unknown or malformed order id is answered with a message, not a detail', async () => {
  const page = await openPage(browser);
  await logInAndWait(page);
  await searchOrder(page, uniqueId('po_nobody'));
  const error = page.locator('#order-error');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /^No payment order po_nobody_/);
  assert.equal(await page.locator('#order-body').isVisible(), false);
  await shot(page, 'order-unknown');

  await searchOrder(page, 'po with spaces');
  await page.waitForFunction(() => document.getElementById('order-error').textContent.includes('without spaces'));
  assert.equal(await page.locator('#order-body').isVisible(), false);
  page.assertNoScriptErrors();
});

test('refreshing pauses while the operator types', async () => {
  const page = await openPage(browser);
  await logInAndWait(page);
  await page.locator('#refresh-status').filter({ hasText: 'Updated' }).waitFor();
  // Keep typing across the next timer tick (every 5 s).
  const deadline = Date.now() + UI_TIMEOUT_MS;
  let status = '';
  while (Date.now() < deadline && !status.startsWith('Paused')) {
    await page.type('#order-search', 'x', { delay: 50 });
    status = await page.locator('#refresh-status').textContent();
  }
  assert.equal(status, 'Paused while you type');
  await shot(page, 'paused-while-typing');
  page.assertNoScriptErrors();
});

describe('stuck orders', () => {
  let made;
  before(async () => { made = await makeDeadLetters('stuck', 3); });
  after(async () => { if (made) await resolveLeftovers(made.ids); });

  async function applyFilter(page, { status, olderThanS, limit }) {
    await page.selectOption('#stuck-status', status);
    await page.fill('#stuck-older-than', String(olderThanS));
    await page.fill('#stuck-limit', String(limit));
    await page.click('#stuck-apply');
  }

  // Waits until page `n` is shown; fails with the page's own error message
  // when the listing answered with one.
  async function waitForStuckPage(page, n) {
    const handle = await page.waitForFunction((want) => {
      const error = document.getElementById('stuck-error');
      if (!error.hidden) return { error: error.textContent };
      return document.getElementById('stuck-page-info').textContent.startsWith(`Page ${want} `) && {};
    }, n);
    const { error } = await handle.jsonValue();
    assert.equal(error, undefined, `page ${n} of the stuck orders`);
  }

  // Follows "Next" to the end; returns the order ids of every page.
  async function collectPages(page, pagesMax) {
    const pages = [];
    for (let i = 0; i < pagesMax; i += 1) {
      await waitForStuckPage(page, i + 1);
      pages.push(await page.locator('#stuck-table tbody tr[data-key]').evaluateAll(
        (rows) => rows.map((r) => r.dataset.key)));
      if (await page.locator('#stuck-next').isDisabled()) return pages;
      await page.click('#stuck-next');
    }
    throw new Error(`still more pages after ${pagesMax}`);
  }

  test('are listed by status and age and paged with next', async () => {
    const page = await openPage(browser);
    await logInAndWait(page);
    await applyFilter(page, { status: 'EXECUTING', olderThanS: 0, limit: 2 });
    const pages = await collectPages(page, 50);
    await shot(page, 'stuck-last-page');
    for (const rows of pages) assert.ok(rows.length <= 2, `a page of ${rows.length} rows`);
    const all = pages.flat();
    assert.equal(new Set(all).size, all.length, `an order on two pages: ${all.join(', ')}`);
    for (const id of made.ids) assert.ok(all.includes(id), `${id} not listed`);

    await page.click('#stuck-first');
    await waitForStuckPage(page, 1);
    assert.equal(await page.locator('#stuck-prev').isDisabled(), true);

    // Our orders changed seconds ago: not stuck for an hour, and not SUCCESS.
    for (const filter of [{ status: 'EXECUTING', olderThanS: 3600, limit: 50 }, { status: 'SUCCESS', olderThanS: 0, limit: 1000 }]) {
      await applyFilter(page, filter);
      await page.waitForFunction((ids) => {
        const info = document.getElementById('stuck-page-info').textContent;
        const keys = [...document.querySelectorAll('#stuck-table tbody tr[data-key]')].map((r) => r.dataset.key);
        return info.startsWith('Page 1 ') && !ids.some((id) => keys.includes(id));
      }, made.ids);
    }
    await shot(page, 'stuck-filtered-out');

    // A row leads to the order's detail.
    await applyFilter(page, { status: 'EXECUTING', olderThanS: 0, limit: 1000 });
    await page.click(`#stuck-table button[data-order-link="${made.ids[0]}"]`);
    await page.locator('#order-title').filter({ hasText: made.ids[0] }).waitFor();
    await page.locator('#order-dlq-actions').waitFor({ state: 'visible' });
    page.assertNoScriptErrors();
  });
});
