// Accessibility: axe-core's checks (names and labels, roles, contrast, ...) on the main
// screens, and the messenger used with the keyboard alone: log in, open a conversation,
// send, open and close a dialog.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { api, e2e, expect } from './lib.mjs';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// Runs axe in the page (evaluated through the browser's debugging protocol, which the
// page's Content-Security-Policy does not govern) and fails on anything above "minor".
async function audit(t, page, screen) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact !== 'minor');
  for (const v of result) console.log(`  ${screen}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.join('; ')})`);
  expect(bad.length === 0, `${screen}: ${bad.length} accessibility findings above minor`);
  t.step(`${screen}: no findings above minor (${result.length} minor)`);
}

await e2e('a11y', async (t) => {
  const alice = await api(t.server, 'login', { username: 'alice', password: 'parley-demo-1', device: 'script' });
  const bob = await api(t.server, 'profile_get', { username: 'bob' }, alice.token);
  await api(t.server, 'message_send', { to: bob.user_id, client_id: 'k-1', body: { text: 'hello, keyboard user' } }, alice.token);
  await api(t.server, 'group_create', { name: 'Readers 读书会', join_policy: 'open' }, alice.token);

  const b = await t.open('bob');
  const page = b.page;
  await audit(t, page, 'login');

  // keyboard only: the username field has focus or is reached with Tab
  await page.getByLabel('Username').focus();
  await page.keyboard.type('bob');
  await page.keyboard.press('Tab');
  await page.keyboard.type('parley-demo-1');
  await page.keyboard.press('Enter');
  await page.locator('[role="status"][data-state="online"]').waitFor();
  const row = page.getByRole('button', { name: /^Alice.*1 unread/ });
  await row.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('log').getByText('hello, keyboard user').waitFor();
  await page.getByLabel('Message', { exact: true }).focus();
  await page.keyboard.type('typed without a mouse');
  await page.keyboard.press('Enter');
  await page.getByRole('log').locator('.msg.mine[data-seq]').filter({ hasText: 'typed without a mouse' }).waitFor();
  t.step('logged in, opened a conversation and sent with the keyboard alone');
  await audit(t, page, 'chat');

  await page.getByRole('button', { name: 'Settings' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  const inside = await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
  expect(inside, 'focus did not move into the dialog');
  await audit(t, page, 'settings dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  t.step('a dialog takes the focus and Escape closes it');

  await page.getByRole('tab', { name: 'Groups' }).focus();
  await page.keyboard.press('Enter');
  await page.getByLabel('Search', { exact: true }).fill('Readers');
  await page.getByRole('button', { name: /Join Readers/ }).first().waitFor();
  await audit(t, page, 'search results');

  await page.getByRole('button', { name: /Join Readers/ }).first().click();
  await page.getByRole('dialog').getByRole('button', { name: /Join Readers/ }).click();
  await page.getByRole('dialog').getByRole('status').waitFor();
  await page.keyboard.press('Escape');
  await page.getByLabel('Search', { exact: true }).fill('');
  await page.getByRole('tab', { name: 'Messages' }).click();
  await page.getByRole('button', { name: /^Readers/ }).first().click();
  await page.getByRole('button', { name: 'Group info' }).click();
  await page.locator('aside').getByRole('button', { name: /^Actions for Alice/ }).waitFor();
  await audit(t, page, 'group info');
});
