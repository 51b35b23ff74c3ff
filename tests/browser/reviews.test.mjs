// The reviews queue on the page: checkouts held by the risk checks, approved
// (charged once, SUCCESS) or rejected with a reason (FAILED, risk_rejected),
// and a decision the API refuses. paymentd must hold buyers of review.test:
// PAYMENTD_RISK_REVIEW_EMAIL_DOMAINS=review.test.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, createHeldCheckout, eventually, getOrder, launchBrowser, logInAndWait, openPage,
  pspsim, REVIEW_EMAIL_DOMAIN, screenshots,
} from './harness.mjs';

const shot = screenshots('reviews');
async function openReviewIds() {
  const { json } = await admin('GET', '/admin/reviews', { expect: 200 });
  return json.data.map((c) => c.checkout_id);
}

async function timesCharged(id) {
  return (await pspsim('GET', '/sim/idempotency_keys', { expect: 200 })).json[id] || 0;
}

describe('reviews queue', () => {
  let browser;
  let page;
  let approved;
  let rejected;
  let refused;

  before(async () => {
    // Two currencies, and cents that carry: 12.34 + 0.66 = 13.00 USD.
    approved = await createHeldCheckout('rv_approve', [
      { amount: '12.34', currency: 'USD', seller: 'seller_alice' },
      { amount: '0.66', currency: 'USD', seller: 'seller_bob' },
      { amount: '500', currency: 'JPY', seller: 'seller_carol' },
    ]);
    rejected = await createHeldCheckout('rv_reject', [{ amount: '20.00', currency: 'EUR' }]);
    refused = await createHeldCheckout('rv_refused', [{ amount: '7.50', currency: 'USD' }]);
    browser = await launchBrowser();
    page = await openPage(browser);
    await logInAndWait(page);
    for (const made of [approved, rejected, refused]) await row(made.checkoutId).waitFor();
    await shot(page, 'held');
  });

  after(async () => {
    await browser?.close();
    // Leaves a developer's long-lived stack without open reviews of ours.
    for (const made of [approved, rejected, refused]) {
      if (made) await admin('POST', `/admin/reviews/${made.checkoutId}/reject`, { body: { reason: 'browser test clean-up' } });
    }
  });

  const row = (id) => page.locator(`#reviews-table tbody tr[data-key="${id}"]`);
  const button = (action, id) => page.locator(`#reviews-table button[data-action="${action}"][data-key="${id}"]`);
  const result = () => page.locator('#action-result');

  test('lists each held checkout with its orders, totals per currency and the rules that fired', async () => {
    const held = row(approved.checkoutId);
    const totals = await held.locator('li[data-total]').allTextContents();
    assert.deepEqual(totals, ['13.00 USD', '500 JPY']);
    for (const id of approved.ids) {
      assert.equal(await held.locator(`button[data-order-link="${id}"]`).count(), 1, `no link to ${id}`);
    }
    const rule = held.locator('li[data-rule="review_email_domain"]');
    assert.match(await rule.textContent(), new RegExp(`e-mail domain '${REVIEW_EMAIL_DOMAIN}'`));
    assert.match(await held.textContent(), /\d+ s ago/);
    assert.deepEqual(await row(rejected.checkoutId).locator('li[data-total]').allTextContents(), ['20.00 EUR']);

    // Both buttons fit the 1280 px wide window without scrolling the table.
    for (const made of [approved, rejected, refused]) {
      for (const action of ['approve', 'reject']) {
        const box = await button(action, made.checkoutId).boundingBox();
        assert.ok(box && box.x + box.width <= 1280, `${action} of ${made.checkoutId} is off-screen at x=${box?.x}`);
      }
    }
    page.assertNoScriptErrors();
  });

  test('approve from the page charges every order once and they succeed', async () => {
    for (const id of approved.ids) assert.equal(await timesCharged(id), 0, `${id} was charged before the approval`);

    await button('approve', approved.checkoutId).click();
    await result().filter({ hasText: `Approved ${approved.checkoutId}` }).waitFor();
    assert.equal(await result().getAttribute('class'), 'action-result ok');
    await row(approved.checkoutId).waitFor({ state: 'detached' });
    await shot(page, 'approved');

    await eventually(`${approved.ids.join(', ')} to succeed`, async () => {
      const orders = await Promise.all(approved.ids.map(getOrder));
      return orders.every((o) => o.status === 'SUCCESS');
    });
    for (const id of approved.ids) assert.equal(await timesCharged(id), 1, `${id} charged other than once`);
    assert.ok(!(await openReviewIds()).includes(approved.checkoutId));
    page.assertNoScriptErrors();
  });

  test('reject asks for a reason and fails the orders with it, charging nobody', async () => {
    const reason = 'Card and address from different countries (browser test)';
    await button('reject', rejected.checkoutId).click();
    const dialog = page.locator('#reject-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await page.locator('#reject-what').textContent(), new RegExp(rejected.checkoutId));
    // The table must not move under an open dialog: the next tick pauses.
    await page.locator('#refresh-status').filter({ hasText: 'Paused while the reject dialog is open' }).waitFor();

    await page.click('#reject-confirm');
    await page.locator('#reject-error').filter({ hasText: 'Give a reason' }).waitFor();
    assert.equal(await dialog.isVisible(), true);
    assert.equal((await getOrder(rejected.ids[0])).status, 'REVIEW');

    await page.fill('#reject-reason', reason);
    await shot(page, 'reject-reason');
    await page.click('#reject-confirm');
    await dialog.waitFor({ state: 'hidden' });
    await result().filter({ hasText: `Rejected ${rejected.checkoutId}` }).waitFor();
    assert.match(await result().textContent(), /checkout failed, orders FAILED; nobody was charged/);
    assert.equal(await result().getAttribute('class'), 'action-result ok');
    await row(rejected.checkoutId).waitFor({ state: 'detached' });
    await shot(page, 'rejected');

    const order = await getOrder(rejected.ids[0]);
    assert.equal(order.status, 'FAILED');
    assert.equal(order.failure_code, 'risk_rejected');
    assert.equal(order.failure_message, reason);
    assert.equal(await timesCharged(rejected.ids[0]), 0);
    page.assertNoScriptErrors();
  });

  test('a decision the API refuses shows its error and changes nothing', async () => {
    // Stop refreshing so the row stays on screen after it was decided elsewhere.
    await page.uncheck('#auto-refresh');
    await admin('POST', `/admin/reviews/${refused.checkoutId}/reject`, { body: { reason: 'decided elsewhere' }, expect: 200 });

    await button('approve', refused.checkoutId).click();
    await result().filter({ hasText: `Approve of ${refused.checkoutId} failed` }).waitFor();
    assert.match(await result().textContent(), /409 review_not_open/);
    assert.equal(await result().getAttribute('class'), 'action-result failed');
    await shot(page, 'approve-refused');

    const order = await getOrder(refused.ids[0]);
    assert.equal(order.status, 'FAILED');
    assert.equal(order.failure_message, 'decided elsewhere');
    assert.equal(await timesCharged(refused.ids[0]), 0);
    await row(refused.checkoutId).waitFor({ state: 'detached' }); // the action refreshed the table
    await page.check('#auto-refresh');
    page.assertNoScriptErrors();
  });
});
