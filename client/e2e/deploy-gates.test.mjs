// Deploy gates and webhooks of issue 14 in a real Chromium against a real server (embedded
// default, in-process worker): the owner sets a deploy policy in settings (approval on
// `production`, an evaluation rule on `staging`); a `staging` move is refused with the reason in
// words; a `production` move waits "Awaiting approval"; the owner cannot approve their own request;
// a second admin approves on the Deployments page and the label shows the new version. Then a
// webhook to a local receiver: the secret is shown once, a test event is delivered (and verifies),
// and the delivery row says so. Steps share state and run in order; a step after a failed one is skipped.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { csrfToken, launchBrowser, newSession, screenshot, signUp } from './lib/browser.mjs';
import { startStack } from './lib/stack.mjs';
import { expectText, expectVisible, waitUntil } from './lib/wait.mjs';

// Its own port, so this file can run next to the other browser tests.
process.env.PF_E2E_API_PORT ??= '18070';
process.env.PF_E2E_WEB_PORT ??= '14243';

const run = Date.now().toString(36);
const owner = { name: 'Olga Owner', email: `olga-${run}@example.com`, password: 'correct horse battery staple' };
const second = { name: 'Adam Admin', email: `adam-${run}@example.com`, password: 'correct horse battery staple' };
const PROMPT = 'greet';
const DATASET = 'support-qa';

let stack;
let browser;
let receiver;
let olga;
let adam;
let failed = false;
let scope = { workspaceId: '', projectId: '' };
const received = [];

function step(name, body) {
  it(name, async (t) => {
    if (failed) return t.skip('an earlier step failed');
    try {
      await body();
      olga?.assertClean();
      adam?.assertClean();
    } catch (error) {
      failed = true;
      const shot = (s, who) => s?.page.screenshot({ path: fileURLToPath(new URL(`./artifacts/failure-deploy-gates-${who}.png`, import.meta.url)) }).catch(() => {});
      await shot(olga, 'owner');
      await shot(adam, 'admin');
      throw error;
    }
  });
}

async function api(session, method, path, data) {
  const response = await session.context.request.fetch(`/api/v1${path}`, { method, data, headers: { 'X-CSRF-Token': await csrfToken(session.context) } });
  assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? null : response.json();
}

/** A webhook receiver on a free local port that keeps what it is sent and answers 200. */
function startReceiver() {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('thanks');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}/hook`, close: () => new Promise((r) => server.close(r)) })));
}

/** The Standard Webhooks check: v1,<base64 HMAC-SHA256 of "id.timestamp.body"> with the key after whsec_. */
function verifies(secret, { headers, body }) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`).digest('base64');
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .some((sig) => sig === `v1,${expected}`);
}

const base = () => `/w/${scope.workspaceId}/p/${scope.projectId}`;

