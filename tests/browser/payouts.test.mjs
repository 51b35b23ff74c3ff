// The pay-outs view: one seller paid out twice, the whole way (onboarded,
// paid in, fulfilled, settled by reconciliation, pay-out run), listed newest
// first one page at a time with "Load more", and one pay-out's detail with
// its history. Each pay-in is aged past the suite's hold in the scratch
// database (releasablePayIn in harness.mjs), so DATABASE_URL is needed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, databaseUrl, eventually, filterList, launchBrowser, listKeys, listRow, loadAll,
  logInAndWait, onboardSeller, openPage, releasablePayIn, runPayoutOf, screenshots, uniqueId,
} from './harness.mjs';

const shot = screenshots('payouts');
const FINAL_PAYOUT = new Set(['PAID', 'FAILED']);

// One pay-in of `amount` USD to `seller`, paid out; returns the pay-out's
// id once it is final.
async function payOut(seller, amount) {
  await releasablePayIn(seller, amount);
  const id = await runPayoutOf(seller);
  await eventually(`pay-out ${id} to be final`, async () => {
    const { json } = await admin('GET', `/admin/payouts/${id}`, { expect: 200 });
    return FINAL_PAYOUT.has(json.status);
  });
  return id;
}

describe('pay-outs view', () => {
  let browser;
  let page;
  const seller = uniqueId('seller_payouts');
  let older;
  let newer;
  const cursorRequests = [];

  before(async () => {
    if (!databaseUrl) return;
    await onboardSeller(seller);
    older = await payOut(seller, '20.00');
    newer = await payOut(seller, '30.00');
    browser = await launchBrowser();
    page = await openPage(browser);
    page.on('request', (r) => {
      if (r.url().includes('/admin/payouts?') && r.url().includes('cursor=')) cursorRequests.push(r.url());
    });
    await logInAndWait(page);
  });

  after(async () => {
    await browser?.close();
  });

  test("lists a seller's pay-outs newest first, one page at a time", async (t) => {
    if (!databaseUrl) {
      t.skip('DATABASE_URL is not set: no way to age a pay-in past the hold');
      return;
    }
    await filterList(page, 'payouts', { filters: { seller_account: seller }, limit: 1 });
    assert.deepEqual(await listKeys(page, 'payouts'), [newer]);
    assert.equal(await page.locator('#payouts-more').isVisible(), true, 'one of two shown, yet no "Load more"');
    await shot(page, 'first-page');

    assert.ok(await loadAll(page, 'payouts') >= 1);
    assert.deepEqual(await listKeys(page, 'payouts'), [newer, older]);
    assert.match(await page.locator('#payouts-info').textContent(), /2 shown, all loaded/);

    const listed = (await admin('GET', `/admin/payouts?seller_account=${seller}`, { expect: 200 })).json.data;
    for (const payout of listed) {
      const cells = await listRow(page, 'payouts', payout.id).locator('td').allTextContents();
      assert.equal(cells[0], payout.id);
      assert.equal(cells[1], payout.status);
      assert.equal(cells[2], seller);
      assert.equal(cells[3], `${payout.amount} USD`);
      assert.match(cells[5], / ago$/);
    }
    assert.deepEqual(listed.map((p) => p.amount), ['30.00', '20.00']);

    // With a cursor in the answer, the second page was asked for by it.
    const page1 = (await admin('GET', `/admin/payouts?seller_account=${seller}&limit=1`, { expect: 200 })).json;
    if (typeof page1.has_more === 'boolean') {
      assert.equal(page1.has_more, true);
      assert.ok(cursorRequests.length > 0, 'the list has a cursor, yet "Load more" did not send it');
    } else {
      t.diagnostic('GET /admin/payouts has no cursor yet: "Load more" asked for more rows at once');
    }
    await shot(page, 'all-loaded');
    page.assertNoScriptErrors();
  });

  test("a pay-out's detail shows its accounts, amount and history", async (t) => {
    if (!databaseUrl) {
      t.skip('DATABASE_URL is not set: no pay-outs were made');
      return;
    }
    const payout = (await admin('GET', `/admin/payouts/${older}`, { expect: 200 })).json;
    await page.locator(`#payouts-table button[data-payout-link="${older}"]`).click();
    await page.locator('#payout-detail').waitFor();
    await page.locator('#payout-history tbody tr').first().waitFor();
    assert.match(await page.locator('#payout-title').textContent(), new RegExp(`${older}.*${payout.status}`));
    const field = (name) => page.locator(`#payout-fields dd[data-field="${name}"]`).textContent();
    assert.equal(await field('seller_account'), seller);
    assert.equal(await field('amount'), '20.00 USD');
    assert.equal(await field('stripe_account'), payout.stripe_account);
    assert.equal(await page.locator('#payout-history tbody tr').count(), payout.history.length);
    const transitions = await page.locator('#payout-history tbody tr').allTextContents();
    assert.ok(transitions.some((row) => row.includes(`→ ${payout.status}`)), transitions.join(' | '));
    await shot(page, 'detail');

    await page.click('#payout-close');
    await page.locator('#payout-detail').waitFor({ state: 'hidden' });
    page.assertNoScriptErrors();
  });
});
