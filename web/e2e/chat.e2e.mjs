// Two people register in their own browsers, become friends and chat both ways: typing,
// unread badges, read marks, recall; a reload keeps the session and the history; the
// server restarts and the pages recover by themselves, resending what was pending once;
// a login elsewhere on the same device signs the page out (4001).
import { connected, e2e, expect, register, login, send } from './lib.mjs';

await e2e('chat', async (t) => {
  const a = await t.open('lily');
  const b = await t.open('mike');
  await register(a.page, 'lily', 'lily-pass-1', 'Lily 莉莉');
  await login(a.page, 'lily', 'lily-pass-1');
  await register(b.page, 'mike', 'mike-pass-1', 'Mike');
  await login(b.page, 'mike', 'mike-pass-1');
  t.step('both registered and logged in');

  await a.page.getByLabel('Search', { exact: true }).fill('mike');
  await a.page.getByRole('button', { name: /Send friend request to/ }).first().click();
  await a.page.getByRole('dialog').getByRole('button', { name: /Send friend request to/ }).click();
  await a.page.getByRole('dialog').getByRole('status').waitFor();
  await a.page.keyboard.press('Escape');
  await a.page.getByLabel('Search', { exact: true }).fill('');
  await b.page.getByRole('button', { name: /Notifications \(1\)/ }).click();
  await b.page.getByRole('button', { name: /^Accept: / }).click();
  await b.page.keyboard.press('Escape');
  await a.page.getByRole('tab', { name: 'Friends' }).click();
  await a.page.getByRole('button', { name: /^Mike/ }).first().waitFor();
  t.step('friend request sent and accepted');

  await a.page.getByRole('button', { name: /^Mike/ }).first().click();
  await send(a.page, 'hello mike 你好');
  await b.page.getByRole('button', { name: /Lily.*1 unread/ }).waitFor();
  await t.shot(b.page, 'chat-unread.png');
  await b.page.getByRole('button', { name: /Lily/ }).first().click();
  await b.page.getByRole('log').getByText('hello mike 你好').waitFor();
  await a.page.locator('.msg.mine[data-state="read"]').first().waitFor();
  await b.page.getByRole('button', { name: /unread/ }).waitFor({ state: 'detached' });
  t.step('unread badge, then read marks');

  await b.page.getByLabel('Message', { exact: true }).pressSequentially('typing back');
  await a.page.getByText('is typing').waitFor({ timeout: 5000 });
  await b.page.getByLabel('Message', { exact: true }).press('Enter');
  await a.page.getByRole('log').getByText('typing back').waitFor();
  t.step('typing seen, reply received');

  await send(a.page, 'oops wrong chat');
  await b.page.getByRole('log').getByText('oops wrong chat').waitFor();
  await a.page.getByRole('button', { name: 'Recall: oops wrong chat' }).click();
  await b.page.getByText('recalled a message').waitFor();
  await a.page.getByText('You recalled a message').waitFor();
  expect((await b.page.getByRole('log').getByText('oops wrong chat').count()) === 0, 'the recalled text is still shown');
  await t.shot(a.page, 'chat.png');
  t.step('recall');

  await b.page.reload();
  await connected(b.page);
  await b.page.getByRole('button', { name: /Lily/ }).first().click();
  await b.page.getByRole('log').getByText('hello mike 你好').waitFor();
  await b.page.getByRole('log').getByText('typing back').waitFor();
  t.step('a reload keeps the session and the history');

  const back = await t.restart();
  await a.page.locator('[role="status"][data-state="reconnecting"]').waitFor();
  await send(a.page, 'sent while the server was away');
  await a.page.locator('.msg.mine[data-state="pending"]').waitFor();
  await back();
  await connected(a.page, 40000);
  await connected(b.page, 40000);
  await a.page.locator('.msg.mine[data-state="pending"]').waitFor({ state: 'detached', timeout: 15000 });
  await b.page.getByRole('log').getByText('sent while the server was away').waitFor();
  for (const page of [a.page, b.page]) {
    const copies = await page.getByRole('log').getByText('sent while the server was away').count();
    expect(copies === 1, `expected one copy after the resync, saw ${copies}`);
  }
  t.step('the server restarted: both pages reconnected, the pending message went once');

  const device = await a.page.evaluate(() => localStorage.getItem('parley.device'));
  const r = await fetch(`${t.server.url}/api/v1/login`, {
    method: 'POST',
    body: JSON.stringify({ username: 'lily', password: 'lily-pass-1', device }),
  });
  expect(r.ok, `login over HTTP: ${r.status}`);
  await a.page.getByRole('alert').filter({ hasText: 'logged in on the same device' }).waitFor({ timeout: 10000 });
  await a.page.getByRole('button', { name: 'Log in' }).waitFor();
  t.step('signed out by a login on the same device (4001)');
});
