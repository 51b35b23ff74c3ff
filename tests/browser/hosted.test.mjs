// The hosted payment page end to end: a hosted checkout created over the API,
// the buyer's card typed into pspsim's page (3-D Secure answered on its
// challenge page), the redirect back to paymentd's status page, and the
// outcome checked in the page, in paymentd's API and in pspsim's charges.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chargesFor, createHostedCheckout, env, eventually, getCheckoutSession, getOrder,
  launchBrowser, openPage, paymentd, pspsim, screenshots, statusPageUrl, uniqueId,
} from './harness.mjs';

// The status page refreshes every 2 s; paymentd hears of the outcome from
// pspsim's webhook at once, or from its own poll within a few seconds.
const FINAL_STATUS_TIMEOUT_MS = 30000;
const AMOUNT = '12.34';
const AMOUNT_MINOR = 1234;

function nextYearExpiry() {
  const yy = String((new Date().getFullYear() + 1) % 100).padStart(2, '0');
  return `12/${yy}`;
}

// Cards the buyer pays with at once. The success URL names the session only
// (Stripe's {CHECKOUT_SESSION_ID}); paymentd's status page tells the rest.
const PAID_CASES = [
  {
    slug: 'success', card: '4242 4242 4242 4242',
    title: 'card 4242 4242 4242 4242 is charged once and the order succeeds',
  },
  {
    slug: '3ds-complete', card: '4000 0027 6000 3184', challenge: 'complete',
    title: '3-D Secure card whose challenge the buyer completes is charged once and succeeds',
  },
];

// Cards that fail: as on Stripe's page the session stays open, the form is
// shown again with the reason and the order stays PENDING. Then the buyer
// either pays with another card, or gives up (the cancel link) and the
// session expires after 24 hours, which fails the order as `expired`.
const FAILED_CASES = [
  {
    slug: 'decline', card: '4000 0000 0000 0002', code: 'generic_decline', then: 'another-card',
    title: 'card 4000 0000 0000 0002 is declined (generic_decline): the session stays open and another card pays it once',
  },
  {
    slug: 'insufficient-funds', card: '4000 0000 0000 9995', code: 'insufficient_funds', then: 'expire',
    title: 'card 4000 0000 0000 9995 has insufficient funds: the buyer cancels, the session expires, FAILED expired, nothing charged',
  },
  {
    slug: '3ds-fail', card: '4000 0027 6000 3184', challenge: 'fail',
    code: 'payment_intent_authentication_failure', then: 'another-card',
    title: '3-D Secure card whose challenge fails: nothing charged, the session stays open and another card pays it once',
  },
];

// The session's 24 hours, on pspsim's simulated clock.
const SESSION_EXPIRY_S = 86400;

// A one-order hosted checkout; checks the registration paymentd answers.
async function newHostedOrder(prefix) {
  const checkoutId = uniqueId(`chk_${prefix}`);
  const orderId = checkoutId.replace(/^chk_/, 'po_');
  const created = await createHostedCheckout(checkoutId, [{ id: orderId, amount: AMOUNT }]);
  assert.equal(created.payment_orders.length, 1);
  const order = created.payment_orders[0];
  assert.equal(order.status, 'PENDING');
  assert.match(order.psp_session_id, /^cs_/);
  assert.equal(order.redirect_url, `${env.pspsimUrl}/pay/${order.psp_session_id}`);
  return { checkoutId, orderId, sessionId: order.psp_session_id, redirectUrl: order.redirect_url };
}

async function fillCardForm(page, card) {
  await page.fill('#card-number', card);
  await page.fill('#card-expiry', nextYearExpiry());
  await page.fill('#card-cvc', '123');
  await page.fill('#card-name', 'Ada Lovelace');
}

const isStatusPageOf = (checkoutId) => (url) => url.href.startsWith(`${statusPageUrl(checkoutId)}?`);

