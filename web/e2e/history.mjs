// Infinite scroll back through history, jump to latest, and message search.
import { login, openBrowser, startServer } from './lib.mjs';

const out = process.argv[2] || '/tmp';
const server = await startServer();
const api = async (type, data, token) => {
  const r = await fetch(`${server.url}/api/v1/${type}`, {
    method: 'POST',
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    body: JSON.stringify(data),
  });
  const j = await r.json();
  if (!j.ok) throw new Error(`${type}: ${JSON.stringify(j.error)}`);
  return j.result;
};
const a = await openBrowser('alice', server.url);
try {
  const bob = await api('login', { username: 'bob', password: 'parley-demo-1', device: 'script' });
  const alice = await api('profile_get', { username: 'alice' }, bob.token);
  for (let i = 1; i <= 95; i++) {
    await api('message_send', { to: alice.user_id, client_id: `h-${i}`, body: { text: i === 7 ? 'the secret word is pineapple' : `message number ${i}` } }, bob.token);
  }
  await login(a.page, 'alice');
  await a.page.getByRole('button', { name: /95 unread/ }).click();
  const log = a.page.getByRole('log');
  await log.locator('[data-seq="95"]').waitFor();
  if (await log.locator('[data-seq="1"]').count()) throw new Error('loaded everything at once');
  // scroll to the top until the first message is there
  for (let i = 0; i < 10 && !(await log.locator('[data-seq="1"]').count()); i++) {
    await log.evaluate((el) => (el.scrollTop = 0));
    await a.page.waitForTimeout(400);
  }
  await log.locator('[data-seq="1"]').waitFor({ timeout: 3000 });
  await a.page.getByText('This is the beginning of the conversation').waitFor();
  await a.page.getByRole('button', { name: 'Jump to latest' }).click();
  await a.page.getByRole('button', { name: 'Jump to latest' }).waitFor({ state: 'detached' });
  // bob's unread went to zero once read
  await a.page.getByRole('button', { name: /unread/ }).waitFor({ state: 'detached' });
  // search
  await a.page.getByRole('button', { name: 'Search messages' }).click();
  await a.page.getByLabel('Keyword').fill('pineapple');
  await a.page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await a.page.getByRole('list', { name: 'Search results' }).getByText('the secret word is pineapple').waitFor();
  await a.page.screenshot({ path: `${out}/h-search.png` });
  console.log('history ok');
} catch (e) {
  console.log('history FAILED', e);
  await a.page.screenshot({ path: `${out}/h-fail.png` });
  process.exitCode = 1;
} finally {
  if (a.errors.length) console.log(a.errors.join('\n'));
  await a.ctx.close();
  await server.stop();
}
