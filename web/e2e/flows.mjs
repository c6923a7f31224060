// End-to-end walk through the main flows with two users and a parleyd of our own.
// Usage: node e2e/flows.mjs [screenshot dir]   (needs `npm run build` first)
import { connected, login, openBrowser, send, startServer } from './lib.mjs';

const out = process.argv[2] || '/tmp';
let server = await startServer();
const a = await openBrowser('alice', server.url);
const b = await openBrowser('bob', server.url);
const step = (s) => console.log(`- ${s}`);
try {
  await login(a.page, 'alice');
  await login(b.page, 'bob');
  step('logged in');

  // friends
  await a.page.getByLabel('Search', { exact: true }).fill('bob');
  await a.page.getByRole('button', { name: /Send friend request to/ }).first().click();
  await a.page.getByRole('dialog').getByRole('button', { name: /Send friend request to/ }).click();
  await a.page.getByRole('dialog').getByRole('status').waitFor();
  await a.page.keyboard.press('Escape');
  await a.page.getByLabel('Search', { exact: true }).fill('');
  await b.page.getByRole('button', { name: /Notifications \(1\)/ }).click();
  await b.page.getByRole('button', { name: /^Accept: / }).click();
  await b.page.keyboard.press('Escape');
  step('friend request accepted');

  // chat
  await a.page.getByRole('tab', { name: 'Friends' }).click();
  await a.page.getByRole('button', { name: /^Bob/ }).first().click();
  await send(a.page, 'hello bob');
  await b.page.getByRole('button', { name: /Alice.*1 unread/ }).waitFor();
  await b.page.getByRole('button', { name: /Alice/ }).first().click();
  await b.page.getByRole('log').getByText('hello bob').waitFor();
  await a.page.locator('.msg.mine[data-state="read"]').first().waitFor();
  await b.page.getByLabel('Message', { exact: true }).type('typing...');
  await a.page.getByText('is typing').waitFor({ timeout: 5000 });
  await b.page.getByLabel('Message', { exact: true }).press('Enter');
  await a.page.getByRole('log').getByText('typing...').waitFor();
  step('chat, unread, read marks, typing');

  // recall
  await send(a.page, 'oops wrong chat');
  await b.page.getByRole('log').getByText('oops wrong chat').waitFor();
  await a.page.getByRole('button', { name: 'Recall: oops wrong chat' }).click();
  await b.page.getByText('recalled a message').waitFor();
  step('recall');

  // group
  await a.page.getByRole('button', { name: 'Create group' }).click();
  await a.page.getByRole('dialog').getByLabel('Group name').fill('Hiking club');
  await a.page.getByRole('dialog').getByLabel('Who can join').selectOption('open');
  await a.page.getByRole('dialog').getByRole('button', { name: 'Create group' }).click();
  await a.page.getByRole('log').getByText('created the group').waitFor();
  await b.page.getByLabel('Search', { exact: true }).fill('Hiking');
  await b.page.getByRole('button', { name: 'Join Hiking club' }).click();
  await b.page.getByRole('dialog').getByRole('button', { name: 'Join Hiking club' }).click();
  await b.page.getByRole('dialog').getByRole('status').waitFor();
  await b.page.keyboard.press('Escape');
  await b.page.getByLabel('Search', { exact: true }).fill('');
  await a.page.getByRole('log').getByText('joined the group').waitFor();
  step('group created and joined');
  // mention
  const box = a.page.getByLabel('Message', { exact: true });
  await box.click();
  await box.pressSequentially('@Bo');
  await a.page.getByRole('listbox', { name: 'Mention a member' }).waitFor();
  await box.press('Enter');
  await box.pressSequentially('meeting at 8');
  await box.press('Enter');
  await b.page.getByRole('tab', { name: 'Messages' }).click();
  await b.page.getByRole('button', { name: /Hiking club.*1 mentions/ }).waitFor();
  step('mention counted');
  await a.page.screenshot({ path: `${out}/e2e-group-alice.png` });
  // moderation: mute bob for 10 minutes
  await a.page.getByRole('button', { name: 'Group info' }).click();
  await a.page.getByRole('button', { name: /^Actions for Bob/ }).click();
  await a.page.getByRole('dialog').getByLabel('Mute for').selectOption('600');
  await a.page.getByRole('dialog').getByRole('button', { name: 'Mute', exact: true }).click();
  await a.page.getByRole('dialog').getByText(/muted until/).waitFor();
  await a.page.keyboard.press('Escape');
  await b.page.getByRole('button', { name: /Hiking club/ }).first().click();
  await b.page.getByText('You are muted until').waitFor();
  await b.page.screenshot({ path: `${out}/e2e-group-bob.png` });
  step('mute shown to the member');

  // reconnect: the server restarts while alice sends
  await a.page.getByRole('tab', { name: 'Messages' }).click();
  await a.page.getByRole('button', { name: /^Bob/ }).first().click();
  const { dataDir, port } = server;
  await server.stop();
  await a.page.locator('[role="status"][data-state="reconnecting"]').waitFor();
  await send(a.page, 'sent while offline');
  await a.page.locator('.msg.mine[data-state="pending"]').waitFor();
  server = await startServer(dataDir, port);
  await connected(a.page, 40000);
  await connected(b.page, 40000);
  await a.page.locator('.msg.mine[data-state="pending"]').waitFor({ state: 'detached', timeout: 10000 });
  await b.page.getByRole('button', { name: /Alice/ }).first().click();
  await b.page.getByRole('log').getByText('sent while offline').waitFor();
  const copies = await a.page.getByRole('log').getByText('sent while offline').count();
  if (copies !== 1) throw new Error(`expected one copy after the resync, saw ${copies}`);
  step('reconnect, resend and resync');

  // kicked: the same account logs in on the same device elsewhere
  const device = await a.page.evaluate(() => localStorage.getItem('parley.device'));
  const r = await fetch(`${server.url}/api/v1/login`, { method: 'POST', body: JSON.stringify({ username: 'alice', password: 'parley-demo-1', device }) });
  if (!r.ok) throw new Error(`login over HTTP: ${r.status}`);
  await a.page.getByRole('alert').filter({ hasText: 'logged in on the same device' }).waitFor({ timeout: 10000 });
  await a.page.getByRole('button', { name: 'Log in' }).waitFor();
  step('kicked (4001) back to the login form');
  await a.page.screenshot({ path: `${out}/e2e-kicked.png` });
  console.log('flows ok');
} catch (e) {
  console.log('flows FAILED', e);
  await a.page.screenshot({ path: `${out}/e2e-fail-alice.png` });
  await b.page.screenshot({ path: `${out}/e2e-fail-bob.png` });
  process.exitCode = 1;
} finally {
  const errs = [...a.errors, ...b.errors].filter((e) => !/ERR_CONNECTION_REFUSED|WebSocket connection/.test(e));
  if (errs.length) console.log('console errors:\n' + errs.join('\n'));
  await a.ctx.close();
  await b.ctx.close();
  await server.stop();
}
