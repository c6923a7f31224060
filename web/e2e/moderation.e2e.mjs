// A group's owner at work in the group info panel: a group card, a new admin, muting
// everyone (admins may still speak), inviting a friend, editing the profile, handing the
// group over, and the new owner dissolving it; every member sees each change.
import { api, e2e, expect, login, send } from './lib.mjs';

await e2e('moderation', async (t) => {
  const token = async (user) => (await api(t.server, 'login', { username: user, password: 'parley-demo-1', device: `script-${user}` })).token;
  const [alice, bob, carol] = [await token('alice'), await token('bob'), await token('carol')];
  const g = await api(t.server, 'group_create', { name: 'Chess 象棋', join_policy: 'open' }, alice);
  await api(t.server, 'group_join', { group_id: g.group_id }, bob);
  await api(t.server, 'group_join', { group_id: g.group_id }, carol);
  const dave = await api(t.server, 'register', { username: 'dave', password: 'dave-pass-1', nickname: 'Dave' });
  const daveToken = (await api(t.server, 'login', { username: 'dave', password: 'dave-pass-1', device: 'script-dave' })).token;
  const asked = await api(t.server, 'friend_request', { user_id: dave.user_id }, alice);
  await api(t.server, 'friend_respond', { request_id: asked.request_id, accept: true }, daveToken);

  const a = await t.open('alice');
  const b = await t.open('bob');
  const c = await t.open('carol');
  for (const [x, user] of [[a, 'alice'], [b, 'bob'], [c, 'carol']]) {
    await login(x.page, user);
    await x.page.getByRole('button', { name: /^Chess 象棋/ }).first().click();
  }
  await a.page.getByRole('button', { name: 'Group info' }).click();
  const panel = a.page.locator('aside');

  await panel.getByLabel('My group card').fill('队长 Captain');
  await panel.getByRole('button', { name: 'Save card' }).click();
  await b.page.getByRole('log').getByText('set their group card to "队长 Captain"').waitFor();
  await send(a.page, 'welcome, everyone');
  await b.page.getByRole('log').locator('.msg').filter({ hasText: 'welcome, everyone' }).getByText('队长 Captain').waitFor();
  t.step('the owner\'s card names her messages');

  await panel.getByRole('button', { name: /^Actions for Bob/ }).click();
  await a.page.getByRole('dialog').getByRole('button', { name: 'Make admin' }).click();
  await b.page.getByRole('log').getByText(/made You an admin/).waitFor();
  await a.page.keyboard.press('Escape');
  t.step('bob is made an admin');

  await panel.getByRole('button', { name: 'Mute everyone' }).click();
  await c.page.getByText('Only the owner and admins can speak now').waitFor();
  expect(await c.page.getByLabel('Message', { exact: true }).isDisabled(), 'a member can type while everyone is muted');
  await send(b.page, 'admins may still speak');
  await c.page.getByRole('log').getByText('admins may still speak').waitFor();
  await panel.getByRole('button', { name: 'Unmute everyone' }).click();
  await c.page.getByRole('log').getByText(/unmuted everyone/).waitFor();
  await c.page.getByText('Only the owner and admins can speak now').waitFor({ state: 'detached' });
  t.step('mute-all silences members, not admins, and is lifted');

  // a short mute ends by itself: the member's composer and the owner's member list follow
  await api(t.server, 'group_mute', { group_id: g.group_id, user_id: (await api(t.server, 'profile_get', { username: 'carol' }, alice)).user_id, duration_s: 3 }, alice);
  await c.page.getByText(/You are muted until/).waitFor();
  await panel.getByRole('button', { name: /^Actions for Carol.*muted until/ }).waitFor();
  await c.page.getByText(/You are muted until/).waitFor({ state: 'detached', timeout: 10000 });
  expect(!(await c.page.getByLabel('Message', { exact: true }).isDisabled()), 'the composer stayed disabled after the mute ended');
  await panel.getByRole('button', { name: /^Actions for Carol.*muted until/ }).waitFor({ state: 'detached', timeout: 10000 });
  t.step('a 3 s mute ends by itself, in the composer and in the member list');

  await panel.getByRole('button', { name: 'Invite a friend' }).click();
  await a.page.getByRole('dialog').getByLabel('Friend').selectOption({ label: 'Dave (@dave)' });
  await a.page.getByRole('dialog').getByRole('button', { name: 'Invite a friend' }).click();
  await a.page.getByRole('dialog').getByRole('status').waitFor();
  await a.page.keyboard.press('Escape');
  await c.page.getByRole('log').getByText(/added Dave to the group/).waitFor();
  t.step('a friend is invited and joins');

  await panel.getByRole('button', { name: 'Edit group profile' }).click();
  await a.page.getByRole('dialog').getByLabel('Group name').fill('Chess club 象棋社');
  await a.page.getByRole('dialog').getByLabel('Description').fill('Thursdays 7pm 周四晚七点');
  await a.page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await c.page.getByRole('log').getByText(/changed the group profile/).waitFor();
  await c.page.getByRole('heading', { name: 'Chess club 象棋社' }).or(c.page.getByText('Chess club 象棋社').first()).first().waitFor();
  t.step('the profile is edited; members see the new name');

  await panel.getByRole('button', { name: /^Actions for Bob/ }).click();
  await a.page.getByRole('dialog').getByRole('button', { name: 'Make owner' }).click();
  await a.page.getByRole('button', { name: 'Confirm' }).click();
  await c.page.getByRole('log').getByText(/is now the owner/).waitFor();
  await a.page.keyboard.press('Escape');
  await a.page.getByRole('button', { name: 'Mute everyone' }).waitFor({ state: 'detached' });
  t.step('ownership handed to bob: alice is a member now');

  await b.page.getByRole('button', { name: 'Group info' }).click();
  await b.page.locator('aside').getByRole('button', { name: 'Dissolve group' }).click();
  await b.page.getByRole('button', { name: 'Confirm' }).click();
  await c.page.getByText(/no longer a member|no longer available/).first().waitFor();
  await a.page.getByText(/no longer a member|no longer available/).first().waitFor();
  expect(await c.page.getByLabel('Message', { exact: true }).isDisabled(), 'a dissolved group can still be written to');
  await t.shot(c.page, 'group-dissolved.png');
  t.step('the new owner dissolves the group: nobody can write to it');
});
