// The pages a buyer sees, on a phone (390 px) and a laptop (1280 px):
// paymentd's status page (/pay/status/{checkout_id}) and pspsim's hosted
// card form. Nothing may be wider than the screen, amounts read as people
// write them ("$12.34", "¥500", "12,345 KRW"), and what a finger taps is at
// least 44 px square.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createCheckout, createHostedCheckout, horizontalOverflow, launchBrowser, openPageAtWidth,
  PHONE_WIDTH, screenshots, statusPageUrl, uniqueId,
} from './harness.mjs';

const shot = screenshots('buyer');
const WIDTHS = [PHONE_WIDTH, 1280];
const TAP_TARGET_MIN_PX = 44;
// paymentd has no merchant name to show yet: the page names the platform
// (status_page_merchant_name in gateway/payin/status_page.hpp).
const MERCHANT_NAME = 'Marketplace';

// Two final checkouts: one currency with cents that carry, and two
// currencies without decimals, one with its own sign and one without.
const CHECKOUTS = [
  {
    slug: 'usd',
    orders: [
      { seller: 'seller_alice', amount: '12.34', currency: 'USD', shown: '$12.34' },
      { seller: 'seller_bob', amount: '1000.66', currency: 'USD', shown: '$1,000.66' },
    ],
    totals: [['USD', '$1,013.00']],
  },
  {
    slug: 'jpy-krw',
    orders: [
      { seller: 'seller_kenji', amount: '500', currency: 'JPY', shown: '¥500' },
      { seller: 'seller_minji', amount: '12345', currency: 'KRW', shown: '12,345 KRW' },
    ],
    totals: [['JPY', '¥500'], ['KRW', '12,345 KRW']],
  },
];

// Every link, button and field a finger may tap.
async function smallTapTargets(page) {
  return page.locator('a[href], button, input, select, textarea').evaluateAll((nodes, min) => nodes
    .filter((n) => n.offsetParent !== null)
    .map((n) => ({ id: n.id || n.textContent.trim(), box: n.getBoundingClientRect() }))
    .filter(({ box }) => box.height < min || box.width < min)
    .map(({ id, box }) => `${id} ${Math.round(box.width)}x${Math.round(box.height)}`), TAP_TARGET_MIN_PX);
}

describe("paymentd's status page", () => {
  let browser;
  const made = new Map();

  before(async () => {
    browser = await launchBrowser();
    for (const c of CHECKOUTS) {
      const checkoutId = uniqueId(`chk_buyer_${c.slug.replace('-', '_')}`);
      const orders = c.orders.map((o, i) => ({ ...o, id: `${checkoutId.replace(/^chk_/, 'po_')}_${i + 1}` }));
      const answer = await createCheckout(checkoutId, orders, { waitS: 10 });
      assert.equal(answer.status, 'succeeded', `${checkoutId}: ${JSON.stringify(answer)}`);
      made.set(c.slug, { checkoutId, orders });
    }
  });

  after(async () => {
    await browser?.close();
  });

  for (const c of CHECKOUTS) {
    for (const width of WIDTHS) {
      test(`a paid ${c.slug.toUpperCase()} checkout at ${width} px reads like a receipt and fits the screen`, async () => {
        const { checkoutId, orders } = made.get(c.slug);
        const page = await openPageAtWidth(browser, width);
        try {
          await page.goto(statusPageUrl(checkoutId));
          await shot(page, `status-${c.slug}-${width}`);
          assert.equal((await page.locator('#checkout-status').textContent()).trim(), 'succeeded');
          assert.equal((await page.locator('#headline').textContent()).trim(), 'Payment received');
          assert.equal((await page.locator('#merchant-name').textContent()).trim(), MERCHANT_NAME);

          for (const o of orders) {
            const row = page.locator(`#orders tr[data-payment-order-id="${o.id}"]`);
            assert.equal((await row.locator('.seller').textContent()).trim(), o.seller);
            assert.equal((await row.locator('td.amount').textContent()).trim(), o.shown);
            assert.equal((await row.locator('.status').textContent()).trim(), 'SUCCESS');
            assert.equal((await row.locator('.state').textContent()).trim().split(/\s/)[0], 'Paid');
          }
          for (const [currency, shown] of c.totals) {
            assert.equal((await page.locator(`#orders tfoot td[data-currency="${currency}"]`).textContent()).trim(), shown);
          }

          assert.ok(await horizontalOverflow(page) <= 0,
            `the page is ${await horizontalOverflow(page)} px wider than the ${width} px window`);
          assert.deepEqual(await smallTapTargets(page), []);
          // The amounts are on screen, not only in the markup.
          assert.ok((await page.locator('body').innerText()).includes(orders[0].shown));
          page.assertNoScriptErrors();
        } finally {
          await page.context().close();
        }
      });
    }
  }

  test(`a checkout still processing refreshes itself and its one button is finger-sized at ${PHONE_WIDTH} px`, async () => {
    const checkoutId = uniqueId('chk_buyer_wait');
    const orderId = checkoutId.replace(/^chk_/, 'po_');
    await createHostedCheckout(checkoutId, [{ id: orderId, amount: '42.00', currency: 'EUR' }]);
    const page = await openPageAtWidth(browser, PHONE_WIDTH);
    try {
      // Read over HTTP too: the page in the browser reloads itself.
      const html = await (await fetch(statusPageUrl(checkoutId))).text();
      assert.match(html, /<meta http-equiv="refresh" content="2">/);
      await page.goto(statusPageUrl(checkoutId));
      await shot(page, `status-processing-${PHONE_WIDTH}`);
      assert.equal((await page.locator('#checkout-status').textContent()).trim(), 'processing');
      assert.equal((await page.locator('#headline').textContent()).trim(), 'Processing your payment');
      assert.equal((await page.locator(`#orders tr[data-payment-order-id="${orderId}"] td.amount`).textContent()).trim(), '€42.00');
      const refresh = await page.locator('#refresh-link').boundingBox();
      assert.ok(refresh && refresh.height >= TAP_TARGET_MIN_PX, `#refresh-link is ${refresh?.height} px high`);
      assert.deepEqual(await smallTapTargets(page), []);
      assert.ok(await horizontalOverflow(page) <= 0);
      page.assertNoScriptErrors();
    } finally {
      await page.context().close();
    }
  });
});

// pspsim's page is another engineer's: this only checks what a buyer must
// see there, whatever its markup. It fails (never skips) while the amount
// is not written as people read it.
describe("pspsim's hosted card form", () => {
  let browser;
  let redirectUrl;

  before(async () => {
    browser = await launchBrowser();
    const checkoutId = uniqueId('chk_buyer_form');
    const created = await createHostedCheckout(checkoutId,
      [{ id: checkoutId.replace(/^chk_/, 'po_'), amount: '12.34', currency: 'USD' }]);
    redirectUrl = created.payment_orders[0].redirect_url;
  });

  after(async () => {
    await browser?.close();
  });

  for (const width of WIDTHS) {
    test(`shows the amount as "$12.34" and fits a ${width} px screen`, async () => {
      const page = await openPageAtWidth(browser, width);
      try {
        await page.goto(redirectUrl);
        await page.locator('#card-number').waitFor();
        await shot(page, `hosted-form-${width}`);
        const overflow = await horizontalOverflow(page);
        const text = await page.locator('body').innerText();
        assert.ok(text.includes('$12.34'), `the form does not show "$12.34"; it says: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
        assert.ok(overflow <= 0, `the form is ${overflow} px wider than the ${width} px window`);
        page.assertNoScriptErrors();
      } finally {
        await page.context().close();
      }
    });
  }
});
