// Manual smoke check against a running parleyd that serves web/dist (PARLEY_URL).
// Usage: PARLEY_URL=http://127.0.0.1:18080 node e2e/smoke.mjs [outdir]
import { chromium } from 'playwright-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const url = process.env.PARLEY_URL || 'http://127.0.0.1:18080';
const out = process.argv[2] || '/tmp';
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

async function browser(name) {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), `pw-${name}-`)), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args,
    viewport: { width: 1100, height: 720 },
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const errors = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && errors.push(`${name}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`${name} pageerror: ${e.message}`));
  await page.addInitScript(() => localStorage.setItem('parley.lang', 'en'));
  await page.goto(url);
  return { ctx, page, errors };
}

async function login(page, user) {
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password', { exact: true }).fill('parley-demo-1');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor({ timeout: 10000 });
}

const a = await browser('alice');
const b = await browser('bob');
try {
  await login(a.page, 'alice');
  await login(b.page, 'bob');
  // alice finds bob and asks to be friends; bob accepts from the notifications
  await a.page.getByLabel('Search', { exact: true }).fill('bob');
  await a.page.getByRole('button', { name: /Send friend request to/ }).first().click();
  await a.page.getByRole('dialog').getByLabel('Note (optional)').fill('hi from alice');
  await a.page.getByRole('dialog').getByRole('button', { name: /Send friend request to/ }).click();
  await a.page.getByRole('dialog').getByRole('status').waitFor();
  await a.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await a.page.getByLabel('Search', { exact: true }).fill('');
  await b.page.getByRole('button', { name: /Notifications \(1\)/ }).click();
  await b.page.getByRole('button', { name: /^Accept: / }).click();
  await b.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await a.page.getByRole('tab', { name: 'Friends' }).click();
  await a.page.getByRole('button', { name: /^Bob/ }).first().waitFor({ timeout: 5000 });
  await a.page.screenshot({ path: `${out}/alice-friends.png` });
  await a.page.getByRole('button', { name: /^Bob/ }).first().click();
  const box = a.page.getByLabel('Message', { exact: true });
  await box.fill('hello bob 你好 🍜');
  await box.press('Enter');
  await a.page.locator('.msg.mine[data-seq]').last().waitFor({ timeout: 5000 });
  // bob sees it in recent conversations
  await b.page.getByRole('button', { name: /Alice/ }).first().click();
  await b.page.getByRole('log').getByText('hello bob').waitFor({ timeout: 5000 });
  await b.page.getByLabel('Message', { exact: true }).fill('hi alice');
  await b.page.getByLabel('Message', { exact: true }).press('Enter');
  await a.page.getByRole('log').getByText('hi alice').waitFor({ timeout: 5000 });
  await a.page.locator('.msg.mine[data-state="read"]').first().waitFor({ timeout: 5000 });
  await a.page.screenshot({ path: `${out}/alice-chat.png` });
  await b.page.screenshot({ path: `${out}/bob-chat.png` });
  console.log('smoke ok');
} catch (e) {
  console.log('smoke FAILED', e);
  await a.page.screenshot({ path: `${out}/alice-fail.png` });
  await b.page.screenshot({ path: `${out}/bob-fail.png` });
  process.exitCode = 1;
} finally {
  console.log([...a.errors, ...b.errors].join('\n'));
  await a.ctx.close();
  await b.ctx.close();
}
