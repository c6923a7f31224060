// Managing friends in the page: a remark, categories (create, rename, move a friend),
// invisible presence as friends see it, deleting a friend, and blocking one (whose
// messages are then refused); a group member found in the member list is messaged and
// asked to be a friend.
import { api, e2e, expect, login } from './lib.mjs';

async function befriend(server, from, to) {
  // a device per pair: a second login on the same device would revoke the first token
  const device = `script-${from}-${to}`;
  const a = await api(server, 'login', { username: from, password: 'parley-demo-1', device });
  const b = await api(server, 'login', { username: to, password: 'parley-demo-1', device });
  const target = await api(server, 'profile_get', { username: to }, a.token);
  const asked = await api(server, 'friend_request', { user_id: target.user_id, note: 'hi' }, a.token);
  await api(server, 'friend_respond', { request_id: asked.request_id, accept: true }, b.token);
  return { a, b };
}

function category(page, name) {
  return page.locator('section.category').filter({ has: page.getByRole('button', { name: `Show or hide ${name}` }) });
}

await e2e('friends', async (t) => {
  const { a: aliceToken } = await befriend(t.server, 'alice', 'bob');
  await befriend(t.server, 'alice', 'carol');
  const a = await t.open('alice');
  const b = await t.open('bob');
  const c = await t.open('carol');
  for (const [x, user] of [[a, 'alice'], [b, 'bob'], [c, 'carol']]) await login(x.page, user);
  await a.page.getByRole('tab', { name: 'Friends' }).click();

  await a.page.getByRole('button', { name: /^Actions for Bob/ }).click();
  await a.page.getByRole('dialog').getByLabel('Remark').fill('Bobby 小鲍');
  await a.page.getByRole('dialog').getByRole('button', { name: 'Set remark' }).click();
  await a.page.getByRole('dialog').getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await a.page.keyboard.press('Escape');
  await a.page.getByRole('button', { name: /^Bobby 小鲍, Online/ }).waitFor();
  t.step('a remark replaces the name in the list');

  await a.page.getByRole('button', { name: 'Manage categories' }).click();
  await a.page.getByRole('dialog').getByLabel('New category').fill('同学');
  await a.page.getByRole('dialog').getByRole('button', { name: 'Create' }).click();
  await a.page.getByRole('dialog').getByLabel('Category name: 同学').fill('Classmates 同学');
  await a.page.getByRole('dialog').getByRole('button', { name: 'Rename: 同学' }).click();
  await a.page.getByRole('dialog').getByLabel('Category name: Classmates 同学').waitFor();
  await a.page.keyboard.press('Escape');
  await a.page.getByRole('button', { name: /^Actions for Bobby/ }).click();
  await a.page.getByRole('dialog').getByLabel('Move to category').selectOption({ label: 'Classmates 同学' });
  await a.page.getByRole('dialog').getByRole('button', { name: 'Move', exact: true }).click();
  await a.page.getByRole('dialog').getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  await a.page.keyboard.press('Escape');
  await category(a.page, 'Classmates 同学').getByRole('button', { name: /^Bobby 小鲍/ }).waitFor();
  expect((await category(a.page, 'My friends').getByRole('button', { name: /^Bobby/ }).count()) === 0, 'bob is in two categories');
  await t.shot(a.page, 'friends.png');
  t.step('a category created, renamed, and a friend moved into it');

  await b.page.getByRole('combobox', { name: 'My status' }).selectOption('invisible');
  await a.page.getByRole('button', { name: /^Bobby 小鲍, Offline/ }).waitFor();
  await b.page.getByRole('combobox', { name: 'My status' }).selectOption('busy');
  await a.page.getByRole('button', { name: /^Bobby 小鲍, Busy/ }).waitFor();
  t.step('an invisible friend looks offline; busy shows as busy');

  await a.page.getByRole('button', { name: /^Actions for Carol/ }).click();
  await a.page.getByRole('dialog').getByRole('button', { name: 'Delete friend' }).click();
  await a.page.getByRole('button', { name: 'Confirm' }).click();
  await a.page.getByRole('button', { name: /^Carol/ }).waitFor({ state: 'detached' });
  await c.page.getByRole('tab', { name: 'Friends' }).click();
  await c.page.getByText('No friends yet').waitFor();
  t.step('a deleted friend leaves both lists');

  await a.page.getByRole('button', { name: /^Actions for Bobby/ }).click();
  await a.page.getByRole('dialog').getByRole('button', { name: 'Block' }).click();
  await a.page.getByRole('button', { name: 'Confirm' }).click();
  await b.page.getByRole('tab', { name: 'Friends' }).click();
  await b.page.getByRole('button', { name: /^Alice/ }).first().click();
  await b.page.getByLabel('Message', { exact: true }).fill('are you there?');
  await b.page.getByLabel('Message', { exact: true }).press('Enter');
  await b.page.locator('.msg.mine[data-state="failed"]').waitFor();
  const convs = await api(t.server, 'conversations', {}, aliceToken.token);
  expect(!JSON.stringify(convs).includes('are you there?'), 'a blocked user reached alice');
  t.step('a blocked friend cannot message');

  // carol, no longer a friend, is found in a group's member list
  const g = await api(t.server, 'group_create', { name: 'Film club', join_policy: 'open' }, aliceToken.token);
  const carolToken = await api(t.server, 'login', { username: 'carol', password: 'parley-demo-1', device: 'script-carol' });
  await api(t.server, 'group_join', { group_id: g.group_id }, carolToken.token);
  await a.page.getByRole('tab', { name: 'Groups' }).click();
  await a.page.getByRole('button', { name: /^Film club/ }).first().click();
  await a.page.getByRole('button', { name: 'Group info' }).click();
  await a.page.getByRole('button', { name: /^Actions for Carol/ }).dblclick();
  await a.page.getByRole('dialog').last().getByRole('button', { name: 'Add as friend' }).click();
  await a.page.getByRole('dialog').last().getByRole('button', { name: /Send friend request to/ }).click();
  await a.page.getByRole('dialog').last().getByRole('status').waitFor();
  await a.page.keyboard.press('Escape');
  await c.page.getByRole('button', { name: /Notifications \(1\)/ }).waitFor();
  t.step('a group member asked to be a friend from the member list');
});
