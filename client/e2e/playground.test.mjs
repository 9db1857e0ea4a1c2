// The playground of issue 5 in a real Chromium against a real server and a local
// OpenAI-compatible protocol server (e2e/fake-openai.mjs): connect the provider in
// Settings → Providers (key shown as its last 4, connection test lists the models), run a
// saved prompt and watch the answer stream in, compare two variants, read the run history.
// Steps share state and run in order; a step after a failed one is skipped.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { csrfToken, launchBrowser, newSession, screenshot, signUp } from './lib/browser.mjs';
import { startStack } from './lib/stack.mjs';
import { expectText, expectUrl, expectVisible, waitUntil } from './lib/wait.mjs';
import { startFakeOpenAI } from './fake-openai.mjs';

// Its own port, so this file can run while the registry flow runs on the default one.
process.env.PF_E2E_API_PORT ??= '18020';
process.env.PF_E2E_WEB_PORT ??= '14193';

const run = Date.now().toString(36);
const owner = { name: 'Pat Playground', email: `pat-${run}@example.com`, password: 'correct horse battery staple' };
const PROMPT = 'welcome';
const API_KEY = 'sk-local-test-key-9f3c';

let stack;
let browser;
let fake;
let pat;
let failed = false;
let scope = { workspaceId: '', projectId: '' };

function step(name, body) {
  it(name, async (t) => {
    if (failed) return t.skip('an earlier step failed');
    try {
      await body();
      pat?.assertClean();
    } catch (error) {
      failed = true;
      if (pat) await pat.page.screenshot({ path: fileURLToPath(new URL('./artifacts/failure-playground.png', import.meta.url)) }).catch(() => {});
      throw error;
    }
  });
}

async function api(method, path, data) {
  const response = await pat.context.request.fetch(`/api/v1${path}`, {
    method,
    data,
    headers: { 'X-CSRF-Token': await csrfToken(pat.context) },
  });
  assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.json();
}

const output = (n) => pat.page.getByLabel(`Output of variant ${n}`);
const metrics = (n) => pat.page.getByLabel(`Metrics of variant ${n}`);