describe('deploy gates and webhooks in the web app', { timeout: 300_000 }, () => {
  before(async () => {
    receiver = await startReceiver();
    stack = await startStack();
    browser = await launchBrowser();
    olga = await newSession(browser, stack.baseURL);
  });

  after(async () => {
    await adam?.close();
    await olga?.close();
    await browser?.close();
    await stack?.stop();
    await receiver?.close();
  });

  step('an owner with a prompt at v1 (production) and v2, and a second admin', async () => {
    scope = await signUp(olga, owner);
    const p = `/projects/${scope.projectId}`;
    await api(olga, 'POST', `${p}/prompts`, { name: PROMPT, kind: 'text', template: 'Hello {{ name }}.', commit_message: 'first' });
    await api(olga, 'PUT', `${p}/prompts/${PROMPT}/labels/production`, { version: 1 });
    await api(olga, 'POST', `${p}/prompts/${PROMPT}/versions`, { template: 'Hello {{ name }}, welcome!', commit_message: 'warmer' });
    await api(olga, 'POST', `${p}/datasets`, { name: DATASET, description: 'Support questions' });

    const invitation = await api(olga, 'POST', `/workspaces/${scope.workspaceId}/members`, { email: second.email, role: 'admin' });
    adam = await newSession(browser, stack.baseURL);
    await api(adam, 'POST', '/auth/register', { email: second.email, password: second.password, display_name: second.name });
    await api(adam, 'POST', '/auth/login', { email: second.email, password: second.password });
    await api(adam, 'POST', `/invitations/${invitation.id}/accept`);
  });

  step('the owner sets the deploy policy in settings: approval on production, an evaluation on staging', async () => {
    const { page } = olga;
    await page.goto(`${base()}/settings/deploy-policy`);
    await expectVisible(page.getByRole('heading', { name: 'Deploy policy' }), 'the policy editor');
    await expectVisible(page.getByText('No label is gated'), 'no gate yet');
    await page.getByLabel('Gate another label').fill('production');
    await page.getByRole('button', { name: 'Add gate' }).click();
    await page.getByRole('group', { name: 'Gate of production' }).getByLabel('Require approval').check();
    await page.getByLabel('Gate another label').fill('staging');
    await page.getByRole('button', { name: 'Add gate' }).click();
    const staging = page.getByRole('group', { name: 'Gate of staging' });
    await staging.getByLabel('Require a passing evaluation').check();
    await staging.getByLabel('Dataset for staging').selectOption(DATASET);
    await staging.getByLabel('Minimum pass rate (%) for staging').fill('90');
    await page.getByRole('button', { name: 'Save deploy policy' }).click();
    await expectVisible(page.getByText(/Last changed .* by /), 'the saved policy');
    const policy = await api(olga, 'GET', `/projects/${scope.projectId}/deploy-policy`);
    assert.equal(policy.labels.production.require_approval, true);
    assert.deepEqual(policy.labels.staging.require_evaluation, { dataset: DATASET, dataset_version: null, min_pass_rate: 0.9, max_age_hours: null });
  });

  step('a staging move without an evaluation is refused with the reason in words', async () => {
    const { page } = olga;
    await page.goto(`${base()}/prompts/${PROMPT}`);
    await expectVisible(page.getByRole('heading', { name: 'Labels' }), 'the labels panel');
    await expectVisible(page.getByTestId('label-current-production').getByText('v1'), 'production at v1');
    olga.allowConsoleError(/409/);
    await page.getByRole('button', { name: 'Move staging' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move staging' });
    await dialog.getByRole('button', { name: 'Move label' }).click();
    const alert = dialog.getByRole('alert');
    await expectText(alert, 'Blocked by the deploy gate');
    await expectVisible(alert.getByTestId('gate-failure-detail'), 'the reason in words');
    assert.ok(((await alert.getByTestId('gate-failure-detail').textContent()) ?? '').length > 10, 'a detail sentence');
    await screenshot(page, 'deploy-gate-blocked');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  step('the owner moves production to v2 and sees "Awaiting approval"; their own approve button is disabled', async () => {
    const { page } = olga;
    await page.getByRole('button', { name: 'Move production' }).click();
    await page.getByRole('dialog', { name: 'Move production' }).getByRole('button', { name: 'Move label' }).click();
    const awaiting = page.getByTestId('awaiting-production');
    await expectText(awaiting, 'Moving production to v2 needs a second admin to approve.');
    await expectText(page.getByTestId('label-current-production'), 'v1');
    await awaiting.getByRole('link', { name: 'View the deployment' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Deployments' }), 'the deployments page');
    const approve = page.getByRole('button', { name: 'Approve production of greet to v2' });
    await expectVisible(approve, 'the approve button');
    assert.ok(await approve.isDisabled(), 'the requester cannot approve');
    await expectVisible(page.getByText('Another admin must approve'), 'the explanation');
    await screenshot(page, 'deployments');
  });

  step('the second admin approves on the Deployments page and the label shows v2', async () => {
    const { page } = adam;
    await page.goto(`${base()}/prompts`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Deployments' }).click();
    const approve = page.getByRole('button', { name: 'Approve production of greet to v2' });
    await expectVisible(approve, 'the approve button, for the second admin');
    await waitUntil(() => approve.isEnabled(), 'approve enabled for another admin');
    await approve.click();
    const dialog = page.getByRole('dialog', { name: 'Approve deployment' });
    await dialog.getByLabel('Comment (optional)').fill('Reviewed the diff');
    await dialog.getByRole('button', { name: 'Approve' }).click();
    await waitUntil(async () => (await dialog.count()) === 0, 'the dialog closes');
    await expectVisible(page.getByRole('row', { name: /approved/ }), 'the approved row');
    await page.getByRole('link', { name: PROMPT }).first().click();
    await expectText(page.getByTestId('label-current-production'), 'v2');
    await olga.page.goto(`${base()}/prompts/${PROMPT}`);
    await expectText(olga.page.getByTestId('label-current-production'), 'v2');
    assert.equal(await olga.page.getByTestId('awaiting-production').count(), 0, 'nothing awaits any more');
  });

  step('the owner creates a webhook, sees the secret once, sends a test event and sees the delivery succeed', async () => {
    const { page } = olga;
    await page.goto(`${base()}/settings/webhooks`);
    await expectVisible(page.getByText('No webhooks yet'), 'no webhooks yet');
    await page.getByRole('button', { name: 'New webhook' }).click();
    const form = page.getByRole('dialog', { name: 'New webhook' });
    await form.getByLabel('Payload URL').fill(receiver.url);
    await form.getByLabel('Description (optional)').fill('Local receiver');
    await form.getByRole('button', { name: 'Create webhook' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Webhook signing secret' });
    await expectText(secretDialog, 'It will not be shown again.');
    const secret = await secretDialog.getByLabel('Signing secret').inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/=]+$/);
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    await expectVisible(page.getByText(receiver.url), 'the webhook in the list');
    assert.equal(await page.getByText(secret).count(), 0, 'the secret is gone');

    await page.getByRole('button', { name: `Send test event to ${receiver.url}` }).click();
    await expectText(page.getByTestId('test-outcome'), 'HTTP 200');
    const test = received.find((r) => r.body.includes('webhook.test'));
    assert.ok(test, `the receiver got the test event (${received.length} requests)`);
    assert.ok(verifies(secret, test), 'the signature verifies with the secret shown once');
    await page.getByRole('button', { name: `Deliveries of ${receiver.url}` }).click();
    const row = page.getByRole('table', { name: 'Deliveries' }).getByRole('row', { name: /webhook\.test/ });
    await expectText(row, 'succeeded');
    await expectText(row, '200');
    await screenshot(page, 'webhooks');
  });
});
