// What the browser tests share: SQL through TRACKR_DB_CMD, launching
// Debian's Chromium, and watching a page for console errors, CSP
// violations, dialogs and server errors.
import { spawnSync } from 'node:child_process';

const DB_CMD = process.env.TRACKR_DB_CMD;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Runs SQL through TRACKR_DB_CMD; returns the rows as arrays of strings.
export function sql(text) {
  if (!DB_CMD) throw new Error('TRACKR_DB_CMD must be set');
  const r = spawnSync('sh', ['-c', DB_CMD], { input: text, encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) {
    throw new Error(`db command failed (status ${r.status}): ${r.stderr || r.error}`);
  }
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

// A string as an SQL literal (MariaDB, NO_BACKSLASH_ESCAPES off).
export function sqlQuote(s) {
  return `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

export function launch(chromium) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-features=LocalNetworkAccessChecks']
  });
}

// Collects every console error, page error, CSP violation, dialog and 5xx
// of page into problems, each with where it came from.
export function watch(page, who, problems) {
  page.on('console', (msg) => {
    if (msg.type() === 'error' || /Content.Security.Policy/i.test(msg.text())) {
      problems.push(`${who} ${page.url()}: console ${msg.type()}: ${msg.text()}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`${who} ${page.url()}: page error: ${err.message}`));
  page.on('dialog', (d) => {
    problems.push(`${who} ${page.url()}: a ${d.type()} dialog opened: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('response', (res) => {
    if (res.status() >= 500) problems.push(`${who}: ${res.status()} for ${res.url()}`);
  });
  return page;
}
