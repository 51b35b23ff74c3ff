// Card checks, risk and the card rules' decision on the operator page. An
// order whose card failed its CVC check is authorized and then held by the
// card rules (the default: cvc_check_fail reviews): it waits in the reviews
// queue as a single order held after authorization, with its checks, risk
// and decision there and on its order page, and is approved from the
// queue. An order the PSP reported nothing for shows none of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, createCheckout, createHostedCheckout, eventually, getOrder, launchBrowser, listRow,
  logInAndWait, openPage, screenshots, uniqueId,
} from './harness.mjs';

const shot = screenshots('card-facts');
const HELD_TIMEOUT_MS = 15000;
const CARD_FIELDS = ['card_checks', 'risk_level', 'risk_score', 'card_decision'];
const CAPTURE_FIELDS = ['capture', 'authorized_amount', 'captured_amount'];
const present = (value) => value !== undefined && value !== null;

async function showOrder(page, id) {
  await page.fill('#order-search', id);
  await page.click('#order-search-button');
  await page.locator('#order-title').filter({ hasText: id }).waitFor();
}

describe('card checks, risk and decision', () => {
  let browser;
  let page;
  // Held checkouts to reject at the end, so that no review of ours stays open.
  const heldCheckouts = [];

  before(async () => {
    browser = await launchBrowser();
    page = await openPage(browser);
    await logInAndWait(page);
  });

  after(async () => {
    await browser?.close();
    for (const checkoutId of heldCheckouts) {
      await admin('POST', `/admin/reviews/${checkoutId}/reject`, { body: { reason: 'browser test clean-up' } });
    }
  });

  test('an order held after authorization shows its card checks, risk and decision in the queue and on its page, and is approved there', async () => {
    const checkoutId = uniqueId('chk_cvc_fail');
    const orderId = checkoutId.replace(/^chk_/, 'po_');
    await createCheckout(checkoutId, [{ id: orderId, amount: '25.00', token: 'pm_card_cvcCheckFail' }]);
    heldCheckouts.push(checkoutId);
    const held = await eventually(`${orderId} to be held after its authorization`, async () => {
      const order = await getOrder(orderId);
      assert.ok(!['SUCCESS', 'FAILED'].includes(order.status),
        `${orderId} ended ${order.status} (${order.failure_code}) instead of being held: card checks are not in this paymentd yet`);
      return order.status === 'REVIEW' && order;
    }, { timeoutMs: HELD_TIMEOUT_MS });
    assert.equal(held.card_checks?.cvc_check, 'fail', JSON.stringify(held));
    assert.equal(held.card_decision?.action, 'review');
    assert.ok(held.card_decision.rules.includes('cvc_check_fail'), JSON.stringify(held.card_decision));

    const entry = (await admin('GET', '/admin/reviews?limit=1000', { expect: 200 })).json.data
      .find((e) => e.payment_order_id === orderId);
    assert.equal(entry?.held_after_authorization, true, `no held order ${orderId} in the reviews queue`);

    // In the queue: one row for the order, its checks word by word.
    const row = listRow(page, 'reviews', orderId);
    await row.waitFor();
    assert.match(await row.textContent(), new RegExp(checkoutId));
    assert.match(await row.textContent(), /one order held after authorization/);
    assert.equal(await row.locator('[data-check="cvc_check"][data-result="fail"]').textContent(), 'CVC fail');
    for (const [key, result] of Object.entries(held.card_checks)) {
      assert.equal(await row.locator(`[data-check="${key}"]`).getAttribute('data-result'), result);
    }
    assert.equal(await row.locator('.decision').textContent(), 'decision review');
    if (present(held.risk_level)) assert.match(await row.locator('.risk').textContent(), new RegExp(`risk ${held.risk_level}`));
    assert.equal(await row.locator('li[data-rule="cvc_check_fail"]').count(), 1);
    await shot(page, 'held-in-queue');

    // On the order page, in its own block.
    await showOrder(page, orderId);
    const card = page.locator('#order-card');
    await card.waitFor();
    assert.match(await card.locator('dd[data-field="card_checks"]').textContent(), /CVC fail/);
    assert.match(await card.locator('dd[data-field="card_decision"]').textContent(), /review/);
    if (present(held.risk_score)) {
      assert.equal(await card.locator('dd[data-field="risk_score"]').textContent(), String(held.risk_score));
    }
    for (const key of CAPTURE_FIELDS) {
      assert.equal(await page.locator(`#order-row dd[data-field="${key}"]`).count(), present(held[key]) ? 1 : 0, key);
    }
    await shot(page, 'order-page');

    await page.locator(`#reviews-table button[data-action="approve"][data-key="${orderId}"]`).click();
    await page.locator('#action-result').filter({ hasText: `Approved ${orderId}` }).waitFor();
    await row.waitFor({ state: 'detached' });
    const approved = await eventually(`${orderId} to leave REVIEW`, async () => {
      const order = await getOrder(orderId);
      return order.status !== 'REVIEW' && order;
    });
    assert.ok(['AUTHORIZED', 'CAPTURING', 'SUCCESS'].includes(approved.status), `approved, then ${approved.status}`);
    page.assertNoScriptErrors();
  });

  test('an order the PSP reported no card facts for shows none of them', async () => {
    // Waiting on the hosted page: no card was presented yet.
    const checkoutId = uniqueId('chk_no_card');
    const orderId = checkoutId.replace(/^chk_/, 'po_');
    await createHostedCheckout(checkoutId, [{ id: orderId, amount: '9.99' }]);
    const order = await getOrder(orderId);
    assert.ok(CARD_FIELDS.every((key) => !present(order[key])), JSON.stringify(order));

    await showOrder(page, orderId);
    await page.locator('#order-row dd[data-field="status"]').waitFor();
    assert.equal(await page.locator('#order-card').isVisible(), false);
    assert.equal(await page.locator('#order-card-fields dd').count(), 0);
    for (const key of CAPTURE_FIELDS) {
      assert.equal(await page.locator(`#order-row dd[data-field="${key}"]`).count(), present(order[key]) ? 1 : 0, key);
    }
    // Nothing of an object leaks as text.
    assert.doesNotMatch(await page.locator('#order-body').textContent(), /\[object Object\]/);
    await shot(page, 'no-card-facts');
    page.assertNoScriptErrors();
  });
});