// Pays the filled form, answers the 3-D Secure challenge if asked, and
// follows pspsim's redirect to the status page.
async function payAndReturn(page, order, { challenge }, shot) {
  if (challenge) {
    await Promise.all([page.waitForURL(`${order.redirectUrl}/challenge`), page.click('#pay-button')]);
    await page.locator('#challenge-complete').waitFor();
    await page.locator('#challenge-fail').waitFor();
    await shot(page, 'challenge');
    await Promise.all([
      page.waitForURL(isStatusPageOf(order.checkoutId)), page.click(`#challenge-${challenge}`),
    ]);
  } else {
    await Promise.all([page.waitForURL(isStatusPageOf(order.checkoutId)), page.click('#pay-button')]);
  }
}

// Pays the filled form with a card that fails (declined, or the 3-D Secure
// challenge failed): the buyer is back on the form with the reason.
async function payAndFail(page, order, { challenge, code }, shot) {
  if (challenge) {
    await Promise.all([page.waitForURL(`${order.redirectUrl}/challenge`), page.click('#pay-button')]);
    await page.locator(`#challenge-${challenge}`).waitFor();
    await shot(page, 'challenge');
    await Promise.all([page.waitForURL(order.redirectUrl), page.click(`#challenge-${challenge}`)]);
  } else {
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === order.redirectUrl),
      page.click('#pay-button'),
    ]);
    assert.equal(answer.status(), 402);
    await page.waitForLoadState();
  }
  await page.locator('#error')
    .filter({ hasText: `The payment failed (${code}). Try another card.` }).waitFor();
  await page.locator('#card-number').waitFor();
}

// Waits, through the page's own refreshes, for the checkout's final status.
async function waitForStatus(page, checkoutStatus) {
  await page.locator('#checkout-status')
    .filter({ hasText: new RegExp(`^\\s*${checkoutStatus}\\s*$`) })
    .waitFor({ timeout: FINAL_STATUS_TIMEOUT_MS });
}

async function statusJson(checkoutId, how) {
  const query = how === 'query' ? '?format=json' : '';
  const headers = how === 'accept' ? { Accept: 'application/json' } : {};
  return (await paymentd('GET', `/pay/status/${checkoutId}${query}`, { headers, expect: 200 })).json;
}

// The final outcome, as the status page (already showing it), paymentd's API
// and pspsim's charges tell it.
async function expectFinal(page, order, { checkoutStatus, orderStatus, failureCode }) {
  const row = page.locator(`#orders tr[data-payment-order-id="${order.orderId}"]`);
  assert.equal((await row.locator('.status').textContent()).trim(), orderStatus);
  assert.equal((await row.locator('.reason').textContent()).trim(), failureCode || '');
  assert.equal(await page.locator('meta[http-equiv="refresh"]').count(), 0,
    'a final status page must stop refreshing itself');

  const api = await getOrder(order.orderId);
  assert.equal(api.status, orderStatus);
  assert.equal(api.failure_code, failureCode);
  const json = await statusJson(order.checkoutId, 'query');
  assert.equal(json.object, 'checkout_status');
  assert.equal(json.status, checkoutStatus);
  assert.deepEqual(json.payment_orders, [{
    payment_order_id: order.orderId, amount: AMOUNT, currency: 'USD',
    status: orderStatus, failure_code: failureCode,
  }]);
  assert.deepEqual(await statusJson(order.checkoutId, 'accept'), json);

  const charges = await chargesFor(order.orderId);
  if (orderStatus === 'SUCCESS') {
    assert.equal(charges.length, 1, `charges of ${order.orderId}: ${JSON.stringify(charges)}`);
    assert.equal(charges[0].amount, AMOUNT_MINOR);
    assert.equal(charges[0].currency, 'usd');
    await eventually(`${order.orderId} to credit the seller`,
      async () => (await getOrder(order.orderId)).wallet_updated);
  } else {
    assert.deepEqual(charges, []);
    assert.equal(api.wallet_updated, false);
  }
}

