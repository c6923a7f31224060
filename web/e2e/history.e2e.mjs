// Infinite scroll back through a long history, jump to latest, message search, and a
// search hit shown in its conversation (loaded first when older than what is there).
import { api, connected, e2e, expect, login } from './lib.mjs';

/** Whether the element `sel` inside the scrolling `log` is within its visible part. */
function inView(log, sel) {
  return log.evaluate((el, s) => {
    const m = el.querySelector(s);
    if (!m) return false;
    const a = el.getBoundingClientRect();
    const b = m.getBoundingClientRect();
    return b.bottom > a.top && b.top < a.bottom;
  }, sel);
}

await e2e('history', async (t) => {
  const bob = await api(t.server, 'login', { username: 'bob', password: 'parley-demo-1', device: 'script' });
  const alice = await api(t.server, 'profile_get', { username: 'alice' }, bob.token);
  for (let i = 1; i <= 95; i++) {
    const text = i === 7 ? 'the secret word is pineapple 菠萝' : `message number ${i}`;
    await api(t.server, 'message_send', { to: alice.user_id, client_id: `h-${i}`, body: { text } }, bob.token);
  }
  const a = await t.open('alice');
  await login(a.page, 'alice');
  await a.page.getByRole('button', { name: /95 unread/ }).click();
  const log = a.page.getByRole('log');
  await log.locator('[data-seq="95"]').waitFor();
  expect((await log.locator('[data-seq="1"]').count()) === 0, 'the whole history was loaded at once');
  for (let i = 0; i < 10 && !(await log.locator('[data-seq="1"]').count()); i++) {
    await log.evaluate((el) => (el.scrollTop = 0));
    await a.page.waitForTimeout(400);
  }
  await log.locator('[data-seq="1"]').waitFor({ timeout: 3000 });
  await a.page.getByText('This is the beginning of the conversation').waitFor();
  t.step('scrolled back to the first message');
  await a.page.getByRole('button', { name: 'Jump to latest' }).click();
  await a.page.getByRole('button', { name: 'Jump to latest' }).waitFor({ state: 'detached' });
  await a.page.getByRole('button', { name: /unread/ }).waitFor({ state: 'detached' });
  t.step('jumped to the latest; nothing unread');

  await a.page.getByRole('button', { name: 'Search messages' }).click();
  await a.page.getByLabel('Keyword').fill('菠萝');
  await a.page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await a.page.getByRole('list', { name: 'Search results' }).getByText('the secret word is pineapple 菠萝').waitFor();
  await t.shot(a.page, 'search.png');
  await a.page.getByRole('list', { name: 'Search results' }).getByText('the secret word is pineapple 菠萝').click();
  await log.locator('[data-seq="7"]').waitFor();
  expect(await inView(log, '[data-seq="7"]'), 'the hit is not scrolled into view');
  t.step('clicking a hit shows the message in the conversation');

  // after a reload only the newest page is there: the hit's page is loaded first
  await a.page.reload();
  await connected(a.page);
  await a.page.getByRole('list', { name: 'Messages' }).getByRole('button').first().click();
  await log.locator('[data-seq="95"]').waitFor();
  expect((await log.locator('[data-seq="7"]').count()) === 0, 'the old page is still there after a reload');
  await a.page.getByRole('button', { name: 'Search messages' }).click();
  await a.page.getByLabel('Keyword').fill('pineapple');
  await a.page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await a.page.getByRole('list', { name: 'Search results' }).getByText('the secret word is pineapple 菠萝').click();
  await log.locator('[data-seq="7"]').waitFor();
  await a.page.waitForTimeout(300);
  expect(await inView(log, '[data-seq="7"]'), 'the loaded hit is not scrolled into view');
  t.step('a hit older than what is loaded is loaded and shown');

  await a.page.getByLabel('Keyword').fill('no-such-word-anywhere');
  await a.page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await a.page.getByRole('list', { name: 'Search results' }).getByText('pineapple').waitFor({ state: 'detached' });
  t.step('search by keyword finds the message, and only it');

  // by date: today holds all 95; a range that ends yesterday holds none; with a keyword, one
  const day = (offset) => new Date(Date.now() + offset * 86400000).toLocaleDateString('en-CA');  // YYYY-MM-DD, local
  await a.page.getByLabel('Keyword').fill('');
  await a.page.getByLabel('From').fill(day(0));
  await a.page.getByLabel('To (inclusive)').fill(day(0));
  await a.page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await a.page.getByRole('list', { name: 'Search results' }).getByText('message number 95').waitFor();
  await a.page.getByLabel('Keyword').fill('pineapple');
  await a.page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await a.page.getByRole('list', { name: 'Search results' }).getByText('message number 95').waitFor({ state: 'detached' });
  await a.page.getByRole('list', { name: 'Search results' }).getByText('the secret word is pineapple 菠萝').waitFor();
  await a.page.getByLabel('Keyword').fill('');
  await a.page.getByLabel('From').fill(day(-3));
  await a.page.getByLabel('To (inclusive)').fill(day(-1));
  await a.page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await a.page.getByText('No messages found').waitFor();
  t.step('search by date range, with and without a keyword');
});
