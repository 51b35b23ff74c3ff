// The reviews queue a page at a time: GET /admin/reviews answers with a
// cursor ({data, has_more, next_cursor}), and the page loads the rest of
// the queue with "Load more", oldest first, nothing twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  admin, createHeldCheckout, filterList, launchBrowser, listKeys, loadAll, logInAndWait, openPage,
  screenshots,
} from './harness.mjs';

const shot = screenshots('reviews-paging');

describe('reviews queue paging', () => {
  let browser;
  let page;
  const held = [];
  const cursorRequests = [];

  before(async () => {
    for (const amount of ['11.00', '12.00', '13.00']) {
      held.push(await createHeldCheckout('rv_page', [{ amount, currency: 'USD' }]));
    }
    browser = await launchBrowser();
    page = await openPage(browser);
    page.on('request', (r) => {
      if (r.url().includes('/admin/reviews?') && r.url().includes('cursor=')) cursorRequests.push(r.url());
    });
    await logInAndWait(page);
  });

  after(async () => {
    await browser?.close();
    for (const made of held) {
      await admin('POST', `/admin/reviews/${made.checkoutId}/reject`, { body: { reason: 'browser test clean-up' } });
    }
  });

  test('loads the queue one review at a time with its cursor, oldest first, each once', async () => {
    const first = (await admin('GET', '/admin/reviews?limit=1', { expect: 200 })).json;
    assert.equal(typeof first.has_more, 'boolean',
      `GET /admin/reviews?limit=1 answers no has_more (no cursor yet): ${JSON.stringify(Object.keys(first))}`);
    assert.equal(first.data.length, 1);
    assert.equal(first.has_more, true);

    await filterList(page, 'reviews', { limit: 1 });
    assert.equal((await listKeys(page, 'reviews')).length, 1);
    await shot(page, 'first-page');
    await loadAll(page, 'reviews', { max: 100 });
    const keys = await listKeys(page, 'reviews');
    assert.equal(new Set(keys).size, keys.length, `a review shown twice: ${keys.join(', ')}`);
    const mine = held.map((h) => h.checkoutId);
    assert.deepEqual(keys.filter((k) => mine.includes(k)), mine, 'oldest first');
    assert.ok(cursorRequests.length >= 1, '"Load more" did not send the cursor');

    const all = (await admin('GET', '/admin/reviews?limit=1000', { expect: 200 })).json.data;
    assert.equal(keys.length, all.length);
    await shot(page, 'all-loaded');
    page.assertNoScriptErrors();
  });
});
