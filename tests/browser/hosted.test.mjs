// The hosted payment page end to end: a hosted checkout created over the API,
// the buyer's card typed into pspsim's page (3-D Secure answered on its
// challenge page), the redirect back to paymentd's status page, and the
// outcome checked in the page, in paymentd's API and in pspsim's charges.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chargesFor, createHostedCheckout, env, eventually, getCheckoutSession, getOrder,
  launchBrowser, openPage, paymentd, screenshots, statusPageUrl, uniqueId,
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

const CASES = [
  {
    slug: 'success', card: '4242 4242 4242 4242',
    title: 'card 4242 4242 4242 4242 is charged once and the order succeeds',
    checkoutStatus: 'succeeded', orderStatus: 'SUCCESS', failureCode: null,
  },
  {
    slug: 'decline', card: '4000 0000 0000 0002',
    title: 'card 4000 0000 0000 0002 is declined: FAILED generic_decline, nothing charged',
    checkoutStatus: 'failed', orderStatus: 'FAILED', failureCode: 'generic_decline',
  },
  {
    slug: 'insufficient-funds', card: '4000 0000 0000 9995',
    title: 'card 4000 0000 0000 9995 has insufficient funds: FAILED insufficient_funds, nothing charged',
    checkoutStatus: 'failed', orderStatus: 'FAILED', failureCode: 'insufficient_funds',
  },
  {
    slug: '3ds-complete', card: '4000 0027 6000 3184', challenge: 'complete',
    title: '3-D Secure card whose challenge the buyer completes is charged once and succeeds',
    checkoutStatus: 'succeeded', orderStatus: 'SUCCESS', failureCode: null,
  },
  {
    slug: '3ds-fail', card: '4000 0027 6000 3184', challenge: 'fail',
    title: '3-D Secure card whose challenge fails: FAILED payment_intent_authentication_failure, nothing charged',
    checkoutStatus: 'failed', orderStatus: 'FAILED', failureCode: 'payment_intent_authentication_failure',
  },
];

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

describe('hosted payment page', () => {
  let browser;

  before(async () => {
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  for (const c of CASES) {
    test(c.title, async () => {
      const shot = screenshots(`hosted-${c.slug}`);
      const order = await newHostedOrder(`hosted_${c.slug.replace(/-/g, '_')}`);
      const page = await openPage(browser);
      try {
        await page.goto(order.redirectUrl);
        await fillCardForm(page, c.card);
        await shot(page, 'form-filled');
        await payAndReturn(page, order, c, shot);

        // pspsim's redirect carries the outcome in the query.
        await shot(page, 'returned');
        const back = new URL(page.url());
        assert.equal(back.searchParams.get('session_id'), order.sessionId);
        assert.equal(back.searchParams.get('payment_order_id'), order.orderId);
        assert.equal(back.searchParams.get('status'), c.checkoutStatus);
        assert.equal(back.searchParams.get('code'), c.failureCode);

        await waitForStatus(page, c.checkoutStatus);
        const row = page.locator(`#orders tr[data-payment-order-id="${order.orderId}"]`);
        assert.equal((await row.locator('.status').textContent()).trim(), c.orderStatus);
        assert.equal((await row.locator('.reason').textContent()).trim(), c.failureCode || '');
        assert.equal(await page.locator('meta[http-equiv="refresh"]').count(), 0,
          'a final status page must stop refreshing itself');
        await shot(page, 'status-page');

        const api = await getOrder(order.orderId);
        assert.equal(api.status, c.orderStatus);
        assert.equal(api.failure_code, c.failureCode);
        const json = await statusJson(order.checkoutId, 'query');
        assert.equal(json.object, 'checkout_status');
        assert.equal(json.status, c.checkoutStatus);
        assert.deepEqual(json.payment_orders, [{
          payment_order_id: order.orderId, amount: AMOUNT, currency: 'USD',
          status: c.orderStatus, failure_code: c.failureCode,
        }]);
        assert.deepEqual(await statusJson(order.checkoutId, 'accept'), json);

        const charges = await chargesFor(order.orderId);
        if (c.orderStatus === 'SUCCESS') {
          assert.equal(charges.length, 1, `charges of ${order.orderId}: ${JSON.stringify(charges)}`);
          assert.equal(charges[0].amount, AMOUNT_MINOR);
          assert.equal(charges[0].currency, 'usd');
          await eventually(`${order.orderId} to credit the seller`,
            async () => (await getOrder(order.orderId)).wallet_updated);
        } else {
          assert.deepEqual(charges, []);
          assert.equal(api.wallet_updated, false);
        }

        // The paid session's page now shows the result, never the form again.
        await page.goto(order.redirectUrl);
        const result = (await page.locator('#result').textContent()).trim();
        assert.equal(result, c.failureCode ? `Payment failed (${c.failureCode})` : 'Payment succeeded');
        assert.equal(await page.locator('#card-number').count(), 0);
        assert.ok(!(await page.content()).includes(c.card.replace(/ /g, '')), 'the result page shows the card number');
        await shot(page, 'result');
        await Promise.all([page.waitForURL(isStatusPageOf(order.checkoutId)), page.click('#return-link')]);
        await waitForStatus(page, c.checkoutStatus);
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
