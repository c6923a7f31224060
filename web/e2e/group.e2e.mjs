// A group of three: the owner creates it, two others find and join it, an @mention is
// counted, a muted member is told and cannot send, a kicked member is told and cannot
// send, and everyone sees the changes as lines in the group.
import { e2e, expect, login, send } from './lib.mjs';

async function join(page, name, open) {
  await page.getByLabel('Search', { exact: true }).fill(name);
  await page.getByRole('button', { name: `Join ${name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: `Join ${name}` }).click();
  await page.getByRole('dialog').getByRole('status').waitFor();
  await page.keyboard.press('Escape');
  await page.getByLabel('Search', { exact: true }).fill('');
  await page.getByRole('tab', { name: 'Messages' }).click();
  if (!open) return;
  await page.getByRole('button', { name: new RegExp(`^${name}`) }).first().click();
  await page.getByRole('log', { name: `Messages with ${name}` }).waitFor();
}

async function memberAction(owner, who) {
  await owner.getByRole('button', { name: new RegExp(`^Actions for ${who}`) }).click();
  return owner.getByRole('dialog').last();
}

await e2e('group', async (t) => {
  const a = await t.open('alice');
  const b = await t.open('bob');
  const c = await t.open('carol');
  for (const [x, user] of [[a, 'alice'], [b, 'bob'], [c, 'carol']]) await login(x.page, user);

  await a.page.getByRole('button', { name: 'Create group' }).click();
  await a.page.getByRole('dialog').getByLabel('Group name').fill('Hiking club 爬山');
  await a.page.getByRole('dialog').getByLabel('Who can join').selectOption('open');
  await a.page.getByRole('dialog').getByRole('button', { name: 'Create group' }).click();
  await a.page.getByRole('log').getByText('created the group').waitFor();
  await join(b.page, 'Hiking club 爬山', false);
  await join(c.page, 'Hiking club 爬山', true);
  await a.page.getByRole('log').getByText(/Carol.* joined the group/).waitFor();
  t.step('created, and joined by two');

  await send(c.page, 'hi all, carol here');
  await a.page.getByRole('log').getByText('hi all, carol here').waitFor();
  const box = a.page.getByLabel('Message', { exact: true });
  await box.click();
  await box.pressSequentially('@Bo');
  await a.page.getByRole('listbox', { name: 'Mention a member' }).waitFor();
  await box.press('Enter');
  await box.pressSequentially('meeting at 8');
  await box.press('Enter');
  await b.page.getByRole('button', { name: /Hiking club.*1 mentions/ }).waitFor();
  await t.shot(b.page, 'group-mention.png');
  t.step('an @mention is counted for bob');

  await a.page.getByRole('button', { name: 'Group info' }).click();
  await a.page.getByRole('list', { name: /members/i }).or(a.page.getByRole('dialog')).first().waitFor();
  let dialog = await memberAction(a.page, 'Bob');
  await dialog.getByLabel('Mute for').selectOption('600');
  await dialog.getByRole('button', { name: 'Mute', exact: true }).click();
  await dialog.getByText(/muted until/).waitFor();
  await a.page.keyboard.press('Escape');
  await b.page.getByRole('button', { name: /Hiking club/ }).first().click();
  await b.page.getByText('You are muted until').waitFor();
  await b.page.getByRole('log').getByText(/muted You until/).waitFor();
  expect(await b.page.getByLabel('Message', { exact: true }).isDisabled(), 'a muted member can still type');
  await c.page.getByRole('log').getByText(/muted Bob .* until/).waitFor();
  await t.shot(b.page, 'group-muted.png');
  t.step('bob is muted, and told until when');

  dialog = await memberAction(a.page, 'Carol');
  await dialog.getByRole('button', { name: 'Remove from group' }).click();
  await a.page.getByRole('button', { name: 'Confirm' }).click();
  // carol has the group open: she is told there, and the group leaves her list
  await c.page.getByText('You are no longer a member of this group').waitFor();
  await c.page.getByRole('log').getByText(/removed You from the group/).waitFor();
  expect(await c.page.getByLabel('Message', { exact: true }).isDisabled(), 'a removed member can still type');
  await b.page.getByRole('log').getByText(/removed Carol.* from the group/).waitFor();
  await a.page.keyboard.press('Escape');
  await send(a.page, 'after carol left');
  await b.page.getByRole('log').getByText('after carol left').waitFor();
  expect((await c.page.getByText('after carol left').count()) === 0, 'a removed member got a later message');
  await t.shot(a.page, 'group.png');
  t.step('carol is removed: told, cannot send, gets nothing after');
});