// After a payment: the buyer is back on the status page, sent to the
// success URL with the session's id, and the order succeeded.
async function expectPaid(page, order, shot, cardNumber) {
  await shot(page, 'returned');
  const back = new URL(page.url());
  assert.deepEqual([...back.searchParams.keys()], ['session_id']);
  assert.equal(back.searchParams.get('session_id'), order.sessionId);
  await waitForStatus(page, 'succeeded');
  await expectFinal(page, order, { checkoutStatus: 'succeeded', orderStatus: 'SUCCESS', failureCode: null });
  await shot(page, 'status-page');

  // The paid session's page now shows the result, never the form again.
  await page.goto(order.redirectUrl);
  const result = (await page.locator('#result').textContent()).trim();
  assert.equal(result, 'Payment succeeded');
  assert.equal(await page.locator('#card-number').count(), 0);
  assert.ok(!(await page.content()).includes(cardNumber.replace(/ /g, '')), 'the result page shows the card number');
  await shot(page, 'result');
  await Promise.all([page.waitForURL(isStatusPageOf(order.checkoutId)), page.click('#return-link')]);
  assert.equal(new URL(page.url()).searchParams.get('session_id'), order.sessionId);
  await waitForStatus(page, 'succeeded');
}

describe('hosted payment page', () => {
  let browser;

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  for (const c of PAID_CASES) {
    test(c.title, async () => {
      const shot = screenshots(`hosted-${c.slug}`);
      const order = await newHostedOrder(`hosted_${c.slug.replace(/-/g, '_')}`);
      const page = await openPage(browser);
      try {
        await page.goto(order.redirectUrl);
        await fillCardForm(page, c.card);
        await shot(page, 'form-filled');
        await payAndReturn(page, order, c, shot);
        await expectPaid(page, order, shot, c.card);
        page.assertNoScriptErrors();
      } finally {
        await page.context().close();
      }
    });
  }

  for (const c of FAILED_CASES) {
    test(c.title, async () => {
      const shot = screenshots(`hosted-${c.slug}`);
      const order = await newHostedOrder(`hosted_${c.slug.replace(/-/g, '_')}`);
      const page = await openPage(browser);
      try {
        await page.goto(order.redirectUrl);
        await fillCardForm(page, c.card);
        await shot(page, 'form-filled');
        await payAndFail(page, order, c, shot);
        assert.ok(!(await page.content()).includes(c.card.replace(/ /g, '')), 'pspsim echoed the card number');
        await shot(page, 'failed-on-form');

        // Nothing charged, nothing final: the session waits for another card.
        assert.deepEqual(await chargesFor(order.orderId), []);
        assert.equal((await getCheckoutSession(order.sessionId)).status, 'open');
        const pending = await getOrder(order.orderId);
        assert.equal(pending.status, 'PENDING');
        assert.equal(pending.failure_code, null);

        if (c.then === 'another-card') {
          await fillCardForm(page, '4242 4242 4242 4242');
          await payAndReturn(page, order, {}, shot);
          await expectPaid(page, order, shot, '4242 4242 4242 4242');
        } else {
          // The buyer gives up: the cancel link leads back to the status
          // page, which waits (the session is still open at the PSP).
          await Promise.all([page.waitForURL(isStatusPageOf(order.checkoutId)), page.click('#cancel-link')]);
          assert.equal(new URL(page.url()).searchParams.get('cancelled'), 'true');
          await waitForStatus(page, 'processing');
          await shot(page, 'cancelled');
          assert.equal((await getOrder(order.orderId)).status, 'PENDING');

          // A day later nobody has paid: the session expires, and the
          // order with it (checkout.session.expired), as expired.
          await pspsim('POST', `/sim/clock/advance?seconds=${SESSION_EXPIRY_S}`, { expect: 200 });
          await waitForStatus(page, 'failed');
          await expectFinal(page, order, { checkoutStatus: 'failed', orderStatus: 'FAILED', failureCode: 'expired' });
          await shot(page, 'expired');
          assert.equal((await getCheckoutSession(order.sessionId)).status, 'expired');

          // The expired session's page takes no card, only the way back.
          const gone = await page.goto(order.redirectUrl);
          assert.equal(gone.status(), 410);
          assert.equal((await page.locator('#result').textContent()).trim(), 'This payment page has expired');
          assert.equal(await page.locator('#card-number').count(), 0);
          await shot(page, 'session-expired');
          await Promise.all([page.waitForURL(isStatusPageOf(order.checkoutId)), page.click('#cancel-link')]);
          await waitForStatus(page, 'failed');
        }
        page.assertNoScriptErrors();
      } finally {
        await page.context().close();
      }
    });
  }

  test('a Luhn-invalid card number is refused by the page and by pspsim; nothing is charged', async () => {
    const shot = screenshots('hosted-luhn-invalid');
    const order = await newHostedOrder('hosted_luhn');
    const invalid = '4242 4242 4242 4241';
    const page = await openPage(browser);
    try {
      const posts = [];
      page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
      await page.goto(order.redirectUrl);
      await fillCardForm(page, invalid);
      await shot(page, 'form-filled');

      // The page's own check: a message, and the form is never sent.
      await page.click('#pay-button');
      await page.locator('#error').filter({ hasText: 'Your card number is invalid.' }).waitFor();
      assert.equal(page.url(), order.redirectUrl);
      assert.deepEqual(posts, []);
      await shot(page, 'refused-in-page');

      // form.submit() skips the page's submit handler: pspsim checks again.
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url() === order.redirectUrl),
        page.evaluate(() => document.getElementById('pay-form').submit()),
      ]);
      assert.equal(answer.status(), 400);
      await page.waitForLoadState();
      assert.match(await page.locator('#error').textContent(), /card number/i);
      await page.locator('#card-number').waitFor();
      const html = await page.content();
      assert.ok(!html.includes(invalid) && !html.includes(invalid.replace(/ /g, '')), 'pspsim echoed the card number');
      await shot(page, 'refused-by-server');

      assert.deepEqual(await chargesFor(order.orderId), []);
      const session = await getCheckoutSession(order.sessionId);
      assert.equal(session.status, 'open');
      assert.equal(session.payment_intent, null);
      assert.equal((await getOrder(order.orderId)).status, 'PENDING');
      await page.goto(statusPageUrl(order.checkoutId));
      await waitForStatus(page, 'processing');
      await shot(page, 'status-processing');
      // Read over HTTP: the page in the browser may be reloading itself.
      const processingHtml = await (await fetch(statusPageUrl(order.checkoutId))).text();
      assert.match(processingHtml, /<meta http-equiv="refresh" content="2">/,
        'a status page that is not final must refresh itself');

      // The refusals used nothing up: the same session still takes a good card.
      await page.goto(order.redirectUrl);
      await fillCardForm(page, '4242 4242 4242 4242');
      await payAndReturn(page, order, {}, shot);
      await waitForStatus(page, 'succeeded');
      await shot(page, 'status-page-after-good-card');
      assert.equal((await getOrder(order.orderId)).status, 'SUCCESS');
      assert.equal((await chargesFor(order.orderId)).length, 1);
      page.assertNoScriptErrors();
    } finally {
      await page.context().close();
    }
  });

  test('an unknown checkout has no status page', async () => {
    const missing = uniqueId('chk_hosted_missing');
    const html = await fetch(statusPageUrl(missing));
    assert.equal(html.status, 404);
    const { status, json } = await paymentd('GET', `/pay/status/${missing}?format=json`);
    assert.equal(status, 404);
    assert.equal(json.error.param, 'checkout_id');
  });
});
