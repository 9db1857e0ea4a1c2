// The registry flow of issue 4 in a real Chromium against a real server:
// sign up, sign in, create a prompt, edit it into v2, view the diff, move `staging`,
// an editor is refused on `production`, create and revoke an API key, sign out.
// Steps share state and run in order; a step after a failed one is skipped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { csrfToken, launchBrowser, newSession, screenshot, signUp } from './lib/browser.mjs';
import { startStack } from './lib/stack.mjs';
import { expectExactText, expectText, expectUrl, expectVisible, waitUntil } from './lib/wait.mjs';

const run = Date.now().toString(36);
const owner = { name: 'Ada Owner', email: `ada-${run}@example.com`, password: 'correct horse battery staple' };
const editor = { name: 'Bob Editor', email: `bob-${run}@example.com`, password: 'another long passphrase' };
const PROMPT = 'greeting';

let stack;
let browser;
let ada;
let bob;
let failed = false;
let scope = { workspaceId: '', projectId: '' };

/** Run a step unless an earlier one failed; check the browser policy after it. */
function step(name, body) {
  it(name, async (t) => {
    if (failed) return t.skip('an earlier step failed');
    try {
      await body();
      for (const session of [ada, bob]) session?.assertClean();
    } catch (error) {
      failed = true;
      for (const [who, session] of [['ada', ada], ['bob', bob]]) {
        if (session) await session.page.screenshot({ path: `e2e/artifacts/failure-${who}.png` }).catch(() => {});
      }
      throw error;
    }
  });
}

async function signIn(session, user) {
  const { page } = session;
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectVisible(page.getByRole('heading', { name: 'Prompts' }), 'the prompts page after sign-in');
}

async function signOut(session) {
  const { page } = session;
  const menu = page.getByRole('button', { name: 'Menu' });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expectVisible(page.getByRole('button', { name: 'Sign in' }), 'the sign-in page after sign-out');
}

/** Replace the content of a CodeMirror editor found by its label. */
async function fillEditor(page, label, text) {
  const editorBox = page.getByRole('textbox', { name: label });
  await editorBox.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  // insertText bypasses auto-closing brackets, so `{{ x }}` arrives exactly as written.
  await page.keyboard.insertText(text);
}

function scopeFromUrl(url) {
  const match = /\/w\/([^/]+)\/p\/([^/]+)/.exec(new URL(url).pathname);
  assert.ok(match, `no workspace/project in ${url}`);
  return { workspaceId: match[1], projectId: match[2] };
}

