// The dead-letter queue on the page: requeue, resolve with a reason, and an
// action the API refuses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, eventually, getOrder, launchBrowser, logInAndWait, makeDeadLetters, openPage,
  pspsim, resolveLeftovers, screenshots,
} from './harness.mjs';

const shot = screenshots('dlq');

describe('dead-letter queue', () => {
  let browser;
  let page;
  let made;
  let requeued;
  let resolved;
  let refused;

  before(async () => {
    made = await makeDeadLetters('dlq', 3);
    [requeued, resolved, refused] = made.ids;
    browser = await launchBrowser();
    page = await openPage(browser);
    await logInAndWait(page);
    for (const id of made.ids) await row(id).waitFor();
    await shot(page, 'open-entries');
  });

  after(async () => {
    await browser?.close();
    if (made) await resolveLeftovers(made.ids);
  });

  const row = (id) => page.locator(`#dlq-table tbody tr[data-key="${id}"]`);
  const button = (action, id) => page.locator(`#dlq-table button[data-action="${action}"][data-key="${id}"]`);
  const result = () => page.locator('#action-result');

  test('lists each open entry with its reason and order status, actions in view', async () => {
    for (const id of made.ids) {
      const text = await row(id).textContent();
      assert.match(text, /retry_budget_exhausted/);
      assert.match(text, /psp_http_500/);
      assert.match(text, /EXECUTING/);
      // Both buttons fit the 1280 px wide window without scrolling the table.
      for (const action of ['requeue', 'resolve']) {
        const box = await button(action, id).boundingBox();
        assert.ok(box && box.x + box.width <= 1280, `${action} of ${id} is off-screen at x=${box?.x}`);
      }
    }
    page.assertNoScriptErrors();
  });

  test('requeue from the page charges the order again, which then succeeds', async () => {
    const charged = (await pspsim('GET', '/sim/idempotency_keys', { expect: 200 })).json;
    assert.ok(!charged[requeued], `${requeued} was charged before the requeue`);

    await button('requeue', requeued).click();
    await result().filter({ hasText: `Requeued ${requeued}` }).waitFor();
    assert.match(await result().textContent(), /dead letter is now requeued/);
    assert.equal(await result().getAttribute('class'), 'action-result ok');
    await shot(page, 'requeued');

    const order = await eventually(`${requeued} to succeed`, async () => {
      const o = await getOrder(requeued);
      return o.status === 'SUCCESS' && o;
    });
    assert.equal(order.dead_lettered, false);
    assert.equal((await pspsim('GET', '/sim/idempotency_keys', { expect: 200 })).json[requeued], 1);

    await row(requeued).waitFor({ state: 'detached' });
    await page.fill('#order-search', requeued);
    await page.click('#order-search-button');
    await page.locator('#order-row dd[data-field="status"]').filter({ hasText: 'SUCCESS' }).waitFor();
    const timeline = await page.locator('#timeline tbody tr').allTextContents();
    assert.ok(timeline.some((r) => r.includes('→ SUCCESS')), `no transition to SUCCESS in ${timeline.join(' | ')}`);
    await shot(page, 'requeued-order-succeeded');
    page.assertNoScriptErrors();
  });

  test('resolve asks for a reason and closes the order as FAILED with it', async () => {
    const reason = 'PSP shows no charge (browser test)';
    await button('resolve', resolved).click();
    const dialog = page.locator('#resolve-dialog');
    await dialog.waitFor({ state: 'visible' });
    assert.match(await page.locator('#resolve-what').textContent(), new RegExp(resolved));

    await page.click('#resolve-confirm');
    await page.locator('#resolve-error').filter({ hasText: 'Give a reason' }).waitFor();
    assert.equal(await dialog.isVisible(), true);
    await shot(page, 'resolve-needs-reason');

    await page.fill('#resolve-reason', reason);
    await shot(page, 'resolve-reason');
    await page.click('#resolve-confirm');
    await dialog.waitFor({ state: 'hidden' });
    await result().filter({ hasText: `Resolved ${resolved}` }).waitFor();
    assert.match(await result().textContent(), /dead letter is now resolved, order FAILED/);
    await row(resolved).waitFor({ state: 'detached' });
    await shot(page, 'resolved');

    const order = await getOrder(resolved);
    assert.equal(order.status, 'FAILED');
    assert.equal(order.failure_code, 'operator_resolved');
    assert.equal(order.failure_message, reason);
    const entries = (await admin('GET', '/admin/dlq?status=resolved&limit=1000', { expect: 200 })).json.data;
    assert.equal(entries.find((e) => e.payment_order_id === resolved)?.resolution, reason);
    page.assertNoScriptErrors();
  });

  test('an action the API refuses shows its error and changes nothing', async () => {
    // Stop refreshing so the row stays on screen after it changed elsewhere.
    await page.uncheck('#auto-refresh');
    await admin('POST', `/admin/dlq/${refused}/resolve`, { body: { reason: 'closed elsewhere' }, expect: 200 });

    await button('requeue', refused).click();
    await result().filter({ hasText: `Requeue of ${refused} failed` }).waitFor();
    assert.match(await result().textContent(), /409 dead_letter_not_open/);
    assert.equal(await result().getAttribute('class'), 'action-result failed');
    await shot(page, 'requeue-refused');

    const order = await getOrder(refused);
    assert.equal(order.status, 'FAILED');
    assert.equal(order.failure_message, 'closed elsewhere');
    await row(refused).waitFor({ state: 'detached' }); // the action refreshed the table
    await page.check('#auto-refresh');
    page.assertNoScriptErrors();
  });
});
