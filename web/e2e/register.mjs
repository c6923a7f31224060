// Register in the browser, log in, edit the profile, reload (the session is remembered), log out.
import { connected, login, openBrowser, startServer } from './lib.mjs';

const out = process.argv[2] || '/tmp';
const server = await startServer();
const a = await openBrowser('dora', server.url);
try {
  await a.page.getByRole('button', { name: 'No account yet? Register' }).click();
  await a.page.getByLabel('Username').fill('dora');
  await a.page.getByLabel('Password', { exact: true }).fill('explorer-42');
  await a.page.getByLabel('Confirm password').fill('explorer-42');
  await a.page.getByLabel('Nickname (optional)').fill('Dora');
  await a.page.getByRole('button', { name: 'Create account' }).click();
  await a.page.getByRole('status').filter({ hasText: 'Account created' }).waitFor();
  await login(a.page, 'dora', 'explorer-42');
  await a.page.getByRole('button', { name: 'Edit profile' }).click();
  await a.page.getByRole('dialog').getByLabel('Signature').fill('Vámonos!');
  await a.page.getByRole('dialog').getByLabel('Gender').selectOption('female');
  await a.page.getByRole('dialog').getByLabel('Email').fill('dora@example.com');
  await a.page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await a.page.getByRole('dialog').getByText('Profile saved').waitFor();
  await a.page.keyboard.press('Escape');
  await a.page.getByRole('combobox', { name: 'My status' }).selectOption('busy');
  await a.page.reload();
  await connected(a.page);
  const status = await a.page.getByRole('combobox', { name: 'My status' }).inputValue();
  console.log('status after reload:', status);
  await a.page.getByRole('button', { name: 'Log out' }).click();
  await a.page.getByRole('button', { name: 'Log in' }).waitFor();
  await a.page.reload();
  await a.page.getByRole('button', { name: 'Log in' }).waitFor();
  console.log('register ok');
} catch (e) {
  console.log('register FAILED', e);
  await a.page.screenshot({ path: `${out}/r-fail.png` });
  process.exitCode = 1;
} finally {
  if (a.errors.length) console.log(a.errors.join('\n'));
  await a.ctx.close();
  await server.stop();
}