describe('registry flow', { timeout: 240_000 }, () => {
  before(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    ada = await newSession(browser, stack.baseURL);
  });

  after(async () => {
    await ada?.close();
    await bob?.close();
    await browser?.close();
    await stack?.stop();
  });

  step('a new user signs up and lands in their default project', async () => {
    await signUp(ada, owner);
    scope = scopeFromUrl(ada.page.url());
    await expectText(ada.page.getByRole('navigation', { name: 'Main' }), 'Playground');
    await screenshot(ada.page, 'prompts-empty');
  });

  step('signs out and signs in again', async () => {
    await signOut(ada);
    await screenshot(ada.page, 'sign-in');
    await signIn(ada, owner);
    await expectUrl(ada.page, /\/prompts$/);
  });

  step('creates a text prompt', async () => {
    const { page } = ada;
    await page.getByRole('link', { name: 'New prompt' }).click();
    await page.getByLabel('Name', { exact: true }).fill(PROMPT);
    await page.getByLabel('Description').fill('Greets a user.');
    await page.getByLabel('Tags').fill('onboarding');
    await fillEditor(page, 'Template', 'Hello {{ name }}!');
    await expectText(page.getByText('Variables:').locator('..'), 'name');
    await page.getByLabel('Commit message').fill('first version');
    await page.getByRole('button', { name: 'Create prompt' }).click();
    await expectVisible(page.getByRole('heading', { name: PROMPT }), 'the prompt page');
    await expectText(page.locator('main'), 'latest v1');
  });

  step('edits it into version 2', async () => {
    const { page } = ada;
    await fillEditor(page, 'Template', 'Hello {{ name }}, welcome to {{ place }}!');
    await page.getByLabel('Commit message').fill('mention the place');
    await page.getByRole('button', { name: 'Save new version' }).click();
    await expectText(page.locator('main'), 'latest v2');
    await screenshot(page, 'prompt-editor');
    await page.getByRole('tab', { name: 'Versions' }).click();
    await expectText(page.getByRole('list', { name: 'Versions' }), 'mention the place');
  });

  step('views the side-by-side diff of v1 and v2', async () => {
    const { page } = ada;
    await page.getByRole('tab', { name: 'Diff' }).click();
    const table = page.getByRole('table', { name: 'Template' });
    await expectText(table, 'welcome to {{ place }}');
    assert.equal(await table.locator('del').count(), 1, 'one removed line');
    assert.equal(await table.locator('ins').count(), 1, 'one added line');
    await screenshot(page, 'prompt-diff');
  });

  step('moves staging to v2 after a from→to confirmation', async () => {
    const { page } = ada;
    await page.getByLabel('Version for staging').selectOption('2');
    await page.getByRole('button', { name: 'Move staging' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move staging' });
    await expectText(dialog.getByTestId('move-from'), 'not set');
    await expectText(dialog.getByTestId('move-to'), 'v2');
    await dialog.getByRole('button', { name: 'Move label' }).click();
    await waitUntil(async () => !(await dialog.isVisible()), 'the dialog to close');
    await expectExactText(page.getByTestId('label-current-staging'), 'v2');
    // The owner deploys v1 to production, so the editor has something to be refused on.
    await page.getByLabel('Version for production').selectOption('1');
    await page.getByRole('button', { name: 'Move production' }).click();
    await page.getByRole('dialog', { name: 'Move production' }).getByRole('button', { name: 'Move label' }).click();
    await expectExactText(page.getByTestId('label-current-production'), 'v1');
    await page.getByRole('button', { name: 'History of production' }).click();
    await expectText(page.getByRole('list', { name: 'History of production' }), '— → v1');
    await screenshot(page, 'prompt-labels');
  });

  step('adds a label and removes it after a confirmation', async () => {
    const { page } = ada;
    await page.getByLabel('New label').fill('canary');
    await page.getByRole('button', { name: 'Add label at v2' }).click();
    await page.getByRole('dialog', { name: 'Move canary' }).getByRole('button', { name: 'Move label' }).click();
    await expectExactText(page.getByTestId('label-current-canary'), 'v2');
    await page.getByRole('button', { name: 'Remove label canary' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove label canary' });
    await expectText(dialog.getByTestId('move-from'), 'v2');
    await dialog.getByRole('button', { name: 'Remove label' }).click();
    await waitUntil(async () => (await page.getByTestId('label-current-canary').count()) === 0, 'canary to disappear');
    const labels = await ada.context.request.get(`/api/v1/projects/${scope.projectId}/prompts/${PROMPT}`);
    assert.deepEqual((await labels.json()).labels, { production: 1, staging: 2 });
  });

  step('creates an API key (secret shown once) and revokes it', async () => {
    const { page } = ada;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('ci');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'API key created' });
    await expectVisible(dialog, 'the new key dialog');
    const secret = await dialog.getByLabel('API key secret').inputValue();
    assert.match(secret, /^pf_/);
    await expectVisible(dialog.getByRole('button', { name: 'Copy key' }));
    await screenshot(page, 'api-key-created');
    await dialog.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByText(secret).count(), 0, 'the secret is not shown again');
    // The key works for an integrator until it is revoked.
    const before = await ada.context.request.get(`/api/v1/projects/${scope.projectId}/prompts/${PROMPT}`, { headers: { Authorization: `Bearer ${secret}` } });
    assert.equal(before.status(), 200);
    await page.getByRole('button', { name: 'Revoke ci' }).click();
    await page.getByRole('dialog', { name: 'Revoke API key' }).getByRole('button', { name: 'Revoke key' }).click();
    await expectVisible(page.getByText('Revoked'), 'the revoked badge');
    const afterRevoke = await ada.context.request.get(`/api/v1/projects/${scope.projectId}/prompts/${PROMPT}`, { headers: { Authorization: `Bearer ${secret}` } });
    assert.equal(afterRevoke.status(), 401);
  });

  step('invites an editor, who accepts the invitation', async () => {
    bob = await newSession(browser, stack.baseURL);
    await signUp(bob, editor);
    const { page } = ada;
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Members' }).click();
    await page.getByLabel('Member email').fill(editor.email);
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    // Pending until Bob accepts: listed with a revoke button, not as a member.
    await expectVisible(page.getByRole('button', { name: `Revoke invitation of ${editor.email}` }), 'the pending invitation');
    assert.equal(await page.getByRole('cell', { name: editor.email }).count(), 0, 'not a member before accepting');

    await bob.page.goto('/');
    const accept = bob.page.getByRole('button', { name: /^Accept invitation to / });
    await expectVisible(accept, "the invitation on Bob's pages");
    await screenshot(bob.page, 'invitation-banner');
    await accept.click();
    await waitUntil(async () => bob.page.url().includes(`/w/${scope.workspaceId}/p/`), "Bob to land in Ada's workspace");
    await expectVisible(bob.page.getByRole('list', { name: 'Prompts' }).getByRole('link', { name: PROMPT }), "Ada's prompt as Bob");
    assert.equal(await bob.page.getByRole('button', { name: /^Accept invitation to / }).count(), 0, 'the invitation is gone');

    await page.reload();
    await expectVisible(page.getByRole('cell', { name: editor.email }), 'the new member');
    assert.equal(await page.getByRole('button', { name: `Revoke invitation of ${editor.email}` }).count(), 0, 'no longer pending');
    await screenshot(page, 'settings-members');
  });

  step('an editor cannot move production', async () => {
    // Open the shared prompt as Bob.
    await bob.page.goto(`/w/${scope.workspaceId}/p/${scope.projectId}/prompts/${PROMPT}`);
    await expectVisible(bob.page.getByRole('heading', { name: PROMPT }), "the owner's prompt as the editor");
    await waitUntil(async () => await bob.page.getByRole('button', { name: 'Move production' }).isDisabled(), 'Move production to be disabled for an editor');
    await expectVisible(bob.page.getByText('Only admins and owners can move production.'));
    assert.equal(await bob.page.getByRole('button', { name: 'Move staging' }).isDisabled(), true, 'staging already at v2 = latest');
    // And the server refuses it too, whatever the UI shows.
    const response = await bob.context.request.put(`/api/v1/projects/${scope.projectId}/prompts/${PROMPT}/labels/production`, {
      data: { version: 2 },
      headers: { 'X-CSRF-Token': await csrfToken(bob.context) },
    });
    assert.equal(response.status(), 403);
    const body = await response.json();
    assert.equal(body.status, 403);
  });

  step('archives the prompt and restores it', async () => {
    const { page } = ada;
    await page.goto(`/w/${scope.workspaceId}/p/${scope.projectId}/prompts/${PROMPT}`);
    await page.getByRole('button', { name: 'Archive prompt' }).click();
    await page.getByRole('dialog', { name: `Archive ${PROMPT}` }).getByRole('button', { name: 'Archive' }).click();
    await expectVisible(page.getByRole('button', { name: 'Restore prompt' }), 'the restore button');
    await page.getByRole('link', { name: '← All prompts' }).click();
    await expectVisible(page.getByText('No prompts yet'), 'an empty list without the archived prompt');
    // The filter lives in the URL: the box shows checked once the navigation has committed.
    await page.getByLabel('Archived').click();
    await waitUntil(async () => await page.getByLabel('Archived').isChecked(), 'the archived filter to apply');
    await page.getByRole('list', { name: 'Prompts' }).getByRole('link', { name: PROMPT }).click();
    await page.getByRole('button', { name: 'Restore prompt' }).click();
    await expectVisible(page.getByRole('button', { name: 'Archive prompt' }), 'the archive button again');
    await page.getByRole('link', { name: '← All prompts' }).click();
    await expectVisible(page.getByRole('list', { name: 'Prompts' }).getByRole('link', { name: PROMPT }), 'the restored prompt listed');
  });

  step('creates a workspace from the switcher', async () => {
    const { page } = ada;
    await page.getByRole('button', { name: 'New workspace' }).click();
    const dialog = page.getByRole('dialog', { name: 'New workspace' });
    await dialog.getByLabel('Workspace name').fill(`Team ${run}`);
    assert.equal(await dialog.getByLabel('Workspace slug').inputValue(), `team-${run}`);
    await dialog.getByRole('button', { name: 'Create workspace' }).click();
    await expectVisible(page.getByText('No prompts yet'), "the new workspace's empty prompt list");
    const moved = scopeFromUrl(page.url());
    assert.notEqual(moved.workspaceId, scope.workspaceId);
    assert.equal(await page.getByLabel('Workspace', { exact: true }).inputValue(), moved.workspaceId);
    await page.getByLabel('Workspace', { exact: true }).selectOption(scope.workspaceId);
    await expectVisible(page.getByRole('list', { name: 'Prompts' }).getByRole('link', { name: PROMPT }), 'back in the first workspace');
  });

  step('signs out', async () => {
    await signOut(bob);
    await bob.page.goto('/');
    await expectUrl(bob.page, /^\/sign-in/);
    await signOut(ada);
  });

  step('works on a narrow window', async () => {
    const narrow = await newSession(browser, stack.baseURL, { viewport: { width: 390, height: 800 } });
    try {
      await signIn(narrow, owner);
      await narrow.page.getByRole('button', { name: 'Menu' }).click();
      await expectVisible(narrow.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prompts' }));
      await screenshot(narrow.page, 'narrow-menu');
      narrow.assertClean();
    } finally {
      await narrow.close();
    }
  });

  // Issue 8: the one Content-Security-Policy (no inline script) also covers Swagger UI; a blocked
  // script or style would be a console error, which the session's policy turns into a failure.
  step('the API docs run under the Content-Security-Policy', async () => {
    const docs = await newSession(browser, stack.baseURL);
    try {
      const response = await docs.page.goto('/docs');
      const policy = response.headers()['content-security-policy'] ?? '';
      assert.match(policy, /script-src 'self'(;|$)/);
      assert.match(policy, /frame-ancestors 'none'/);
      // Rendering the operations also proves Swagger UI reads our OpenAPI 3.1 document.
      const resolve = '/api/v1/projects/{project_id}/prompts/{name}/resolve';
      await expectVisible(docs.page.locator(`.opblock-summary-path[data-path="${resolve}"]`), 'the resolve operation');
      docs.assertClean();
    } finally {
      await docs.close();
    }
  });
});
