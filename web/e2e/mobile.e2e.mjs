// A phone-sized screen: the list and the chat are separate views with a back button;
// the language switch turns the interface to Chinese.
import { e2e, login, send } from './lib.mjs';

await e2e('mobile', async (t) => {
  const a = await t.open('alice', { width: 390, height: 760 });
  await t.shot(a.page, 'mobile-login.png');
  await login(a.page, 'alice');
  await a.page.getByLabel('Search', { exact: true }).fill('bob');
  await a.page.getByRole('button', { name: /^Send message: / }).first().click();
  await send(a.page, 'hi from a phone 📱');
  await a.page.locator('.msg.mine[data-seq]').waitFor();
  await t.shot(a.page, 'mobile-chat.png');
  await a.page.getByRole('button', { name: 'Back' }).click();
  await a.page.getByRole('button', { name: /^Bob/ }).first().waitFor();
  await t.shot(a.page, 'mobile-list.png');
  t.step('list and chat views, with a back button');
  await a.page.getByRole('button', { name: 'Settings' }).click();
  await a.page.getByRole('dialog').getByLabel('Language').selectOption('zh');
  await a.page.getByRole('dialog').getByText('语言').first().waitFor();
  await t.shot(a.page, 'mobile-settings-zh.png');
  t.step('the interface in Chinese');

  // a new visitor whose browser speaks Chinese gets the page in Chinese, and may switch
  const z = await t.open('zh-visitor', { width: 390, height: 760 }, 'zh-CN');
  await z.page.getByRole('button', { name: '登录', exact: true }).waitFor();
  await z.page.getByLabel('用户名').waitFor();
  t.step('a browser in Chinese opens the page in Chinese');
});
