// End-to-end check of the tracking script through the real stack: Chromium
// opens the demo site, does what a visitor does, and the events must land in
// MariaDB. Run by `scripts/trackr test`, which sets TRACKR_URL, TRACKR_SITE_KEY
// and TRACKR_DB_CMD (a client reading SQL on stdin, printing rows as TSV).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { sql } from './lib.mjs';

const BASE = process.env.TRACKR_URL;
const SITE_KEY = process.env.TRACKR_SITE_KEY;
const DB_CMD = process.env.TRACKR_DB_CMD;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const OUTBOUND = 'https://example.org/';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The tracker posts text/plain JSON; this reads the event name of a request.
function eventOf(request) {
  if (!request.url().endsWith('/api/event') || request.method() !== 'POST') return null;
  try {
    return JSON.parse(request.postData() || '');
  } catch {
    return null;
  }
}

test('tracker events from the demo site reach the database', {
  skip: BASE ? false : 'TRACKR_URL is not set: run through `scripts/trackr test`',
  timeout: 120000
}, async (t) => {
  assert.ok(SITE_KEY, 'TRACKR_SITE_KEY must be set with TRACKR_URL');
  assert.ok(DB_CMD, 'TRACKR_DB_CMD must be set with TRACKR_URL');
  // the key is put into SQL text below, so it must be a plain key
  assert.match(SITE_KEY, /^[A-Za-z0-9_-]{1,64}$/);

  // Events are selected by time, taken from the database's own clock.
  const start = sql('SELECT UTC_TIMESTAMP(3);\n')[0]?.[0];
  assert.match(start ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/, 'db clock');

  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'trackr-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']
  });
  t.after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  });

  // What the page sent and what the collector answered, for the diagnostics.
  const sent = [];
  const problems = [];
  const page = await context.newPage();
  page.on('request', (req) => {
    const ev = eventOf(req);
    if (ev) sent.push(ev);
  });
  page.on('response', (res) => {
    if (eventOf(res.request()) && res.status() >= 300) {
      problems.push(`POST /api/event answered ${res.status()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (/Content.Security.Policy/i.test(msg.text())) problems.push(`csp: ${msg.text()}`);
  });
  // example.org is not reachable from here; answer for it so the outbound
  // click is a normal same-tab navigation away from the demo.
  await page.route(`${OUTBOUND}**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/plain', body: 'ok' }));

  const pageview = (path) => page.waitForRequest((req) => {
    const ev = eventOf(req);
    return ev?.n === 'pageview' && new URL(ev.u).pathname === path;
  });

  // 1. Landing: a page view of /demo/.
  let seen = pageview('/demo/');
  await page.goto(`${BASE}/demo/`);
  await seen;
  await page.screenshot({ path: join(ARTIFACTS, 'demo-home.png'), fullPage: true });

  // 2. SPA navigation through the demo's pushState router.
  seen = pageview('/demo/pricing');
  await page.getByRole('link', { name: 'Pricing', exact: true }).click();
  await seen;
  await page.screenshot({ path: join(ARTIFACTS, 'demo-pricing.png') });

  // 3. A custom event with props.
  seen = page.waitForRequest((req) => eventOf(req)?.n === 'Signup');
  await page.getByRole('button', { name: 'Sign up for Pro' }).click();
  await seen;

  // Stay long enough for the engagement event (sent from 1 s of visible time).
  await sleep(1500);

  // 4. The outbound link, clicked in the same tab: the page unloads, and the
  // keepalive request for the click and the engagement of /demo/pricing must
  // still get out.
  await page.screenshot({ path: join(ARTIFACTS, 'demo-before-outbound.png') });
  await page.getByRole('link', { name: 'Visit example.org' }).click();
  await page.waitForURL(OUTBOUND);
  await page.goto('about:blank');

  // 5. Poll the database until every expected event is there (or 10 s).
  const query = `SELECT name, pathname,
      IFNULL(JSON_UNQUOTE(JSON_EXTRACT(props, '$.plan')), ''),
      IFNULL(JSON_UNQUOTE(JSON_EXTRACT(props, '$.url')), ''),
      IFNULL(engagement_ms, ''), interactive
    FROM events
    WHERE site_id = (SELECT id FROM sites WHERE site_key = '${SITE_KEY}')
      AND ts >= '${start}'
    ORDER BY id;\n`;
  const checks = {
    'pageview of /demo/': (r) => r.name === 'pageview' && r.path === '/demo/',
    'pageview of /demo/pricing': (r) => r.name === 'pageview' && r.path === '/demo/pricing',
    'Signup with props.plan=pro': (r) => r.name === 'Signup' && r.plan === 'pro',
    'outbound click with props.url': (r) => r.name === 'Outbound Link: Click' && r.url === OUTBOUND,
    'engagement with engagement_ms > 0, not interactive': (r) =>
      r.name === 'engagement' && Number(r.ms) > 0 && r.interactive === '0'
  };
  let rows = [];
  let missing = Object.keys(checks);
  for (const deadline = Date.now() + 10000; ;) {
    rows = sql(query).map(([name, path, plan, url, ms, interactive]) =>
      ({ name, path, plan, url, ms, interactive }));
    missing = Object.keys(checks).filter((k) => !rows.some(checks[k]));
    if (missing.length === 0 || Date.now() > deadline) break;
    await sleep(500);
  }

  const report = `\nsent by the page:\n${sent.map((e) => '  ' + JSON.stringify(e)).join('\n')}` +
    `\nrows in events:\n${rows.map((r) => '  ' + JSON.stringify(r)).join('\n')}` +
    (problems.length ? `\nproblems:\n  ${problems.join('\n  ')}` : '');
  assert.deepEqual(missing, [], `events missing from the database${report}`);
  assert.deepEqual(problems, [], `the page or the collector reported problems${report}`);
  // The page sent each page view once: no duplicates from the router.
  const views = sent.filter((e) => e.n === 'pageview').map((e) => new URL(e.u).pathname);
  assert.deepEqual(views, ['/demo/', '/demo/pricing'], `page views sent${report}`);
});
