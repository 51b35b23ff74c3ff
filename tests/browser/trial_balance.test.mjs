// The trial balance on the operator page: every ledger account per
// currency as GET /admin/ledger/trial_balance reports it, each currency
// summing to zero, the memo lines, and the CSV the page downloads with the
// admin key (a plain link could not send it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  admin, createCheckout, env, launchBrowser, logInAndWait, openPage, routeMissing, screenshots,
  uniqueId,
} from './harness.mjs';

const shot = screenshots('trial-balance');
const ROUTE = '/admin/ledger/trial_balance';
const CSV_COLUMNS = ['currency', 'account', 'debit', 'credit', 'balance'];

const lines = (text) => text.split(/\r?\n/).filter((line) => line !== '');

describe('trial balance', () => {
  let browser;
  let page;

  before(async () => {
    // Something in two currencies on the books, whatever ran before.
    const checkoutId = uniqueId('chk_tb');
    const po = checkoutId.replace(/^chk_/, 'po_');
    await createCheckout(checkoutId, [
      { id: `${po}_1`, amount: '12.34', currency: 'USD' },
      { id: `${po}_2`, amount: '500', currency: 'JPY' },
    ], { waitS: 10 });
    browser = await launchBrowser();
    page = await openPage(browser);
    await logInAndWait(page);
  });

  after(async () => {
    await browser?.close();
  });

  test("shows each currency's accounts as the API reports them, every currency summing to zero", async (t) => {
    if (await routeMissing(t, ROUTE)) return;
    await page.click('#refresh-now');
    const balance = (await admin('GET', ROUTE, { expect: 200 })).json;
    assert.ok(balance.currencies.length >= 2, JSON.stringify(balance));
    for (const currency of balance.currencies) {
      const sum = currency.accounts.reduce((total, a) => total + a.balance_minor, 0);
      assert.equal(sum, 0, `${currency.currency} accounts sum to ${sum}`);
      assert.equal(currency.total_minor, 0, `${currency.currency} total ${currency.total}`);

      const table = page.locator(`#trial-balance-${currency.currency}`);
      await table.locator(`tfoot td[data-total="${currency.total}"]`).waitFor();
      assert.equal(await table.locator('tr.not-zero').count(), 0);
      assert.equal(await table.locator('tbody tr').count(), currency.accounts.length);
      for (const account of currency.accounts) {
        const cells = await table.locator(`tbody tr[data-account="${account.account}"]`).locator('th, td').allTextContents();
        assert.deepEqual(cells, [account.account, account.debit, account.credit, account.balance]);
      }
    }
    const memo = balance.memo || [];
    assert.equal(await page.locator('#trial-balance-memo').isVisible(), memo.length > 0);
    if (memo.length) {
      assert.equal(await page.locator('#trial-balance-memo tbody tr').count(), memo.length);
      const first = await page.locator('#trial-balance-memo tbody tr').first().locator('td').allTextContents();
      assert.deepEqual(first, [memo[0].name, `${memo[0].amount} ${memo[0].currency}`, String(memo[0].orders)]);
    }
    await page.locator('#trial-balance-section').scrollIntoViewIfNeeded();
    await shot(page, 'balanced');
    page.assertNoScriptErrors();
  });

  test('downloads the trial balance as CSV with its header line', async (t) => {
    if (await routeMissing(t, ROUTE)) return;
    const direct = await fetch(`${env.paymentdUrl}${ROUTE}?format=csv`, {
      headers: { Authorization: `Bearer ${env.adminToken}` },
    });
    assert.equal(direct.status, 200);
    const expected = lines(await direct.text());

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#trial-balance-csv')]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const content = lines(readFileSync(await download.path(), 'utf8'));
    const header = content[0];
    assert.equal(header, expected[0]);
    const columns = header.split(',');
    for (const name of CSV_COLUMNS) assert.ok(columns.includes(name), `no ${name} column in "${header}"`);
    assert.ok(content.length > 1, 'the CSV has no account lines');
    // The file saved is the API's answer, byte for byte but line endings
    // (nothing else wrote to the ledger in between).
    assert.deepEqual(content, expected);
    assert.equal(await page.locator('#trial-balance-error').isVisible(), false);
    page.assertNoScriptErrors();
  });
});
