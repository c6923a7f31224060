// Phone-sized screenshots: the list view, the chat view with its back button, and Chinese.
import { login, openBrowser, send, startServer } from './lib.mjs';

const out = process.argv[2] || '/tmp';
const server = await startServer();
const a = await openBrowser('alice', server.url, { width: 390, height: 760 });
try {
  await a.page.screenshot({ path: `${out}/m-login.png` });
  await login(a.page, 'alice');
  await a.page.getByLabel('Search', { exact: true }).fill('bob');
  await a.page.getByRole('button', { name: /^Send message: / }).first().click();
  await send(a.page, 'hi from a phone');
  await a.page.locator('.msg.mine[data-seq]').waitFor();
  await a.page.screenshot({ path: `${out}/m-chat.png` });
  await a.page.getByRole('button', { name: 'Back' }).click();
  await a.page.getByRole('button', { name: /^Bob/ }).first().waitFor();
  await a.page.screenshot({ path: `${out}/m-list.png` });
  await a.page.getByRole('button', { name: 'Settings' }).click();
  await a.page.getByRole('dialog').getByLabel('Language').selectOption('zh');
  await a.page.screenshot({ path: `${out}/m-settings-zh.png` });
  console.log('mobile ok');
} catch (e) {
  console.log('mobile FAILED', e);
  await a.page.screenshot({ path: `${out}/m-fail.png` });
  process.exitCode = 1;
} finally {
  if (a.errors.length) console.log(a.errors.join('\n'));
  await a.ctx.close();
  await server.stop();
}
