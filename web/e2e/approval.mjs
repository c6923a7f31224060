// A join request to an approval group answered from the notifications; a session revoked elsewhere (4002).
import { login, openBrowser, startServer } from './lib.mjs';

const out = process.argv[2] || '/tmp';
const server = await startServer();
const api = async (type, data, token) => {
  const r = await fetch(`${server.url}/api/v1/${type}`, { method: 'POST', headers: token ? { Authorization: `Bearer ${token}` } : {}, body: JSON.stringify(data) });
  const j = await r.json();
  if (!j.ok) throw new Error(`${type}: ${JSON.stringify(j.error)}`);
  return j.result;
};
const a = await openBrowser('alice', server.url);
const c = await openBrowser('carol', server.url);
try {
  await login(a.page, 'alice');
  await login(c.page, 'carol');
  const alice = await api('login', { username: 'alice', password: 'parley-demo-1', device: 'script' });
  const g = await api('group_create', { name: 'Book club', join_policy: 'approval' }, alice.token);
  await c.page.getByRole('button', { name: 'Join group' }).click();
  await c.page.getByRole('dialog').getByLabel('Group number or name').fill(String(g.group_id));
  await c.page.getByRole('dialog').getByRole('button', { name: 'Find' }).click();
  await c.page.getByRole('dialog').getByLabel('Message to the admins (optional)').fill('let me in');
  await c.page.getByRole('dialog').getByRole('button', { name: 'Join Book club' }).click();
  await c.page.getByRole('dialog').getByText('waiting for approval').waitFor();
  await c.page.keyboard.press('Escape');
  await a.page.getByRole('button', { name: 'Notifications (1)' }).click();
  await a.page.getByRole('dialog').getByText('let me in').waitFor();
  await a.page.getByRole('button', { name: /^Accept: .*Book club/ }).click();
  await a.page.getByRole('dialog').getByText('Nothing new').waitFor();
  await a.page.keyboard.press('Escape');
  await c.page.getByRole('button', { name: 'Notifications (1)' }).click();
  await c.page.getByRole('dialog').getByText('You joined Book club').waitFor();
  await c.page.getByRole('dialog').getByRole('button', { name: 'Send message' }).click();
  await c.page.getByRole('log', { name: 'Messages with Book club' }).waitFor();
  console.log('- approval');
  // alice logs out every device from a script: the page is told why and shows the login form
  await api('logout', { all: true }, alice.token);
  await a.page.getByRole('alert').filter({ hasText: 'signed out' }).waitFor({ timeout: 10000 });
  await a.page.screenshot({ path: `${out}/a-revoked.png` });
  console.log('- revoked (4002)');
  console.log('approval ok');
} catch (e) {
  console.log('approval FAILED', e);
  await a.page.screenshot({ path: `${out}/ap-fail-a.png` });
  await c.page.screenshot({ path: `${out}/ap-fail-c.png` });
  process.exitCode = 1;
} finally {
  if (a.errors.length || c.errors.length) console.log([...a.errors, ...c.errors].join('\n'));
  await a.ctx.close();
  await c.ctx.close();
  await server.stop();
}
