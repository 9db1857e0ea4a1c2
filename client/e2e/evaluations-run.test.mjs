// Evaluations of issue 12 (part 1) in a real Chromium against a real server (embedded default:
// in-process queue, worker and event fan-out) with e2e/fake-openai.mjs as the provider: set up an
// evaluation with two variants and three assertion types through the form (with its estimate),
// watch its progress reach 100% live over the WebSocket, cancel a long one (a slow fake model),
// and a viewer's read-only list, refused form and button-less run header, at 390 px wide.
// Steps share state and run in order; a step after a failed one is skipped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { csrfToken, launchBrowser, newSession, screenshot, signUp } from './lib/browser.mjs';
import { startStack } from './lib/stack.mjs';
import { expectText, expectUrl, expectVisible, waitUntil } from './lib/wait.mjs';
import { startFakeOpenAI } from './fake-openai.mjs';

// Its own ports, so this file can run next to the other browser tests.
process.env.PF_E2E_API_PORT ??= '18050';
process.env.PF_E2E_WEB_PORT ??= '14223';

const run = Date.now().toString(36);
const owner = { name: 'Eve Evaluations', email: `eve-${run}@example.com`, password: 'correct horse battery staple' };
const viewer = { name: 'Val Viewer', email: `val-${run}@example.com`, password: 'correct horse battery staple' };
const DATASET = 'guests';
const PROMPT = 'greet';
const ITEMS = 10;

let stack;
let browser;
let fake;
let eve;
let failed = false;
let scope = { workspaceId: '', projectId: '' };
let providerId = '';
let slowId = '';

function step(name, body) {
  it(name, async (t) => {
    if (failed) return t.skip('an earlier step failed');
    try {
      await body();
      eve?.assertClean();
    } catch (error) {
      failed = true;
      if (eve) await eve.page.screenshot({ path: fileURLToPath(new URL('./artifacts/failure-evaluations-run.png', import.meta.url)) }).catch(() => {});
      throw error;
    }
  });
}

async function api(session, method, path, data) {
  const response = await session.context.request.fetch(`/api/v1${path}`, { method, data, headers: { 'X-CSRF-Token': await csrfToken(session.context) } });
  assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? null : response.json();
}

const base = () => `/w/${scope.workspaceId}/p/${scope.projectId}`;
const progressOf = async (page) => Number(await page.getByRole('progressbar', { name: 'Evaluation progress' }).getAttribute('aria-valuenow'));

