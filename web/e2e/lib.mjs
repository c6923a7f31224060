// Helpers of the end-to-end tests (*.e2e.mjs, run by ctest): a parleyd of our own with a
// temp data dir, and Chromium pages driven by role and label.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const webRoot = join(here, '..', 'dist');
// ctest sets PARLEYD to the build's parleyd; by hand, the Release build is used.
const bin = process.env.PARLEYD || join(here, '..', '..', 'build', 'release', 'src', 'server', 'parleyd');
// Where screenshots go: PARLEY_SCREENSHOTS (ctest: the build dir's screenshots/), else a temp dir.
export const shots = process.env.PARLEY_SCREENSHOTS || mkdtempSync(join(tmpdir(), 'parley-shots-'));
mkdirSync(shots, { recursive: true });

export async function startServer(dataDir = mkdtempSync(join(tmpdir(), 'parley-e2e-')), port = 0) {
  const portFile = join(dataDir, 'port');
  if (!existsSync(join(webRoot, 'index.html'))) throw new Error(`no web client build in ${webRoot}: npm run build`);
  // The cheapest Argon2id cost keeps logins quick, as in the C++ tests.
  const proc = spawn(
    bin,
    ['--listen', `127.0.0.1:${port}`, '--data-dir', dataDir, '--demo-data', '--web-root', webRoot, '--port-file', portFile,
     '--log-level', 'warn', '--argon2-ops', '1', '--argon2-memory-kib', '8'],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  for (let i = 0; i < 100 && !existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 100));
  for (let i = 0; i < 50 && !readFileSync(portFile, 'utf8').trim(); i++) await new Promise((r) => setTimeout(r, 100));
  const p = Number(readFileSync(portFile, 'utf8').trim());
  return {
    proc,
    dataDir,
    port: p,
    url: `http://127.0.0.1:${p}`,
    // SIGTERM and wait; resolves with the exit code (the sanitizer build exits non-zero
    // when it found an error, at shutdown too).
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode ?? 128);
        proc.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 0)));
        proc.kill('SIGTERM');
      }),
  };
}

const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

// A browser of its own (a fresh profile) on `url`, in English unless `locale` is given:
// then the page picks its language from the browser, as for a new visitor.
export async function openBrowser(name, url, viewport = { width: 1100, height: 720 }, locale) {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), `pw-${name}-`)), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args,
    viewport,
    ...(locale ? { locale } : {}),
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(`${name}: ${m.text()}`));
  page.on('pageerror', (e) => errors.push(`${name} pageerror: ${e.message}`));
  if (!locale) await page.addInitScript(() => localStorage.setItem('parley.lang', 'en'));
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

export async function register(page, user, password, nickname) {
  await page.getByRole('button', { name: 'No account yet? Register' }).click();
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  if (nickname) await page.getByLabel('Nickname (optional)').fill(nickname);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('status').filter({ hasText: 'Account created' }).waitFor();
}

export async function api(server, type, data, token) {
  const r = await fetch(`${server.url}/api/v1/${type}`, {
    method: 'POST',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    body: JSON.stringify(data),
  });
  const j = await r.json();
  if (!j.ok) throw new Error(`${type}: ${JSON.stringify(j.error)}`);
  return j.result;
}

export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/**
 * Runs one end-to-end test: `body(t)` gets `t.open(name, viewport?, locale?)` for browsers
 * on the server, `t.server`, `t.restart()` (stops the server; await the function it
 * returns to start it again on the same port and data), `t.step(text)` and
 * `t.shot(page, file)`. The process fails (exit code 1) when the body throws, a page
 * throws an uncaught error, or parleyd does not exit cleanly (0) when stopped; a failing
 * test leaves a screenshot of every page in `shots`.
 */
export async function e2e(name, body) {
  const t = { browsers: [], server: await startServer() };
  t.open = async (who, viewport, locale) => {
    const b = await openBrowser(who, t.server.url, viewport, locale);
    t.browsers.push(b);
    return b;
  };
  let unclean = [];
  t.restart = async () => {
    const { dataDir, port } = t.server;
    const code = await t.server.stop();
    if (code !== 0) unclean.push(code);
    return async () => {
      t.server = await startServer(dataDir, port);
    };
  };
  t.step = (s) => console.log(`- ${s}`);
  t.shot = (page, file) => page.screenshot({ path: join(shots, file) });
  let failed = false;
  try {
    await body(t);
  } catch (e) {
    failed = true;
    console.log(`${name} FAILED`, e);
    for (const b of t.browsers) await b.page.screenshot({ path: join(shots, `${name}-fail-${b.name}.png`) }).catch(() => {});
  } finally {
    const uncaught = t.browsers.flatMap((b) => b.errors.filter((e) => e.includes('pageerror')));
    const other = t.browsers.flatMap((b) => b.errors.filter((e) => !e.includes('pageerror')));
    // Console errors are expected while the server is away (refused connections).
    if (other.length) console.log('console errors (not failures):\n' + other.join('\n'));
    if (uncaught.length) {
      failed = true;
      console.log('uncaught errors in the page:\n' + uncaught.join('\n'));
    }
    for (const b of t.browsers) await b.ctx.close().catch(() => {});
    const code = await t.server.stop();
    if (code !== 0) unclean.push(code);
    if (unclean.length) {
      failed = true;
      console.log(`parleyd exited with ${unclean.join(', ')} instead of 0 (its stderr above says why)`);
    }
  }
  console.log(failed ? `${name} FAILED` : `${name} ok (screenshots in ${shots})`);
  process.exitCode = failed ? 1 : 0;
}
