// The refunds view (GET /admin/refunds: {data, has_more, next_cursor},
// newest first, optional status): three partial refunds of one order,
// listed two to a page with "Load more", each with its order, amount,
// status and reason, and the status filter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, createCheckout, eventually, filterList, getOrder, launchBrowser, listKeys, listRow,
  logInAndWait, openPage, routeMissing, screenshots, uniqueId,
} from './harness.mjs';

const shot = screenshots('refunds');
const REFUNDS = [
  { amount: '5.00', reason: 'damaged' },
  { amount: '6.00', reason: 'arrived late' },
  { amount: '7.00', reason: 'wrong size' },
];

async function refund(orderId, { amount, reason }, key) {
  const { status, json } = await admin('POST', '/v1/refunds', {
    headers: { 'Idempotency-Key': key, Prefer: 'wait=5' },
    body: { payment_order_id: orderId, amount, reason },
  });
  assert.equal(status, 201, `refund of ${orderId}: ${status} ${JSON.stringify(json)}`);
  return json.id;
}

describe('refunds view', () => {
  let browser;
  let page;
  let orderId;
  // Oldest first, as made.
  const made = [];
  const cursorRequests = [];

  before(async () => {
    const checkoutId = uniqueId('chk_refunds');
    orderId = checkoutId.replace(/^chk_/, 'po_');
    await createCheckout(checkoutId, [{ id: orderId, amount: '30.00' }], { waitS: 10 });
    await eventually(`${orderId} to be booked`, async () => (await getOrder(orderId)).ledger_updated);
    for (const [i, r] of REFUNDS.entries()) made.push(await refund(orderId, r, `${checkoutId}_refund_${i}`));
    browser = await launchBrowser();
    page = await openPage(browser);
    page.on('request', (r) => {
      if (r.url().includes('/admin/refunds?') && r.url().includes('cursor=')) cursorRequests.push(r.url());
    });
    await logInAndWait(page);
  });

  after(async () => {
    await browser?.close();
  });

  test('lists refunds newest first, two to a page, each with its order, amount, status and reason', async (t) => {
    if (await routeMissing(t, '/admin/refunds?limit=1')) return;
    const listed = (await admin('GET', '/admin/refunds?limit=3', { expect: 200 })).json;
    assert.deepEqual(listed.data.map((r) => r.id), [...made].reverse(), 'newest first');
    assert.equal(typeof listed.has_more, 'boolean');

    await filterList(page, 'refunds', { filters: { status: '' }, limit: 2 });
    assert.deepEqual(await listKeys(page, 'refunds'), [made[2], made[1]]);
    assert.equal(await page.locator('#refunds-more').isVisible(), true);
    await shot(page, 'first-page');

    await page.click('#refunds-more');
    await listRow(page, 'refunds', made[0]).waitFor();
    assert.deepEqual((await listKeys(page, 'refunds')).slice(0, 3), [made[2], made[1], made[0]]);
    assert.ok(cursorRequests.length > 0, '"Load more" did not send the cursor');
    await shot(page, 'second-page');

    for (const [i, id] of made.entries()) {
      const api = listed.data.find((r) => r.id === id);
      const cells = await listRow(page, 'refunds', id).locator('td').allTextContents();
      assert.equal(cells[0], id);
      assert.equal(cells[1], orderId);
      assert.equal(cells[2], `${REFUNDS[i].amount} USD`);
      assert.equal(cells[3], api.status);
      assert.equal(cells[4], REFUNDS[i].reason);
      assert.match(cells[5], / ago$/);
    }
    page.assertNoScriptErrors();
  });

  test('the status filter lists only refunds in that status', async (t) => {
    if (await routeMissing(t, '/admin/refunds?limit=1')) return;
    const status = (await admin('GET', '/admin/refunds?limit=1', { expect: 200 })).json.data[0].status;
    await filterList(page, 'refunds', { filters: { status }, limit: 50 });
    const statuses = await page.locator('#refunds-table tbody tr[data-key] td:nth-child(4)').allTextContents();
    assert.ok(statuses.length > 0);
    assert.deepEqual([...new Set(statuses)], [status]);

    const other = status === 'FAILED' ? 'PENDING' : 'FAILED';
    await filterList(page, 'refunds', { filters: { status: other }, limit: 50 });
    const keys = await listKeys(page, 'refunds');
    for (const id of made) {
      const api = (await admin('GET', `/v1/refunds/${id}`, { expect: 200 })).json;
      assert.equal(keys.includes(id), api.status === other, `${id} is ${api.status}`);
    }
    await shot(page, `status-${other}`);
    page.assertNoScriptErrors();
  });
});
