// Helpers for the manual end-to-end checks: a parleyd of our own and Chromium pages.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const webRoot = join(here, '..', 'dist');
const bin = process.env.PARLEYD || '/work/main/build/release/src/server/parleyd';

export async function startServer(dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-')), port = 0) {
  const portFile = join(dataDir, 'port');
  const proc = spawn(bin, ['--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--demo-data', '--web-root', webRoot, '--port-file', portFile, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 100 && !existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 50 && !readFileSync(portFile, 'utf8').trim(); i++) await new Promise((r) => setTimeout(r, 100));
  const p = Number(readFileSync(portFile, 'utf8').trim());
  return {
    proc,
    dataDir,
    port: p,
    url: `http://127.0.0.1:${p}`,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', resolve);
        proc.kill('SIGTERM');
      }),
  };
}

const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

export async function openBrowser(name, url, viewport = { width: 1100, height: 720 }) {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), `pw-${name}-`)), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args,
    viewport,
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`${name}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`${name} pageerror: ${e.message}`));
  await page.addInitScript(() => localStorage.setItem('parley.lang', 'en'));
  await page.goto(url);
  return { name, ctx, page, errors };
}

export async function login(page, user, password = 'parley-demo-1') {
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await connected(page);
}

export async function connected(page, timeout = 10000) {
  await page.locator('[role="status"][data-state="online"]').waitFor({ timeout });
}

export async function send(page, text) {
  const box = page.getByLabel('Message', { exact: true });
  await box.fill(text);
  await box.press('Enter');
}
