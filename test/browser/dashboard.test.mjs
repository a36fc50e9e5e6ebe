// The dashboard as a customer uses it, in headless Chromium through the real
// stack: the organisation's sites, a site's overview, a filter applied by
// clicking a row and removed again, a full breakdown, a CSV download, and a
// shared link opened by someone without an account.  Tracked values carry
// markup and formulas; no dialog may open and no console error or CSP
// violation may appear.  axe-core scans each main page: no serious or
// critical violation.  Screenshots at 1280x800 and 390x844 go to
// test/artifacts/dashboard/.  Run by `scripts/trackr test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { sql, sqlQuote, launch, watch } from './lib.mjs';

const BASE = process.env.TRACKR_URL;
const SHOTS = fileURLToPath(new URL('../artifacts/dashboard/', import.meta.url));
const AXE = readFileSync(fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js',
  import.meta.url)), 'utf8');
const WAIT = 20000;

// Twelve visits of yesterday and today (UTC, so in a UTC site): who, what, from where.
const XSS_PATH = '/x"><img src=x onerror=alert(1)>';
const VISITS = [
  // [visitor, minutes ago, pages, source, country, device, browser]
  [1, 30, ['/', '/pricing'], 'Google', 'DE', 'desktop', 'Chrome'],
  [2, 40, ['/pricing'], 'Google', 'FR', 'mobile', 'Safari'],
  [3, 50, ['/', '/docs', '/pricing'], '', 'DE', 'desktop', 'Firefox'],
  [4, 60, ['/blog/hello'], 'Hacker News', 'US', 'desktop', 'Chrome'],
  [5, 70, [XSS_PATH], '=cmd|\' /C calc\'!A0', 'US', 'mobile', 'Chrome'],
  [6, 80, ['/'], 'Google', 'GB', 'tablet', 'Safari'],
  [7, 90, ['/docs', '/docs/api'], '', 'DE', 'desktop', 'Chrome'],
  [8, 100, ['/pricing', '/signup'], 'Twitter', 'US', 'mobile', 'Chrome'],
  [9, 1500, ['/'], 'Google', 'DE', 'desktop', 'Edge'],
  [10, 1510, ['/blog/hello', '/'], 'Reddit', 'NL', 'desktop', 'Firefox'],
  [11, 1520, ['/pricing'], '', 'DE', 'mobile', 'Safari'],
  [12, 1530, ['/'], 'Google', 'SE', 'desktop', 'Chrome']
];
const PRICING_VISITORS = 5;	// visitors 1, 2, 3, 8, 11
const DE_VISITORS = 5;		// visitors 1, 3, 7, 9, 11

function seed(orgId, tag) {
  const domain = `dash-${tag}.test`;
  sql(`INSERT INTO sites (org_id, domain, site_key, timezone) VALUES (${orgId}, '${domain}', ` +
    `'${tag.padEnd(22, 'x').slice(0, 22)}', 'UTC');\n`);
  const [[siteId]] = sql(`SELECT id FROM sites WHERE domain = '${domain}';\n`);
  let stmts = '';
  VISITS.forEach(([who, ago, pages, source, country, device, browser], i) => {
    const sid = 7000000000 + Number(siteId) * 1000 + i;
    const vid = 9000000000 + Number(siteId) * 1000 + who;
    const start = `UTC_TIMESTAMP() - INTERVAL ${ago} MINUTE`;
    const last = `UTC_TIMESTAMP() - INTERVAL ${ago - pages.length + 1} MINUTE`;
    stmts += 'INSERT INTO sessions (id, site_id, visitor_id, started_at, last_seen, entry_page, ' +
      'exit_page, pageviews, events, interactions, source, country, device, browser, ' +
      `browser_version, os, screen) VALUES (${sid}, ${siteId}, ${vid}, ${start}, ${last}, ` +
      `${sqlQuote(pages[0])}, ${sqlQuote(pages[pages.length - 1])}, ${pages.length}, ` +
      `${pages.length}, ${pages.length}, ${sqlQuote(source)}, '${country}', '${device}', ` +
      `'${browser}', '120', 'Linux', 'desktop');\n`;
    pages.forEach((p, k) => {
      stmts += 'INSERT INTO events (site_id, ts, name, visitor_id, session_id, hostname, ' +
        `pathname, source, country, device, browser) VALUES (${siteId}, ` +
        `UTC_TIMESTAMP() - INTERVAL ${ago - k} MINUTE, 'pageview', ${vid}, ${sid}, ` +
        `'${domain}', ${sqlQuote(p)}, ${sqlQuote(source)}, '${country}', '${device}', ` +
        `'${browser}');\n`;
    });
  });
  sql(stmts);
  return { siteId, domain };
}

