// The dead-letter view's refunds and pay-outs (GET /admin/dlq/refunds and
// /admin/dlq/payouts: the orders' entry shape plus refund_id / payout_id):
// a refund pspsim kept failing is listed and requeued from the page, then
// refunded once; a pay-out whose transfer kept failing is listed and
// resolved with a reason.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, createCheckout, databaseUrl, env, eventually, getOrder, launchBrowser, listRow,
  logInAndWait, onboardSeller, openPage, pspsim, releasablePayIn, routeMissing, runPayoutOf,
  screenshots, uniqueId,
} from './harness.mjs';

const shot = screenshots('dlq-money');

// pspsim answers everything with 500 while `work` runs, until `what` is
// dead-lettered; the faults are off again when it returns.
async function underFaults(what, work, isDeadLettered) {
  await pspsim('POST', '/sim/faults', { body: { seed: 1, error_500: 1.0 }, expect: 200 });
  try {
    const made = await work();
    await eventually(`${what} to be dead-lettered`, () => isDeadLettered(made), { timeoutMs: env.deadLetterTimeoutMs });
    return made;
  } finally {
    await pspsim('DELETE', '/sim/faults', { expect: 200 });
  }
}

async function openIds(route, idField) {
  const { json } = await admin('GET', `${route}?status=open&limit=1000`, { expect: 200 });
  return json.data.map((entry) => entry[idField]);
}

describe('dead-letter queue: refunds and pay-outs', () => {
  let browser;
  let page;
  const result = () => page.locator('#action-result');

  before(async () => {
    browser = await launchBrowser();
    page = await openPage(browser);
    await logInAndWait(page);
  });

  after(async () => {
    await browser?.close();
  });

  test('a refund the PSP kept failing is listed, requeued from the page and then refunded once', async (t) => {
    if (await routeMissing(t, '/admin/dlq/refunds')) return;
    const checkoutId = uniqueId('chk_dlq_refund');
    const orderId = checkoutId.replace(/^chk_/, 'po_');
    await createCheckout(checkoutId, [{ id: orderId, amount: '15.00' }], { waitS: 10 });
    await eventually(`${orderId} to be booked`, async () => (await getOrder(orderId)).ledger_updated);

    const refundId = await underFaults(`the refund of ${orderId}`, async () => {
      const { status, json } = await admin('POST', '/v1/refunds', {
        headers: { 'Idempotency-Key': `${checkoutId}_refund` },
        body: { payment_order_id: orderId, amount: '5.00', reason: 'damaged' },
      });
      assert.equal(status, 201, JSON.stringify(json));
      return json.id;
    }, async (id) => (await openIds('/admin/dlq/refunds', 'refund_id')).includes(id));

    const row = listRow(page, 'dlq-refunds', refundId);
    await page.click('#refresh-now');
    await row.waitFor();
    const entry = (await admin('GET', '/admin/dlq/refunds?status=open&limit=1000', { expect: 200 })).json.data
      .find((e) => e.refund_id === refundId);
    const text = await row.textContent();
    assert.match(text, new RegExp(entry.reason));
    if (entry.payment_order_id) assert.match(text, new RegExp(entry.payment_order_id));
    await shot(page, 'refund-dead-lettered');

    await page.locator(`#dlq-refunds-table button[data-action="requeue"][data-key="${refundId}"]`).click();
    await result().filter({ hasText: `Requeued ${refundId}` }).waitFor();
    assert.match(await result().textContent(), /the refund runs again/);
    await row.waitFor({ state: 'detached' });
    const refund = await eventually(`${refundId} to succeed`, async () => {
      const { json } = await admin('GET', `/v1/refunds/${refundId}`, { expect: 200 });
      return json.status === 'SUCCEEDED' && json;
    });
    assert.equal(refund.amount, '5.00');
    // The refund's id is its Idempotency-Key at the PSP, on every attempt.
    const refunds = (await pspsim('GET', '/sim/refunds', { expect: 200 })).json.data;
    assert.equal(refunds.filter((r) => r.idempotency_key === refundId).length, 1, 'refunded other than once');
    await shot(page, 'refund-requeued');
    page.assertNoScriptErrors();
  });

  test('a pay-out whose transfer kept failing is listed and resolved from the page with a reason', async (t) => {
    if (await routeMissing(t, '/admin/dlq/payouts')) return;
    if (!databaseUrl) {
      t.skip('DATABASE_URL is not set: no way to age a pay-in past the hold');
      return;
    }
    const seller = uniqueId('seller_dlq');
    await onboardSeller(seller);
    await releasablePayIn(seller, '40.00');
    const payoutId = await underFaults(`the pay-out of ${seller}`, () => runPayoutOf(seller),
      async (id) => (await openIds('/admin/dlq/payouts', 'payout_id')).includes(id));

    const row = listRow(page, 'dlq-payouts', payoutId);
    await page.click('#refresh-now');
    await row.waitFor();
    await shot(page, 'payout-dead-lettered');

    const reason = 'Seller closed the bank account (browser test)';
    await page.locator(`#dlq-payouts-table button[data-action="resolve"][data-key="${payoutId}"]`).click();
    await page.locator('#resolve-dialog').waitFor({ state: 'visible' });
    assert.match(await page.locator('#resolve-what').textContent(), new RegExp(`Pay-out ${payoutId} fails`));
    await page.fill('#resolve-reason', reason);
    await page.click('#resolve-confirm');
    await page.locator('#resolve-dialog').waitFor({ state: 'hidden' });
    await result().filter({ hasText: `Resolved ${payoutId}` }).waitFor();
    assert.match(await result().textContent(), /dead letter is now resolved, pay-out (FAILED|REVERSING)/);
    await row.waitFor({ state: 'detached' });

    const resolved = (await admin('GET', '/admin/dlq/payouts?status=resolved&limit=1000', { expect: 200 })).json.data
      .find((e) => e.payout_id === payoutId);
    assert.equal(resolved?.resolution, reason);
    await shot(page, 'payout-resolved');
    page.assertNoScriptErrors();
  });
});
