// A join request to an approval group, answered from the notifications; a session
// revoked elsewhere (4002) returns the page to the login form.
import { api, e2e, login } from './lib.mjs';

await e2e('approval', async (t) => {
  const a = await t.open('alice');
  const c = await t.open('carol');
  await login(a.page, 'alice');
  await login(c.page, 'carol');
  const alice = await api(t.server, 'login', { username: 'alice', password: 'parley-demo-1', device: 'script' });
  const g = await api(t.server, 'group_create', { name: 'Book club', join_policy: 'approval' }, alice.token);
  await c.page.getByRole('button', { name: 'Join group' }).click();
  await c.page.getByRole('dialog').getByLabel('Group number or name').fill(String(g.group_id));
  await c.page.getByRole('dialog').getByRole('button', { name: 'Find' }).click();
  await c.page.getByRole('dialog').getByLabel('Message to the admins (optional)').fill('let me in');
  await c.page.getByRole('dialog').getByRole('button', { name: 'Join Book club' }).click();
  await c.page.getByRole('dialog').getByText('waiting for approval').waitFor();
  await c.page.keyboard.press('Escape');
  await a.page.getByRole('button', { name: 'Notifications (1)' }).click();
  await a.page.getByRole('dialog').getByText('let me in').waitFor();
  await t.shot(a.page, 'notifications.png');
  await a.page.getByRole('button', { name: /^Accept: .*Book club/ }).click();
  await a.page.getByRole('dialog').getByText('Nothing new').waitFor();
  await a.page.keyboard.press('Escape');
  await c.page.getByRole('button', { name: 'Notifications (1)' }).click();
  await c.page.getByRole('dialog').getByText('You joined Book club').waitFor();
  await c.page.getByRole('dialog').getByRole('button', { name: 'Send message' }).click();
  await c.page.getByRole('log', { name: 'Messages with Book club' }).waitFor();
  t.step('join request approved from the notifications');

  await api(t.server, 'logout', { all: true }, alice.token);
  await a.page.getByRole('alert').filter({ hasText: 'signed out' }).waitFor({ timeout: 10000 });
  await a.page.getByRole('button', { name: 'Log in' }).waitFor();
  t.step('signed out everywhere from a script (4002): back to the login form');
});