// axe-core in the page (evaluated through DevTools, which the CSP does not
// govern); returns the serious and critical violations.
async function axe(page) {
  await page.evaluate(AXE);
  const res = await page.evaluate(() => window.axe.run(document, {
    resultTypes: ['violations']
  }));
  return res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
}

const tile = (page, label) => page.locator('.tile', { hasText: label }).locator('.tile-value');

test('a customer reads, filters, exports and shares a site\'s dashboard', {
  skip: BASE ? false : 'TRACKR_URL is not set: run through `scripts/trackr test`',
  timeout: 180000
}, async (t) => {
  const tag = randomBytes(6).toString('hex');
  const email = `dash-${tag}@example.com`;
  const password = `correct horse ${tag} battery`;
  mkdirSync(SHOTS, { recursive: true });

  // An account through the form, confirmed from the outbox.
  const browser = await launch(chromium);
  t.after(() => browser.close());
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true
  });
  const problems = [];
  const page = watch(await desktop.newPage(), 'desktop', problems);
  const mobile = watch(await phone.newPage(), 'phone', problems);
  page.setDefaultTimeout(WAIT);
  mobile.setDefaultTimeout(WAIT);
  const shoot = async (name, ctx = desktop) => {
    await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
    await phone.clearCookies();
    await phone.addCookies(await ctx.cookies());
    const res = await mobile.goto(page.url());
    assert.equal(res.status(), 200, `${name} on the phone: ${page.url()}`);
    await mobile.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
    const wide = await mobile.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `${name} is ${wide} px wide on a 390 px phone`);
  };
  const scan = async (name) => {
    const bad = await axe(page);
    assert.deepEqual(bad, [], `axe on ${name} (${page.url()})`);
  };

  await page.goto(`${BASE}/signup`);
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Organisation').fill(`Dash ${tag}`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  const rows = sql(`SELECT body_text FROM mail_outbox WHERE to_addr = '${email}' ` +
    'ORDER BY id DESC LIMIT 1;\n');
  const link = rows[0].join('\t').replace(/\\n/g, '\n').match(/https?:\/\/\S+\/verify\?token=[A-Za-z0-9_-]+/);
  assert.ok(link, 'a /verify link in the mail');
  await page.goto(link[0]);
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${BASE}/account`);
  const [[orgId]] = sql(`SELECT m.org_id FROM org_members m JOIN users u ON u.id = m.user_id ` +
    `WHERE u.email = '${email}';\n`);
  const { siteId, domain } = seed(orgId, tag);

  // 1. The organisation's sites, then the site's overview.
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await page.waitForURL(`${BASE}/dash`);
  await page.getByRole('link', { name: new RegExp(domain) }).waitFor();
  await scan('sites');
  await shoot('sites');
  await page.getByRole('link', { name: new RegExp(domain) }).click();
  await page.waitForURL(new RegExp(`/dash/${siteId}$`));
  assert.equal((await tile(page, 'Unique visitors').textContent()).trim(), '12');
  assert.equal((await tile(page, 'Visits').textContent()).trim(), '12');
  // The hostile path is text, and a dialog never opened (see watch()).
  await page.getByText(XSS_PATH, { exact: true }).first().waitFor();
  assert.equal(await page.locator('img[src=x]').count(), 0, 'no <img> from a tracked path');
  await scan('overview');
  await shoot('overview');

  // 2. A click on a row filters everything; the chip removes it again.
  await page.locator('section.top', { hasText: 'Top pages' })
    .getByRole('link', { name: '/pricing', exact: true }).click();
  await page.waitForURL(/f=page%3Ais%3A%2Fpricing/);
  await page.locator('.filter', { hasText: 'Page is /pricing' }).waitFor();
  assert.equal((await tile(page, 'Unique visitors').textContent()).trim(), String(PRICING_VISITORS));
  await scan('overview, filtered');
  await shoot('overview-filtered');
  await page.getByRole('link', { name: 'Remove filter: Page is /pricing' }).click();
  await page.waitForURL((u) => !u.search.includes('f='));
  assert.equal((await tile(page, 'Unique visitors').textContent()).trim(), '12');
  // The "Add filter" form: a negation, which no row click makes.
  await page.getByText('Add filter').click();
  await page.getByLabel('Dimension').selectOption({ label: 'Country' });
  await page.getByLabel('Condition').selectOption('is_not');
  await page.getByLabel('Value').fill('DE');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/f=country%3Ais_not%3ADE/);
  assert.equal((await tile(page, 'Unique visitors').textContent()).trim(), String(12 - DE_VISITORS));
  await page.getByRole('link', { name: /Remove filter: Country is not/ }).click();
  await page.waitForURL((u) => !u.search.includes('f='));

  // 3. The full sources report, and its CSV.
  await page.locator('section.top', { hasText: 'Top sources' })
    .getByRole('link', { name: /Details/ }).click();
  await page.waitForURL(new RegExp(`/dash/${siteId}/sources`));
  await page.getByRole('heading', { level: 1 }).waitFor();
  await scan('sources report');
  await shoot('report-sources');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /CSV/ }).click()
  ]);
  const csv = readFileSync(await download.path(), 'utf8').replace(/^\uFEFF/, '');
  const lines = csv.trim().split('\r\n');
  assert.match(lines[0], /^name,visitors/, `the CSV header: ${lines[0]}`);
  assert.ok(lines.some((l) => l.startsWith('Google,5,')), `Google with 5 visitors: ${csv}`);
  // The formula from a tracked source is neutralised: it starts with a quote.
  assert.ok(lines.some((l) => l.startsWith('"\'=cmd|') || l.startsWith('\'=cmd|')),
    `the formula source neutralised: ${csv}`);
  assert.ok(!lines.some((l) => l.startsWith('=')), 'no cell starts a formula');

  // 4. A shared link, opened by someone who is not logged in.
  await page.goto(`${BASE}/dash/${siteId}/sharing`);
  await scan('sharing');
  await page.getByLabel('Name').fill('For the board');
  await page.getByRole('button', { name: /Create/ }).click();
  const shared = (await page.locator('code, input[readonly]').filter({ hasText: /\/share\// })
    .first().textContent().catch(() => null)) ||
    await page.locator('input[readonly]').first().inputValue();
  const url = shared.match(/\/share\/[A-Za-z0-9_-]+/);
  assert.ok(url, `a /share/ link on the page: ${shared}`);
  const stranger = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const other = watch(await stranger.newPage(), 'stranger', problems);
  await other.goto(`${BASE}${url[0]}`);
  assert.equal((await tile(other, 'Unique visitors').textContent()).trim(), '12');
  assert.equal(await other.getByRole('link', { name: 'Shared links' }).count(), 0,
    'no admin section through a link');
  const bad = await axe(other);
  assert.deepEqual(bad, [], 'axe on the shared overview');
  await other.screenshot({ path: join(SHOTS, 'shared-desktop.png'), fullPage: true });
  const res = await other.goto(`${BASE}/dash/${siteId}`);
  assert.ok(res.url().includes('/login'), 'the stranger cannot reach /dash');
  await stranger.close();

  assert.deepEqual(problems, [], 'no console errors, CSP violations, dialogs or 5xx');
});