describe('playground', { timeout: 240_000 }, () => {
  before(async () => {
    fake = await startFakeOpenAI({ dripMs: 80 });
    stack = await startStack();
    browser = await launchBrowser();
    pat = await newSession(browser, stack.baseURL);
  });

  after(async () => {
    await pat?.close();
    await browser?.close();
    await stack?.stop();
    await fake?.close();
  });

  step('a new user signs up; a prompt with two versions exists', async () => {
    scope = await signUp(pat, owner);
    // The registry UI is covered by registry-flow; here the prompt is made through the API.
    await api('POST', `/projects/${scope.projectId}/prompts`, { name: PROMPT, kind: 'text', template: 'Welcome {{ name }} aboard.', commit_message: 'first' });
    await api('POST', `/projects/${scope.projectId}/prompts/${PROMPT}/versions`, { template: 'Greet {{ name }} warmly.', commit_message: 'warmer' });
  });

  step('the playground says no provider is connected yet', async () => {
    const { page } = pat;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playground' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Playground' }), 'the playground');
    await expectVisible(page.getByText('No provider connections yet'), 'the empty state');
    await page.getByRole('link', { name: 'Connect a provider' }).click();
    await expectUrl(page, /\/settings\/providers$/);
  });

  step('connects the local OpenAI-compatible server; only the key’s last 4 are shown; the test lists models', async () => {
    const { page } = pat;
    await expectVisible(page.getByRole('heading', { name: 'Providers' }), 'the providers page');
    const kind = page.getByLabel('Kind');
    assert.ok((await kind.locator('option').allTextContents()).includes('Echo (no model call)'), 'echo is labelled as such');
    await page.getByLabel('Provider name').fill('local');
    await kind.selectOption('openai_compatible');
    await page.getByLabel('Base URL').fill(fake.url);
    await page.getByLabel('API key').fill(API_KEY);
    await page.getByLabel('Default model').fill('fake-chat');
    await page.getByRole('button', { name: 'Connect provider' }).click();
    const item = page.getByRole('listitem', { name: 'local' });
    await expectText(item, `••••${API_KEY.slice(-4)}`);
    assert.equal(await page.getByText(API_KEY).count(), 0, 'the key is never shown');
    assert.equal(await page.getByLabel('API key').inputValue(), '', 'the key field is cleared');
    await item.getByRole('button', { name: 'Test connection of local' }).click();
    await expectText(item, 'Connected in');
    await expectText(item, 'fake-chat, gpt-4o');
    assert.ok(fake.requests.some((r) => r.path === '/v1/models' && r.authorization === `Bearer ${API_KEY}`), 'the test reached the fake server with the key');
    await screenshot(page, 'providers');
  });

  step('runs the prompt and sees the answer stream in, then tokens, cost, latency and TTFT', async () => {
    const { page } = pat;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playground' }).click();
    await page.getByLabel('Prompt', { exact: true }).selectOption(PROMPT);
    await expectUrl(page, new RegExp(`/playground\\?prompt=${PROMPT}$`));
    await waitUntil(async () => (await page.getByLabel('Version (variant 1)').inputValue()) === 'label:latest', 'the latest version to be picked');
    await page.getByLabel('name', { exact: true }).fill('Ada');
    assert.equal(await page.getByLabel('Provider (variant 1)').inputValue().then(Boolean), true);
    await page.getByRole('button', { name: 'Run', exact: true }).click();

    // Streaming: part of the answer is on screen while the run is still going.
    await waitUntil(async () => {
      const text = (await output(1).textContent()) ?? '';
      return text.startsWith('Hello') && !text.includes('warmly.') && (await output(1).getAttribute('aria-busy')) === 'true';
    }, 'a partial answer while streaming', 15_000);
    await expectText(output(1), 'Hello from fake OpenAI (fake-chat). You said: Greet Ada warmly.');
    await expectVisible(metrics(1), 'the run metrics');
    const shown = (await metrics(1).textContent()) ?? '';
    assert.match(shown, /Tokens in \/ out\d+ \/ \d+/);
    assert.match(shown, /Latency\d+(\.\d+)? m?s/);
    assert.match(shown, /Time to first token\d+(\.\d+)? m?s/);
    const sent = fake.requests.filter((r) => r.path === '/v1/chat/completions');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].body.stream, true);
    await screenshot(page, 'playground-run');
  });

  step('compares two variants (v1 × gpt-4o next to latest × fake-chat) running concurrently', async () => {
    const { page } = pat;
    await page.getByRole('button', { name: 'Add variant' }).click();
    await page.getByLabel('Version (variant 2)').selectOption('version:1');
    await page.getByLabel('Model (variant 2)').fill('gpt-4o');
    await page.getByText('Parameters (variant 2)').click();
    await page.getByLabel('Temperature (variant 2)').fill('0.3');
    const before = fake.requests.length;
    await page.getByRole('button', { name: 'Run 2 variants' }).click();
    // Both stream at the same time.
    await waitUntil(
      async () => ((await output(1).getAttribute('aria-busy')) === 'true' && (await output(2).getAttribute('aria-busy')) === 'true'),
      'both variants streaming at once',
    );
    await expectText(output(1), 'You said: Greet Ada warmly.');
    await expectText(output(2), 'Hello from fake OpenAI (gpt-4o). You said: Welcome Ada aboard.');
    await expectVisible(metrics(2), 'the metrics of variant 2');
    await expectText(metrics(2), '$'); // gpt-4o has a price
    const pair = fake.requests.slice(before).filter((r) => r.path === '/v1/chat/completions');
    assert.deepEqual(pair.map((r) => r.body.model).sort(), ['fake-chat', 'gpt-4o']);
    assert.equal(pair.find((r) => r.body.model === 'gpt-4o').body.temperature, 0.3);
    const chart = page.getByRole('img', { name: /Latency and cost by variant/ });
    await expectVisible(chart, 'the latency/cost chart');
    assert.match((await chart.getAttribute('aria-label')) ?? '', /Variant 1: latency .*; Variant 2: latency/);
    await screenshot(page, 'playground-compare');
  });

  step('the run history lists the three runs and filters by prompt', async () => {
    const { page } = pat;
    const table = page.getByRole('table', { name: 'Runs' });
    await waitUntil(async () => (await table.locator('tbody tr').count()) === 3, 'three runs in the history');
    await expectText(table, `${PROMPT} v1`);
    await expectText(table, `${PROMPT} v2`);
    await page.getByLabel('Filter runs by prompt').selectOption(PROMPT);
    await waitUntil(async () => (await table.locator('tbody tr').count()) === 3, 'the filtered history');
  });

  step('history with long names and a gateway run (the state that once made the page scroll sideways)', async () => {
    const p = `/projects/${scope.projectId}`;
    const LONG = 'a-prompt-with-a-rather-long-name-that-goes-on-and-on-for-quite-a-while';
    const MODEL = 'an-extremely-long-model-name-2024-10-22-preview-experimental-extended-context';
    const echo = await api('POST', `${p}/providers`, { name: 'echo-connection-with-a-long-descriptive-name', kind: 'echo' });
    await api('POST', `${p}/prompts`, {
      name: LONG,
      kind: 'text',
      template: 'Tell {{ name }} about everything.',
      commit_message: 'long',
      model_config: { connection: 'echo-connection-with-a-long-descriptive-name', model: MODEL },
    });
    for (let i = 0; i < 2; i++) {
      await api('POST', `${p}/runs`, { prompt: { name: LONG, version: 1 }, variables: { name: 'Ada'.repeat(30) }, provider_id: echo.id, model: MODEL });
    }
    const key = await api('POST', `${p}/api-keys`, { name: 'gateway', role: 'editor' });
    const gateway = await pat.context.request.fetch('/api/gateway/v1/chat/completions', {
      method: 'POST',
      data: { model: `prompt:${LONG}@latest`, variables: { name: 'Bob' }, messages: [] },
      headers: { Authorization: `Bearer ${key.secret}` },
    });
    assert.equal(gateway.status(), 200, await gateway.text());
    const runs = await api('GET', `${p}/runs?source=gateway`);
    assert.equal(runs.items.length, 1, 'one gateway run');
  });

  step('works in a narrow window', async () => {
    const narrow = await newSession(browser, stack.baseURL, { viewport: { width: 390, height: 844 } });
    try {
      await narrow.context.addCookies(await pat.context.cookies());
      await narrow.page.goto(`/w/${scope.workspaceId}/p/${scope.projectId}/playground?prompt=${PROMPT}`);
      await expectVisible(narrow.page.getByRole('heading', { name: 'Playground' }), 'the playground, narrow');
      await expectVisible(narrow.page.getByRole('button', { name: 'Run', exact: true }), 'the run button, narrow');
      const overflow = await narrow.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
      // Unfiltered, the history holds the long names and the gateway run: the table scrolls inside
      // its own box, the page does not.
      await narrow.page.goto(`/w/${scope.workspaceId}/p/${scope.projectId}/playground`);
      const table = narrow.page.getByRole('table', { name: 'Runs' });
      await waitUntil(async () => (await table.locator('tbody tr').count()) >= 6, 'the whole history, narrow');
      await expectText(table, 'gateway');
      const wide = await narrow.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      assert.ok(wide <= 0, `no sideways scrolling with long names in the history (overflow ${wide}px)`);
      narrow.assertClean();
    } finally {
      await narrow.close();
    }
  });
});
