// A customer's first visit, end to end in headless Chromium through the real
// stack: sign up, confirm the email from the captured message, turn on 2FA,
// log in again with a code, add a site, put its snippet on a page and watch
// the site switch to "receiving events".  On the way it takes screenshots of
// the main pages, on a desktop and on a phone, into test/artifacts/account/,
// and requires every page to load without a console error or a CSP
// violation.  Run by `scripts/trackr test`, which sets TRACKR_URL and
// TRACKR_DB_CMD (a client reading SQL on stdin, printing rows as TSV).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { sql, launch } from './lib.mjs';

const BASE = process.env.TRACKR_URL;
const DB_CMD = process.env.TRACKR_DB_CMD;
const SHOTS = fileURLToPath(new URL('../artifacts/account/', import.meta.url));

// A visitor's browser: HeadlessChrome is counted as a bot and dropped.
const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/126.0.0.0 Safari/537.36';
const PHONE_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/126.0.0.0 Mobile Safari/537.36';
const WAIT = 20000;	// generous: waits end as soon as the thing happens

// RFC 4648 base32 (the key the set-up page shows), spaces and padding ignored.
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = [];
  let value = 0;
  let bits = 0;
  for (const ch of text.toUpperCase().replace(/[\s=-]/g, '')) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

// RFC 6238 TOTP with HMAC-SHA-1, 30 s steps, 6 digits: the code of a step.
const STEP_SECONDS = 30;
function totp(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1] & 0x0f;	// RFC 4226 dynamic truncation
  const bin = mac.readUInt32BE(at) & 0x7fffffff;
  return String(bin % 1000000).padStart(6, '0');
}
const stepNow = () => Math.floor(Date.now() / 1000 / STEP_SECONDS);

