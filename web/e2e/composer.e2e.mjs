// The composer and the alerts: the emoji picker, multi-line messages with Ctrl+Enter, the
// setting that swaps Enter and Ctrl+Enter; while the page is in the background a new
// message raises the tab title's count, a desktop notification and a sound.
import { api, e2e, expect, login, send } from './lib.mjs';

// Stands in for the browser's Notification and counts the chime's oscillators, so the
// test can see what the page did while it was "in the background".
const stubs = () => {
  window.__notes = [];
  window.__beeps = 0;
  window.Notification = class {
    static permission = 'granted';
    static requestPermission = async () => 'granted';
    constructor(title, options) {
      window.__notes.push({ title, body: options?.body });
    }
    close() {}
  };
  const create = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function (...args) {
    window.__beeps += 1;
    return create.apply(this, args);
  };
};

const toBackground = () => {
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
  document.hasFocus = () => false;
  document.dispatchEvent(new Event('visibilitychange'));
};

await e2e('composer', async (t) => {
  const alice = await api(t.server, 'login', { username: 'alice', password: 'parley-demo-1', device: 'script-a' });
  const bob = await api(t.server, 'profile_get', { username: 'bob' }, alice.token);
  await api(t.server, 'message_send', { to: bob.user_id, client_id: 'c-1', body: { text: 'hi bob' } }, alice.token);
  const b = await t.open('bob');
  await b.page.addInitScript(stubs);
  await b.page.reload();
  await login(b.page, 'bob');
  await b.page.getByRole('button', { name: /^Alice/ }).first().click();
  const box = b.page.getByLabel('Message', { exact: true });
  const log = b.page.getByRole('log');

  await b.page.getByRole('button', { name: 'Emoji', exact: true }).click();
  await b.page.getByRole('group', { name: 'Choose an emoji' }).getByRole('button').first().click();
  const emoji = await box.inputValue();
  expect(emoji.length > 0, 'the emoji picker inserted nothing');
  await box.press('Enter');
  await log.locator('.msg.mine[data-seq]').filter({ hasText: emoji }).waitFor();
  t.step(`the emoji picker inserts ${emoji}`);

  await box.pressSequentially('line one');
  await box.press('Control+Enter');
  await box.pressSequentially('第二行');
  await box.press('Enter');
  const twoLines = log.locator('.msg.mine[data-seq]').filter({ hasText: '第二行' });
  await twoLines.waitFor();
  expect((await twoLines.innerText()).includes('line one\n第二行'), 'the message lost its line break');
  t.step('Ctrl+Enter adds a line, Enter sends');

  await b.page.getByRole('button', { name: 'Settings' }).click();
  await b.page.getByRole('dialog').getByLabel('Ctrl+Enter (Enter adds a line)').check();
  await b.page.keyboard.press('Escape');
  await box.pressSequentially('first');
  await box.press('Enter');
  await box.pressSequentially('second');
  expect((await box.inputValue()) === 'first\nsecond', 'Enter sent the message after the swap');
  await box.press('Control+Enter');
  await log.locator('.msg.mine[data-seq]').filter({ hasText: 'second' }).waitFor();
  t.step('the setting swaps Enter and Ctrl+Enter');

  await b.page.getByRole('button', { name: 'Settings' }).click();
  await b.page.getByRole('dialog').getByLabel('Desktop notifications').check();
  await b.page.getByRole('dialog').getByLabel('Sound').check();
  await b.page.keyboard.press('Escape');
  await b.page.getByRole('tab', { name: 'Friends' }).click();  // leave the chat open but look elsewhere
  await b.page.evaluate(toBackground);
  await api(t.server, 'message_send', { to: bob.user_id, client_id: 'c-2', body: { text: 'are you around? 在吗' } }, alice.token);
  await b.page.waitForFunction(() => window.__notes.length > 0, null, { timeout: 10000 });
  const notes = await b.page.evaluate(() => window.__notes);
  expect(notes[0].title.includes('Alice') && notes[0].body === 'are you around? 在吗', `notification: ${JSON.stringify(notes)}`);
  expect((await b.page.evaluate(() => window.__beeps)) > 0, 'no sound was played');
  await b.page.waitForFunction(() => /^\(\d+\) Parley$/.test(document.title), null, { timeout: 5000 });
  t.step(`in the background: a notification, a sound and the title "${await b.page.title()}"`);
});
