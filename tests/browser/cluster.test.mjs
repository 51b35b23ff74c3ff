// The cluster view of the operator page (GET /admin/cluster). The suite's
// paymentd runs alone, so the page first shows single mode. Then rows are
// written straight into the scratch database's cluster_node/cluster_job
// tables with psql (DATABASE_URL, which pay_browser_suite passes), as nodes
// of an earlier cluster run would have left them: paymentd lists what the
// tables hold, and the page renders them, still in single mode.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  admin, createHostedCheckout, databaseUrl, launchBrowser, literal, logInAndWait, openPage, psql,
  screenshots, uniqueId,
} from './harness.mjs';

const shot = screenshots('cluster');

describe('cluster view', () => {
  let browser;
  let page;
  let mode;
  // Fake incarnations, unique per run: A epoch 3 live, A epoch 2 dead and
  // still owning an unfinished checkout, B epoch 1 gone.
  const tag = randomBytes(3).toString('hex');
  const nodeA = `browser-${tag}-a`;
  const nodeB = `browser-${tag}-b`;
  const jobLive = `browser_${tag}_payout_run`;
  const jobDead = `browser_${tag}_reconcile`;
  // Markup in a value: shown as text, never parsed.
  const hostileAddress = `http://127.0.0.1:1/<img src=x onerror="window.__clusterXss=1">`;
  let ownedCheckout = null;
  let inserted = false;

  before(async () => {
    mode = (await admin('GET', '/admin/cluster', { expect: 200 })).json.mode;
    browser = await launchBrowser();
    page = await openPage(browser);
    await logInAndWait(page);
    await page.locator('#cluster-summary dd[data-field="mode"]').filter({ hasText: mode }).waitFor();
  });

  after(async () => {
    await browser?.close();
    if (inserted) {
      if (ownedCheckout) {
        psql(`UPDATE payment_event SET owner_node = NULL, owner_epoch = NULL WHERE checkout_id = ${literal(ownedCheckout)}`);
      }
      psql(`DELETE FROM cluster_job WHERE job IN (${literal(jobLive)}, ${literal(jobDead)});
            DELETE FROM cluster_node WHERE node_id IN (${literal(nodeA)}, ${literal(nodeB)})`);
    }
  });

  const nodeRow = (id, epoch) => page.locator(`#cluster-nodes tbody tr[data-key="${id}:${epoch}"]`);
  const jobRow = (job) => page.locator(`#cluster-jobs tbody tr[data-key="${job}"]`);
  const cellTexts = async (row) => row.locator('td').allTextContents();

  test('shows the mode and this node as /admin/cluster reports them', async (t) => {
    const cluster = (await admin('GET', '/admin/cluster', { expect: 200 })).json;
    assert.equal(cluster.object, 'cluster');
    const thisNode = page.locator('#cluster-summary dd[data-field="this_node"]');
    if (cluster.mode !== 'single') {
      // A developer's stack started with scripts/run --nodes N.
      t.diagnostic(`paymentd runs in ${cluster.mode} mode: single-mode checks skipped`);
      assert.match(await thisNode.textContent(), new RegExp(`${cluster.this_node.node_id} epoch ${cluster.this_node.epoch}`));
      assert.equal(await page.locator('#cluster-single').isVisible(), false);
      await shot(page, 'cluster-mode');
      return;
    }
    assert.equal(cluster.this_node, null);
    assert.match(await thisNode.textContent(), /not in a cluster/);
    const sentence = page.locator('#cluster-single');
    assert.equal(await sentence.isVisible(), true);
    assert.match(await sentence.textContent(), /paymentd runs alone/);
    assert.match(await sentence.textContent(), /scripts\/run --nodes N/);
    if (cluster.nodes.length === 0 && cluster.jobs.length === 0) {
      // Nothing listed: no empty tables under the sentence.
      assert.equal(await page.locator('#cluster-tables').isVisible(), false);
      assert.equal(await page.locator('#cluster-leftover').isVisible(), false);
    }
    await shot(page, 'single-mode');
    page.assertNoScriptErrors();
  });

  test('lists nodes and jobs from the cluster tables with their status, escaped', async (t) => {
    if (mode !== 'single' || !databaseUrl) {
      t.skip(mode !== 'single' ? 'paymentd runs in a cluster: fake nodes would be taken over'
        : 'DATABASE_URL is not set: no way to write the cluster tables');
      return;
    }
    // An unfinished checkout (hosted: PENDING until the buyer pays), handed
    // to the dead incarnation as if it had died holding it.
    const checkoutId = uniqueId('chk_cluster');
    await createHostedCheckout(checkoutId, [{ id: checkoutId.replace(/^chk_/, 'po_') }]);
    inserted = true;
    psql(`
      INSERT INTO cluster_node (node_id, epoch, address, joined_at, heartbeat_at, lease_expires_at,
                                released_at, taken_over, last_takeover_at) VALUES
        (${literal(nodeA)}, 3, 'http://127.0.0.1:8081', now() - interval '10 min',
         clock_timestamp() - interval '300 ms', clock_timestamp() + interval '1 hour',
         NULL, 20, now() - interval '2 min'),
        (${literal(nodeA)}, 2, ${literal(hostileAddress)}, now() - interval '1 hour',
         now() - interval '11 min', now() - interval '10 min', NULL, 0, NULL),
        (${literal(nodeB)}, 1, 'http://127.0.0.1:8082', now() - interval '2 hours',
         now() - interval '90 min', now() - interval '89 min', now() - interval '80 min', 0, NULL);
      INSERT INTO cluster_job (job, node_id, epoch, held_since) VALUES
        (${literal(jobLive)}, ${literal(nodeA)}, 3, now() - interval '5 min'),
        (${literal(jobDead)}, ${literal(nodeA)}, 2, now() - interval '50 min');
      UPDATE payment_event SET owner_node = ${literal(nodeA)}, owner_epoch = 2
       WHERE checkout_id = ${literal(checkoutId)};`);
    ownedCheckout = checkoutId;

    const api = (await admin('GET', '/admin/cluster', { expect: 200 })).json;
    assert.equal(api.mode, 'single');
    const statusOf = (id, epoch) => api.nodes.find((n) => n.node_id === id && n.epoch === epoch)?.status;
    assert.deepEqual([statusOf(nodeA, 3), statusOf(nodeA, 2), statusOf(nodeB, 1)], ['live', 'dead', 'gone']);

    await page.click('#refresh-now');
    await nodeRow(nodeB, 1).waitFor();
    await jobRow(jobDead).waitFor();
    assert.equal(await page.locator('#cluster-tables').isVisible(), true);
    assert.equal(await page.locator('#cluster-single').isVisible(), true);
    assert.equal(await page.locator('#cluster-leftover').isVisible(), true);

    // Newest epoch first within a node.
    const keys = await page.locator('#cluster-nodes tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.key));
    assert.ok(keys.indexOf(`${nodeA}:3`) < keys.indexOf(`${nodeA}:2`), keys.join(', '));

    const headers = await page.locator('#cluster-nodes thead th').allTextContents();
    assert.deepEqual(headers, ['Node', 'Epoch', 'Status', 'Address', 'Lease left', 'Last heartbeat',
      'Unfinished checkouts owned', 'Work taken over', 'Last takeover']);

    // Every column fits the 1280 px wide window without scrolling the table.
    const lastHeader = await page.locator('#cluster-nodes thead th').last().boundingBox();
    assert.ok(lastHeader && lastHeader.x + lastHeader.width <= 1280, `the nodes table ends at x=${lastHeader?.x + lastHeader?.width}`);

    const live = await cellTexts(nodeRow(nodeA, 3));
    assert.equal(live[0], nodeA);
    assert.equal(live[1], '3');
    assert.match(live[2], /live/);
    assert.equal(live[3], 'http://127.0.0.1:8081');
    assert.match(live[4], /^\d+(\.\d)? (min|s)$/); // about an hour: "59 min"
    assert.match(live[5], / ago$/);
    assert.equal(live[6], '0');
    assert.equal(live[7], '20');
    assert.match(live[8], /min ago/);

    const dead = await cellTexts(nodeRow(nodeA, 2));
    assert.match(dead[2], /dead/);
    assert.equal(dead[3], hostileAddress);
    assert.match(dead[4], /^ran out \d+ min ago$/);
    assert.equal(dead[6], '1');
    assert.equal(dead[7], '0');
    assert.equal(dead[8], '—');
    // A dead node's unfinished work is flagged: it waits to be taken over.
    assert.equal(await nodeRow(nodeA, 2).locator('.flag-yes').textContent(), '1');

    const gone = await cellTexts(nodeRow(nodeB, 1));
    assert.match(gone[2], /gone/);
    assert.match(gone[4], /^ran out \d+ min ago$/);

    // The visual cue: a class per status, a mark besides the word.
    for (const [id, epoch, status] of [[nodeA, 3, 'live'], [nodeA, 2, 'dead'], [nodeB, 1, 'gone']]) {
      const badge = nodeRow(id, epoch).locator(`.badge.node-${status}`);
      assert.equal(await badge.count(), 1, `${id}:${epoch} has no .badge.node-${status}`);
      assert.equal(await badge.getAttribute('data-status'), status);
    }
    const colors = await Promise.all(['live', 'dead', 'gone'].map((s) => page.locator(`#cluster-nodes .badge.node-${s}`).first()
      .evaluate((node) => getComputedStyle(node).backgroundColor)));
    assert.equal(new Set(colors).size, 3, `status colors ${colors.join(', ')}`);

    // Jobs: the holder and the holder's own status.
    const held = await cellTexts(jobRow(jobLive));
    assert.deepEqual(held.slice(0, 3), [jobLive, nodeA, '3']);
    assert.match(held[3], /live/);
    assert.match(held[4], /min ago/);
    const orphaned = await cellTexts(jobRow(jobDead));
    assert.deepEqual(orphaned.slice(0, 3), [jobDead, nodeA, '2']);
    assert.match(orphaned[3], /dead/);

    // Escaping: the address's markup made no element and ran nothing.
    assert.equal(await page.locator('#cluster-section img').count(), 0);
    assert.equal(await page.evaluate(() => window.__clusterXss), undefined);

    // Incarnations counted by status in the summary.
    const counted = await page.locator('#cluster-summary dd[data-field="nodes"]').textContent();
    for (const status of ['live', 'dead', 'gone']) assert.match(counted, new RegExp(`\\d+ ${status}`), counted);
    await shot(page, 'nodes-and-jobs');
    page.assertNoScriptErrors();
  });
});
