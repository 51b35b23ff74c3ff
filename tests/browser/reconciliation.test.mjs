// The reconciliation view: a day run from the page (pspsim's day, with three
// charges nobody made injected into its settlement), its run listed with
// its counts, the escalated exceptions listed a page at a time, one resolved
// with a reason (the API's own refusal shown under the field it names), and
// one resolved to see its money leave settlement_suspense in the trial
// balance.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, createCheckout, filterList, launchBrowser, listKeys, listRow, loadAll, logInAndWait,
  openPage, pspsim, pspsimDay, routeMissing, screenshots, uniqueId,
} from './harness.mjs';

const shot = screenshots('recon');
const RUN_TIMEOUT_MS = 60000;
const SUSPENSE = 'settlement_suspense';
const UNKNOWN_CHARGES = ['7.01', '7.02', '7.03'];

const exceptionsPath = (day) => `/admin/reconciliation/exceptions?status=open&route=escalated&date=${day}&limit=1000`;
const rowsOf = (body) => body.data || body.exceptions || body.runs || [];

function suspenseMinor(balance, currency) {
  const cur = balance.currencies.find((c) => c.currency === currency);
  const account = cur && cur.accounts.find((a) => a.account === SUSPENSE);
  return account ? account.balance_minor : 0;
}

describe('reconciliation view', () => {
  let browser;
  let page;
  let day;
  let injected;
  let mine = [];

  before(async () => {
    day = await pspsimDay();
    // A day with a real charge of ours too, so that the run matches something.
    const checkoutId = uniqueId('chk_recon');
    await createCheckout(checkoutId, [{ id: checkoutId.replace(/^chk_/, 'po_'), amount: '12.34' }], { waitS: 10 });
    injected = [];
    for (const amount of UNKNOWN_CHARGES) {
      injected.push((await pspsim('POST', '/sim/settlement_discrepancies', {
        body: { date: day, kind: 'unknown_charge', amount, currency: 'USD' }, expect: 200,
      })).json);
    }
    browser = await launchBrowser();
    page = await openPage(browser);
    await logInAndWait(page);
  });

  after(async () => {
    await browser?.close();
    // Leaves a developer's long-lived stack without open exceptions of ours.
    for (const exception of mine) {
      await admin('POST', `/admin/reconciliation/exceptions/${exception.id}/resolve`, { body: { reason: 'browser test clean-up' } });
    }
  });

  const exceptionButton = (id) => page.locator(`#recon-exceptions-table button[data-action="resolve"][data-key="${id}"]`);

  test('runs a day from the page and lists the run with its counts', async () => {
    await page.fill('#recon-run-date', day);
    await page.click('#recon-run-button');
    await page.locator('#recon-run-status').filter({ hasText: `Reconciled ${day}` })
      .waitFor({ timeout: RUN_TIMEOUT_MS });

    const runs = rowsOf((await admin('GET', `/admin/reconciliation/runs?date=${day}&limit=1`, { expect: 200 })).json);
    const run = runs[0];
    assert.equal(run.status, 'completed');
    assert.ok(run.report.new_exceptions >= UNKNOWN_CHARGES.length, JSON.stringify(run.report));
    assert.match(await page.locator('#recon-run-status').textContent(), new RegExp(`run ${run.run_id}, ${run.report.lines} lines`));

    const row = listRow(page, 'recon-runs', String(run.run_id));
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    assert.deepEqual(cells.slice(0, 9), [
      String(run.run_id), day, 'completed', String(run.report.lines), String(run.report.matched),
      String(run.report.auto_corrected), String(run.report.queued), String(run.report.escalated),
      String(run.report.new_exceptions),
    ]);
    // Newest first.
    assert.equal((await listKeys(page, 'recon-runs'))[0], String(run.run_id));
    await shot(page, 'run');
    page.assertNoScriptErrors();
  });

  test("lists the day's open escalated exceptions a page at a time, both sides shown", async () => {
    const listed = rowsOf((await admin('GET', exceptionsPath(day), { expect: 200 })).json);
    const references = new Set(injected.map((d) => d.reference));
    mine = listed.filter((e) => references.has(e.psp_reference));
    assert.equal(mine.length, UNKNOWN_CHARGES.length, `exceptions of ${[...references].join(', ')}: ${JSON.stringify(listed)}`);

    await filterList(page, 'recon-exceptions', { filters: { status: 'open', route: 'escalated', date: day }, limit: 2 });
    assert.equal((await listKeys(page, 'recon-exceptions')).length, 2);
    assert.equal(await page.locator('#recon-exceptions-more').isVisible(), true);
    await shot(page, 'exceptions-first-page');
    await loadAll(page, 'recon-exceptions', { max: Math.ceil(listed.length / 2) + 1 });
    assert.deepEqual(await listKeys(page, 'recon-exceptions'), listed.map((e) => String(e.id)));

    const amountOf = new Map(injected.map((d, i) => [d.reference, UNKNOWN_CHARGES[i]]));
    for (const exception of mine) {
      const cells = await listRow(page, 'recon-exceptions', String(exception.id)).locator('td').allTextContents();
      assert.equal(cells[1], day);
      assert.equal(cells[2], 'unknown_chargeescalated');
      assert.equal(cells[3], exception.psp_reference);
      assert.match(cells[5], new RegExp(`^${amountOf.get(exception.psp_reference).replace('.', '\\.')} USD`));
      if (exception.settlement_suspense) {
        // The charge nobody made was credited to suspense: its whole amount.
        assert.equal(exception.settlement_suspense.amount_minor, -exception.theirs.gross_minor);
        assert.equal(cells[6], `${exception.settlement_suspense.amount} USD (credit)`);
      }
      assert.match(cells[8], /open/);
      // The button fits the 1280 px wide window without scrolling the table.
      const box = await exceptionButton(exception.id).boundingBox();
      assert.ok(box && box.x + box.width <= 1280, `Resolve… of ${exception.id} is off-screen at x=${box?.x}`);
    }
    await shot(page, 'exceptions-all');
    page.assertNoScriptErrors();
  });

  test("resolve asks for a reason, shows the API's refusal under the field it names, and closes the exception", async () => {
    const exception = mine[0];
    const dialog = page.locator('#settle-dialog');
    await exceptionButton(exception.id).click();
    await dialog.waitFor({ state: 'visible' });
    assert.match(await page.locator('#settle-what').textContent(), new RegExp(`Exception ${exception.id}, unknown_charge`));

    await page.click('#settle-confirm');
    await page.locator('#settle-reason-error').filter({ hasText: 'Give a reason' }).waitFor();
    await shot(page, 'resolve-needs-reason');

    // Longer than the API takes: typing stops at the textarea's 1000
    // characters, a value set by script does not, so the API says no.
    await page.locator('#settle-reason').evaluate((node) => { node.value = 'x'.repeat(1001); });
    await page.click('#settle-confirm');
    const reasonError = page.locator('#settle-reason-error');
    await reasonError.filter({ hasText: '400 parameter_missing' }).waitFor();
    assert.match(await reasonError.textContent(), /\(param reason\)/);
    assert.equal(await page.locator('#settle-reason').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#settle-error').isVisible(), false);
    assert.equal(await dialog.isVisible(), true);
    await shot(page, 'resolve-refused-by-api');

    const reason = 'Charge of a test shop sharing the account (browser test)';
    await page.fill('#settle-reason', reason);
    assert.equal(await reasonError.isVisible(), false);
    await page.click('#settle-confirm');
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('#action-result').filter({ hasText: `Resolved exception ${exception.id}` }).waitFor();
    assert.equal(await page.locator('#action-result').getAttribute('class'), 'action-result ok');
    await listRow(page, 'recon-exceptions', String(exception.id)).waitFor({ state: 'detached' });
    await shot(page, 'resolved');

    const resolved = rowsOf((await admin('GET', `/admin/reconciliation/exceptions?status=resolved&date=${day}&limit=1000`, { expect: 200 })).json)
      .find((e) => e.id === exception.id);
    assert.equal(resolved?.status, 'resolved');
    assert.equal(resolved.resolution, reason);
    page.assertNoScriptErrors();
  });

  test('resolving books the money out of suspense: the journal transaction is shown and the trial balance moves', async (t) => {
    if (await routeMissing(t, '/admin/ledger/trial_balance')) return;
    const exception = mine[1];
    const before = (await admin('GET', '/admin/ledger/trial_balance', { expect: 200 })).json;

    await exceptionButton(exception.id).click();
    await page.fill('#settle-reason', 'Refunded to the card holder outside the platform (browser test)');
    // An account this kind of exception may not book to: the API names the
    // field, the page shows its answer under it and keeps the dialog open.
    await page.fill('#settle-account', 'no_such_account');
    await page.click('#settle-confirm');
    const accountError = page.locator('#settle-account-error');
    await accountError.filter({ hasText: '(param account)' }).waitFor();
    assert.equal(await page.locator('#settle-account').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#settle-reason-error').isVisible(), false);
    await shot(page, 'resolve-account-refused');

    await page.fill('#settle-account', '');
    await page.click('#settle-confirm');
    await page.locator('#settle-dialog').waitFor({ state: 'hidden' });
    const result = page.locator('#recon-exceptions-result');
    await result.filter({ hasText: `Exception ${exception.id} resolved` }).waitFor();
    const resolved = rowsOf((await admin('GET', `/admin/reconciliation/exceptions?status=resolved&date=${day}&limit=1000`, { expect: 200 })).json)
      .find((e) => e.id === exception.id);
    const correction = resolved.correction;
    assert.ok(correction, `resolved without a correction: ${JSON.stringify(resolved)}`);
    const shown = (field) => result.locator(`dd[data-field="${field}"]`).textContent();
    assert.equal(await shown('transaction'), String(correction.transaction_id));
    assert.equal(Math.abs(correction.amount_minor), exception.theirs.gross_minor);
    assert.equal(await shown('amount'), `${correction.amount} USD (${correction.amount_minor < 0 ? 'credit' : 'debit'})`);
    const account = await shown('account');
    assert.equal(account, correction.account);

    const after = (await admin('GET', '/admin/ledger/trial_balance', { expect: 200 })).json;
    assert.equal(suspenseMinor(after, 'USD') - suspenseMinor(before, 'USD'), exception.theirs.gross_minor,
      `${SUSPENSE} USD went from ${suspenseMinor(before, 'USD')} to ${suspenseMinor(after, 'USD')}`);
    const usd = after.currencies.find((c) => c.currency === 'USD');
    assert.equal(usd.total_minor, 0);
    assert.ok(usd.accounts.some((a) => a.account === account), `the target account ${account} is not in the trial balance`);

    const suspense = usd.accounts.find((a) => a.account === SUSPENSE);
    await page.click('#refresh-now');
    await page.locator(`#trial-balance-USD tr[data-account="${SUSPENSE}"] td[data-balance="${suspense.balance}"]`).waitFor();
    assert.equal(await page.locator('#trial-balance-USD tr.not-zero').count(), 0);
    await page.locator('#trial-balance-section').scrollIntoViewIfNeeded();
    await shot(page, 'suspense-cleared');
    page.assertNoScriptErrors();
  });
});
