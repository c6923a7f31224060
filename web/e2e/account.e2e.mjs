// Register in the browser, log in, edit the profile, choose a status; a reload keeps the
// session and the status; logging out forgets the session.
import { connected, e2e, expect, login, register } from './lib.mjs';

await e2e('account', async (t) => {
  const a = await t.open('dora');
  await t.shot(a.page, 'login.png');
  await register(a.page, 'dora', 'explorer-42', 'Dora');
  await login(a.page, 'dora', 'explorer-42');
  t.step('registered and logged in');
  await a.page.getByRole('button', { name: 'Edit profile' }).click();
  await a.page.getByRole('dialog').getByLabel('Signature').fill('Vámonos! 出发');
  await a.page.getByRole('dialog').getByLabel('Gender').selectOption('female');
  await a.page.getByRole('dialog').getByLabel('Email').fill('dora@example.com');
  await a.page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await a.page.getByRole('dialog').getByText('Profile saved').waitFor();
  await a.page.keyboard.press('Escape');
  await a.page.getByRole('combobox', { name: 'My status' }).selectOption('busy');
  t.step('profile saved, status busy');

  await a.page.reload();
  await connected(a.page);
  await a.page.waitForFunction(() => document.querySelector('select[aria-label="My status"]')?.value === 'busy', null, { timeout: 5000 }).catch(() => {});
  const status = await a.page.getByRole('combobox', { name: 'My status' }).inputValue();
  expect(status === 'busy', `the status after a reload is ${status}, not busy`);
  await a.page.getByRole('button', { name: 'Edit profile' }).click();
  const signature = await a.page.getByRole('dialog').getByLabel('Signature').inputValue();
  expect(signature === 'Vámonos! 出发', `the signature after a reload is ${signature}`);
  await a.page.keyboard.press('Escape');
  t.step('a reload keeps the session, the profile and the status');

  await a.page.getByRole('button', { name: 'Log out' }).click();
  await a.page.getByRole('button', { name: 'Log in' }).waitFor();
  await a.page.reload();
  await a.page.getByRole('button', { name: 'Log in' }).waitFor();
  expect((await a.page.evaluate(() => localStorage.getItem('parley.token'))) === null, 'the token outlived the logout');
  t.step('logged out, and still out after a reload');
});