describe('evaluations: the form and the live run', { timeout: 300_000 }, () => {
  before(async () => {
    fake = await startFakeOpenAI({ dripMs: 5 });
    stack = await startStack();
    browser = await launchBrowser();
    eve = await newSession(browser, stack.baseURL);
  });

  after(async () => {
    await eve?.close();
    await browser?.close();
    await stack?.stop();
    await fake?.close();
  });

  step('a new user with a prompt, a dataset and a provider finds no evaluations yet', async () => {
    const { page } = eve;
    scope = await signUp(eve, owner);
    const p = `/projects/${scope.projectId}`;
    providerId = (await api(eve, 'POST', `${p}/providers`, { name: 'local', kind: 'openai_compatible', base_url: fake.url, api_key: 'sk-local', default_model: 'gpt-4o-mini' })).id;
    await api(eve, 'POST', `${p}/prompts`, { name: PROMPT, kind: 'text', template: 'Greet {{ name }} politely.', commit_message: 'first' });
    await api(eve, 'POST', `${p}/datasets`, { name: DATASET, description: 'Guests to greet' });
    const items = Array.from({ length: ITEMS }, (_, i) => ({ input: { name: `Guest${i + 1}` } }));
    await api(eve, 'POST', `${p}/datasets/${DATASET}/items`, { items });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evaluations' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Evaluations' }), 'the evaluations page');
    await expectVisible(page.getByText('No evaluations yet'), 'the empty state');
  });

  step('sets up two variants and three assertion types in the form and sees the estimate', async () => {
    const { page } = eve;
    await page.getByRole('link', { name: 'New evaluation' }).click();
    await expectVisible(page.getByRole('heading', { name: 'New evaluation' }), 'the form');
    await page.getByLabel('Evaluation name').fill('greeting check');
    await page.getByLabel('Dataset', { exact: true }).selectOption(DATASET);
    await expectText(page.getByRole('region', { name: 'Name and dataset' }), `${ITEMS} items at its current version v1.`);

    const first = page.getByRole('group', { name: 'Variant 1' });
    await first.getByLabel('Prompt').selectOption(PROMPT);
    await first.getByLabel('Provider connection').selectOption(providerId);
    await first.getByLabel('Model').fill('gpt-4o-mini-paced');
    await first.getByRole('button', { name: /Duplicate variant/ }).click();
    const second = page.getByRole('group', { name: 'Variant 2' });
    assert.equal(await second.getByLabel('Variant name').inputValue(), 'B');
    assert.equal(await second.getByLabel('Provider connection').inputValue(), providerId, 'the copy keeps the connection');
    await second.getByLabel('Model').fill('gpt-4o-paced');
    await second.getByLabel('Temperature').fill('0.2');

    const picker = page.getByLabel('Assertion type');
    await picker.selectOption('icontains');
    await page.getByRole('button', { name: 'Add assertion' }).click();
    await page.getByRole('group', { name: 'Assertion 1: icontains' }).getByLabel('Value').fill('{{ name }}');
    await picker.selectOption('contains');
    await page.getByRole('button', { name: 'Add assertion' }).click();
    await page.getByRole('group', { name: 'Assertion 2: contains' }).getByLabel(/Invert/).check();
    await page.getByRole('group', { name: 'Assertion 2: not-contains' }).getByLabel('Value').fill('sorry');
    await picker.selectOption('latency');
    await page.getByRole('button', { name: 'Add assertion' }).click();
    const latency = page.getByRole('group', { name: 'Assertion 3: latency' });
    await expectText(latency, 'The call took at most the threshold in milliseconds.');
    await latency.getByLabel('Most milliseconds').fill('60000');
    await page.getByLabel('Concurrency').fill('2');

    const estimate = page.getByRole('region', { name: 'Estimate' });
    await expectText(estimate.getByTestId('estimate-calls'), String(ITEMS * 2), 'the number of provider calls');
    await waitUntil(async () => (await estimate.getByTestId('estimate-cost').textContent()).startsWith('$'), 'a cost estimate from the pricing table');
    await expectText(estimate.getByRole('table', { name: 'Estimate per variant' }), 'gpt-4o-paced');
    await page.setViewportSize({ width: 1280, height: 2000 });
    await screenshot(page, 'evaluation-form');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  step('starts it and watches the progress reach 100% live, without polling', async () => {
    const { page } = eve;
    const gets = [];
    page.on('request', (request) => {
      if (request.method() === 'GET' && /\/evaluations\/[0-9a-f-]{36}$/.test(new URL(request.url()).pathname)) gets.push(request.url());
    });
    await page.getByRole('button', { name: 'Start evaluation' }).click();
    await expectUrl(page, /\/evaluations\/[0-9a-f-]{36}$/);
    const header = page.getByRole('region', { name: 'Evaluation run' });
    await expectText(header, 'greeting check');
    const seen = new Set();
    let shot = false;
    await waitUntil(
      async () => {
        const value = await progressOf(page);
        seen.add(value);
        if (!shot && value > 0 && value < 100) {
          shot = true;
          await screenshot(page, 'evaluation-live');
        }
        return value === 100;
      },
      'the progress to reach 100%',
      30_000,
    );
    assert.ok([...seen].some((v) => v > 0 && v < 100), `progress moved in steps: ${[...seen].join(', ')}`);
    await expectText(header, 'Completed');
    await expectText(header, '✓ Passed');
    await expectText(header.getByTestId('eval-done'), `${ITEMS * 2} / ${ITEMS * 2}`);
    await expectText(header.getByTestId('eval-passed'), String(ITEMS * 2));
    // Progress came over the WebSocket: the evaluation was read on open, on subscribing and once finished.
    assert.ok(gets.length <= 3, `the evaluation was polled: ${gets.length} GETs`);
    const calls = fake.requests.filter((r) => r.path === '/v1/chat/completions').map((r) => r.body.model);
    assert.equal(calls.filter((m) => m === 'gpt-4o-mini-paced').length, ITEMS);
    assert.equal(calls.filter((m) => m === 'gpt-4o-paced').length, ITEMS);
  });

  step('the list shows it with its pass rate per variant', async () => {
    const { page } = eve;
    await page.getByRole('link', { name: '← Evaluations' }).click();
    const row = page.getByRole('row', { name: /greeting check/ });
    await expectVisible(row, 'the evaluation row');
    await expectText(row, '100%');
    await expectText(row, '✓ Passed');
  });

  step('cancels a long evaluation (a slow model) from its page', async () => {
    const { page } = eve;
    const slow = await api(eve, 'POST', `/projects/${scope.projectId}/evaluations`, {
      name: 'slow one',
      dataset: { name: DATASET },
      variants: [{ name: 'slow', prompt: { name: PROMPT }, provider_id: providerId, model: 'gpt-4o-mini-slow' }],
      assertions: [{ type: 'icontains', value: '{{ name }}' }],
      concurrency: 1,
    });
    slowId = slow.id;
    await page.goto(`${base()}/evaluations/${slowId}`);
    const header = page.getByRole('region', { name: 'Evaluation run' });
    await expectText(header, 'Running', 'the slow run to start');
    await header.getByRole('button', { name: 'Cancel evaluation' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this evaluation?' });
    await dialog.getByRole('button', { name: 'Cancel evaluation' }).click();
    await expectText(header, 'Cancelled');
    assert.ok((await progressOf(page)) < 100, 'stopped before the end');
    assert.equal(await header.getByRole('button', { name: 'Cancel evaluation' }).count(), 0);
    await expectVisible(header.getByRole('button', { name: 'Retry errors' }), 'retry for the cells left');
    const read = await api(eve, 'GET', `/projects/${scope.projectId}/evaluations/${slowId}`);
    assert.equal(read.status, 'cancelled');
    assert.ok(read.progress.done < ITEMS, `cancelled early: ${JSON.stringify(read.progress)}`);
  });

  step('a viewer reads the list and the run at 390 px, with no write buttons, and may not open the form', async () => {
    const invitation = await api(eve, 'POST', `/workspaces/${scope.workspaceId}/members`, { email: viewer.email, role: 'viewer' });
    const val = await newSession(browser, stack.baseURL, { viewport: { width: 390, height: 844 } });
    try {
      await api(val, 'POST', '/auth/register', { email: viewer.email, password: viewer.password, display_name: viewer.name });
      await api(val, 'POST', '/auth/login', { email: viewer.email, password: viewer.password });
      await api(val, 'POST', `/invitations/${invitation.id}/accept`);
      const { page } = val;
      await page.goto(`${base()}/evaluations`);
      await expectVisible(page.getByRole('row', { name: /greeting check/ }), 'the evaluations, as a viewer');
      await expectVisible(page.getByRole('row', { name: /slow one/ }), 'the cancelled one');
      assert.equal(await page.getByRole('link', { name: 'New evaluation' }).count(), 0, 'no New evaluation');
      const overflow = await page.evaluate(() => globalThis.document.documentElement.scrollWidth - globalThis.document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways at 390 px by ${overflow} px (only the table should)`);

      await page.goto(`${base()}/evaluations/new`);
      await expectVisible(page.getByText('Only editors can start evaluations.'), 'the form refused');
      assert.equal(await page.getByRole('button', { name: 'Start evaluation' }).count(), 0);

      await page.goto(`${base()}/evaluations/${slowId}`);
      const header = page.getByRole('region', { name: 'Evaluation run' });
      await expectText(header, 'Cancelled');
      assert.equal(await header.getByRole('button').count(), 0, 'no write buttons');
      val.assertClean();
    } finally {
      await val.close();
    }
  });
});