test('a customer signs up, turns on 2FA, adds a site and sees its events arrive', {
  skip: BASE ? false : 'TRACKR_URL is not set: run through `scripts/trackr test`',
  timeout: 120000
}, async (t) => {
  assert.ok(DB_CMD, 'TRACKR_DB_CMD must be set with TRACKR_URL');
  // RFC 6238's own SHA-1 vectors (T = 59 s and 1111111109 s): a wrong code is the server's fault.
  assert.equal(totp(Buffer.from('12345678901234567890'), 1), '287082');
  assert.equal(totp(Buffer.from('12345678901234567890'), 37037036), '081804');

  const tag = randomBytes(6).toString('hex');
  const email = `owner-${tag}@example.com`;
  const password = `correct horse ${tag} battery`;
  const shop = `shop-${tag}.test`;
  const shopUrl = `http://${shop}`;
  mkdirSync(SHOTS, { recursive: true });

  const browser = await launch(chromium);
  t.after(() => browser.close());
  const desktop = await browser.newContext({
    viewport: { width: 1280, height: 800 }, userAgent: DESKTOP_UA
  });
  const phone = await browser.newContext({
    viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true,
    hasTouch: true, userAgent: PHONE_UA
  });

  // Every console error, page error and CSP violation, with the page it came from.
  const problems = [];
  const watch = (page, who) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error' || /Content.Security.Policy/i.test(msg.text())) {
        const from = msg.location()?.url;
        problems.push(`${who} ${page.url()}: console ${msg.type()}: ${msg.text()}` +
          (from && from !== page.url() ? ` (${from})` : ''));
      }
    });
    page.on('pageerror', (err) => problems.push(`${who} ${page.url()}: page error: ${err.message}`));
    page.on('response', (res) => {
      if (res.status() >= 500) problems.push(`${who}: ${res.status()} for ${res.url()}`);
    });
    return page;
  };
  const page = watch(await desktop.newPage(), 'desktop');
  const mobile = watch(await phone.newPage(), 'phone');
  page.setDefaultTimeout(WAIT);
  mobile.setDefaultTimeout(WAIT);

  // The page as it is on the desktop, then the same address on the phone
  // (with the desktop's cookies: the same session, no second login).
  const shoot = async (name) => {
    await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`), fullPage: true });
    await phone.clearCookies();
    await phone.addCookies(await desktop.cookies());
    const res = await mobile.goto(page.url());
    assert.equal(res.status(), 200, `${name} on the phone: ${page.url()}`);
    await mobile.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
    // Nothing sticks out sideways on a 390 px screen.
    const wide = await mobile.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `${name} is ${wide} px wide on a 390 px phone`);
  };
  const heading = (name) => page.getByRole('heading', { level: 1, name });

  // 1. Sign up.
  await page.goto(`${BASE}/signup`);
  await shoot('signup');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Organisation').fill(`Shop ${tag}`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await heading('Check your inbox').waitFor();

  // 2. The confirmation link, from the outbox.
  const rows = sql(`SELECT body_text FROM mail_outbox WHERE to_addr = '${email}' ` +
    'ORDER BY id DESC LIMIT 1;\n');
  assert.equal(rows.length, 1, `one mail to ${email} in the outbox`);
  const link = rows[0].join('\t').replace(/\\n/g, '\n').match(/https?:\/\/\S+\/verify\?token=[A-Za-z0-9_-]+/);
  assert.ok(link, `a /verify link in the mail: ${rows[0]}`);
  const verified = await page.goto(link[0]);
  assert.equal(verified.status(), 200, 'the verification link opens');
  await heading('Email confirmed').waitFor();

  // 3. Log in with the password.
  await page.goto(`${BASE}/login`);
  await shoot('login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${BASE}/account`);

  // 4. Turn on 2FA from the security page, with a code computed here.
  await page.getByRole('link', { name: 'Security' }).click();
  await page.waitForURL(`${BASE}/account/2fa`);
  await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
  const keyText = await page.locator('p', { hasText: 'Key:' }).locator('code').textContent();
  const key = base32Decode(keyText.trim());
  assert.equal(key.length, 20, `a 160-bit key: ${keyText}`);
  const enrolStep = stepNow();
  await page.getByLabel('The 6-digit code your app shows').fill(totp(key, enrolStep));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await page.locator('ul.codes li').first().waitFor();
  assert.equal(await page.locator('ul.codes li').count(), 10, 'ten recovery codes');
  await page.getByRole('link', { name: 'Done' }).click();
  await page.waitForURL(`${BASE}/account`);

  // The logged-in pages, while the 30 s step of the enrolment code runs out.
  await shoot('home');
  await page.goto(`${BASE}/account/2fa`);
  await page.getByText('Two-factor authentication is on').waitFor();
  await shoot('security');
  await page.goto(`${BASE}/account/org`);
  await heading(`Shop ${tag}`).waitFor();
  await shoot('organisation');
  await page.goto(`${BASE}/account/settings`);
  await shoot('settings');

  // 5. Log out, log in again: the second step asks for a code.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(`${BASE}/login`);
  await page.goto(`${BASE}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(/\/account\/login-2fa/);
  await shoot('2fa-step');
  // The enrolment spent its step's code (replays are refused): wait for the next step.
  const wait = (enrolStep + 1) * STEP_SECONDS * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 200));
  await page.getByLabel(/code from your authenticator app/).fill(totp(key, stepNow()));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${BASE}/account`);
  assert.match(await page.locator('.topbar').textContent(), new RegExp(email.replace(/[.]/g, '\\.')));

  // 6. Add a site.
  await page.getByRole('link', { name: 'Sites', exact: true }).click();
  await page.waitForURL(`${BASE}/account/sites`);
  await page.getByRole('link', { name: 'Add a site' }).click();
  await page.getByLabel('Domain').fill(shop);
  await page.getByLabel('Time zone').fill('Europe/Berlin');
  await page.getByLabel('Allowed origins').fill(shopUrl);
  await page.getByRole('button', { name: 'Add site' }).click();
  await heading(shop).waitFor();
  const siteUrl = page.url();
  assert.match(siteUrl, /\/account\/site\?id=\d+$/);
  await page.getByText('waiting for the first event').waitFor();
  await page.screenshot({ path: join(SHOTS, 'site-waiting-desktop.png'), fullPage: true });

  // 7. The snippet, as a customer copies it, on a page of the shop.
  const snippet = (await page.locator('pre.snippet').textContent()).trim();
  assert.match(snippet, /^<script defer src="[^"]+\/t\.js" data-site="[A-Za-z0-9_-]+"><\/script>$/, snippet);
  assert.ok(snippet.includes(`src="${BASE}/t.js"`), `the snippet loads the script from ${BASE}`);
  const shopPage = watch(await desktop.newPage(), 'shop');
  await shopPage.route(`${shopUrl}/**`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html><head><title>Shop</title>${snippet}</head>` +
      '<body><h1>Shop</h1></body></html>'
  }));
  const accepted = shopPage.waitForResponse((res) =>
    res.url() === `${BASE}/api/event` && res.request().method() === 'POST', { timeout: WAIT });
  await shopPage.goto(`${shopUrl}/`);
  const answer = await accepted;
  assert.equal(answer.status(), 202, 'the collector accepted the page view');
  await shopPage.close();

  // 8. The site page says so: it reloads itself every 10 s; reload sooner.
  let status = '';
  for (const deadline = Date.now() + 30000; ;) {
    await page.goto(siteUrl);
    status = await page.locator('.facts dd').first().textContent();
    if (/receiving events/.test(status) || Date.now() > deadline) break;
    await page.waitForTimeout(1000);
  }
  assert.match(status, /receiving events/, 'the site page shows the event');
  await shoot('site');
  await page.goto(`${BASE}/account/sites`);
  await page.getByRole('cell', { name: /receiving events/ }).waitFor();
  await shoot('sites');

  assert.deepEqual(problems, [], 'no console errors, page errors or CSP violations');
});
