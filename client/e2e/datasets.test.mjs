// Datasets of issue 9 in a real Chromium against a real server (embedded default: in-process
// queue and worker, local-folder storage, in-process event fan-out): create a dataset, add and
// edit an item, upload a CSV with one bad row and watch the live progress (WebSocket events)
// reach completion with the bad row listed, page through items and an older version, export CSV
// and download it, add a playground run (e2e/fake-openai.mjs provider) to the dataset, and a
// viewer who sees no write buttons. Steps share state and run in order; a step after a failed
// one is skipped.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { csrfToken, launchBrowser, newSession, screenshot, signUp } from './lib/browser.mjs';
import { startStack } from './lib/stack.mjs';
import { expectText, expectUrl, expectVisible, waitUntil } from './lib/wait.mjs';
import { startFakeOpenAI } from './fake-openai.mjs';

// Its own ports, so this file can run next to the other browser tests.
process.env.PF_E2E_API_PORT ??= '18040';
process.env.PF_E2E_WEB_PORT ??= '14213';

const run = Date.now().toString(36);
const owner = { name: 'Dee Datasets', email: `dee-${run}@example.com`, password: 'correct horse battery staple' };
const viewer = { name: 'Vic Viewer', email: `vic-${run}@example.com`, password: 'correct horse battery staple' };
const DATASET = 'greetings';
const PROMPT = 'welcome';
const GOOD_ROWS = 30;
// Line 1 is the header; line 3 has a cell too many: the one rejected row.
const CSV = [
  'name,__expected,__metadata:source',
  'Row 1,Hello Row 1,upload',
  'Broken,Hello,upload,one cell too many',
  ...Array.from({ length: GOOD_ROWS - 1 }, (_, i) => `Row ${i + 2},Hello Row ${i + 2},upload`),
].join('\n');

let stack;
let browser;
let fake;
let dee;
let failed = false;
let scope = { workspaceId: '', projectId: '' };

function step(name, body) {
  it(name, async (t) => {
    if (failed) return t.skip('an earlier step failed');
    try {
      await body();
      dee?.assertClean();
    } catch (error) {
      failed = true;
      if (dee) await dee.page.screenshot({ path: fileURLToPath(new URL('./artifacts/failure-datasets.png', import.meta.url)) }).catch(() => {});
      throw error;
    }
  });
}

async function api(session, method, path, data) {
  const response = await session.context.request.fetch(`/api/v1${path}`, {
    method,
    data,
    headers: { 'X-CSRF-Token': await csrfToken(session.context) },
  });
  assert.ok(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.status() === 204 ? null : response.json();
}

const itemsTable = () => dee.page.getByRole('table', { name: 'Items' });
const itemRows = () => itemsTable().locator('tbody tr');

describe('datasets', { timeout: 300_000 }, () => {
  before(async () => {
    fake = await startFakeOpenAI({ dripMs: 5 });
    stack = await startStack();
    browser = await launchBrowser();
    dee = await newSession(browser, stack.baseURL);
  });

  after(async () => {
    await dee?.close();
    await browser?.close();
    await stack?.stop();
    await fake?.close();
  });

  step('a new user signs up and finds no datasets yet', async () => {
    const { page } = dee;
    scope = await signUp(dee, owner);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).click();
    await expectVisible(page.getByRole('heading', { name: 'Datasets' }), 'the datasets page');
    await expectVisible(page.getByText('No datasets yet'), 'the empty state');
  });

  step('creates a dataset: the name rule and a taken name are shown next to the field', async () => {
    const { page } = dee;
    await page.getByRole('button', { name: 'New dataset' }).click();
    const dialog = page.getByRole('dialog', { name: 'New dataset' });
    await dialog.getByLabel('Dataset name').fill('Not A Name');
    await dialog.getByRole('button', { name: 'Create dataset' }).click();
    await expectText(dialog, 'start with a letter or digit');
    assert.equal(await dialog.getByLabel('Dataset name').getAttribute('aria-invalid'), 'true');
    // Someone else took the name meanwhile: the 409 lands on the field.
    await api(dee, 'POST', `/projects/${scope.projectId}/datasets`, { name: 'taken' });
    await dialog.getByLabel('Dataset name').fill('taken');
    dee.allowConsoleError(/status of 409/); // Chromium logs every 4xx answer
    await dialog.getByRole('button', { name: 'Create dataset' }).click();
    await expectText(dialog, 'A dataset named “taken” already exists in this project.');
    await dialog.getByLabel('Dataset name').fill(DATASET);
    await dialog.getByLabel('Description').fill('People to greet');
    await dialog.getByRole('button', { name: 'Create dataset' }).click();
    await expectUrl(page, new RegExp(`/datasets/${DATASET}$`));
    await expectVisible(page.getByText('No items yet'), 'the empty dataset');
    await expectVisible(page.getByText('People to greet'), 'the description');
  });

  step('adds an item with the JSON editor, then edits it', async () => {
    const { page } = dee;
    await page.getByRole('button', { name: 'Add item' }).first().click();
    let dialog = page.getByRole('dialog', { name: 'Add item' });
    await dialog.getByLabel('Input variables (JSON object)').fill('{"name": "Ada"}');
    await dialog.getByLabel('Expected (text)').fill('Hi Ada');
    await dialog.getByRole('button', { name: 'Add item' }).click();
    await expectText(itemsTable(), 'Hi Ada');
    await expectText(page.getByRole('status').filter({ hasText: 'Item added' }), 'version 1');

    await page.getByRole('button', { name: 'Edit item 1' }).click();
    dialog = page.getByRole('dialog', { name: 'Edit item' });
    assert.deepEqual(JSON.parse(await dialog.getByLabel('Input variables (JSON object)').inputValue()), { name: 'Ada' });
    await dialog.getByLabel('Expected (text)').fill('Hello Ada');
    await dialog.getByLabel('Metadata (JSON object, optional)').fill('{"source": "hand"}');
    await dialog.getByRole('button', { name: 'Save item' }).click();
    await expectText(itemsTable(), 'Hello Ada');
    await expectText(itemsTable(), 'hand');
    assert.equal(await itemRows().count(), 1);
  });

  step('uploads a CSV with one bad row: live progress to completion, the bad row listed by line', async () => {
    const { page } = dee;
    const importGets = [];
    page.on('request', (request) => {
      if (request.method() === 'GET' && /\/imports\/[^/?]+$/.test(new URL(request.url()).pathname)) importGets.push(request.url());
    });
    await expectText(page.getByRole('status').filter({ hasText: 'Live updates' }), 'Live updates on');
    await page.getByLabel('File (CSV, JSONL or JSON)').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByRole('button', { name: 'Upload' }).click();
    const progress = page.getByRole('region', { name: 'Import progress' });
    await expectVisible(progress, 'the import progress');
    await expectText(progress, 'Completed', 'the import status');
    await expectText(progress.getByTestId('rows-done'), String(GOOD_ROWS + 1));
    await expectText(progress.getByTestId('items-created'), String(GOOD_ROWS));
    await expectText(progress.getByTestId('error-count'), '1');
    const rejected = progress.getByRole('list', { name: 'Rejected rows' });
    await expectText(rejected, 'line 3');
    assert.equal(await rejected.getByRole('listitem').count(), 1);
    await progress.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'dataset-import');
    // Progress came over the WebSocket: the import was read once, for its rejected rows.
    assert.ok(importGets.length <= 2, `the import was polled: ${importGets.length} GETs`);
    // One new version for the whole file: created (0), added (1), edited (2), imported (3).
    await expectVisible(page.getByText(`${GOOD_ROWS + 1} items · version 3`), 'the new item count and version');
  });

  step('pages through the items and browses an older version read-only', async () => {
    const { page } = dee;
    await expectText(page.getByRole('navigation', { name: 'Item pages' }), 'Items 1–25 · page 1');
    await expectText(itemsTable(), 'Hello Ada');
    await expectText(itemsTable(), 'Hello Row 24');
    await page.getByRole('button', { name: 'Next' }).click();
    await expectText(page.getByRole('navigation', { name: 'Item pages' }), `Items 26–${GOOD_ROWS + 1} · page 2`);
    await expectText(itemsTable(), `Hello Row ${GOOD_ROWS}`);
    await page.getByRole('button', { name: 'Previous' }).click();
    await expectText(page.getByRole('navigation', { name: 'Item pages' }), 'page 1');
    await page.evaluate(() => globalThis.scrollTo(0, 0));
    await screenshot(page, 'dataset-items');

    // Version 1: the item as first added (before the edit and the import).
    await page.getByLabel('Version', { exact: true }).selectOption('1');
    await expectUrl(page, /\?version=1$/);
    await expectVisible(page.getByText('You are viewing version 1, read-only'), 'the read-only banner');
    await waitUntil(async () => (await itemRows().count()) === 1, 'one item at version 1');
    await expectText(itemsTable(), 'Hi Ada');
    assert.equal(await page.getByRole('button', { name: /^(Add item|Edit item|Delete item|Upload)/ }).count(), 0, 'an old version is read-only');
    await page.getByRole('button', { name: 'Back to the current version' }).click();
    await expectUrl(page, new RegExp(`/datasets/${DATASET}$`));
    await expectText(itemsTable(), 'Hello Ada');
  });

  step('exports CSV and downloads the file', async () => {
    const { page } = dee;
    await page.getByLabel('Export format').selectOption('csv');
    await page.getByRole('button', { name: 'Export' }).click();
    const link = page.getByRole('link', { name: 'Download CSV' });
    await expectVisible(link, 'the download link');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const content = await readFile(await download.path(), 'utf8');
    const lines = content.trim().split(/\r?\n/);
    assert.equal(lines.length, GOOD_ROWS + 2, `header + ${GOOD_ROWS + 1} items:\n${content}`);
    assert.match(lines[0], /^name,__expected/);
    assert.ok(lines.some((l) => l.startsWith('Ada,Hello Ada')), content);
    assert.ok(lines.some((l) => l.startsWith(`Row ${GOOD_ROWS},Hello Row ${GOOD_ROWS}`)), content);
    assert.ok(!content.includes('Broken'), 'the rejected row is not in the dataset');
  });

  step('adds a playground run to the dataset and follows the toast to it', async () => {
    const { page } = dee;
    await api(dee, 'POST', `/projects/${scope.projectId}/providers`, { name: 'local', kind: 'openai_compatible', base_url: fake.url, api_key: 'sk-local', default_model: 'fake-chat' });
    await api(dee, 'POST', `/projects/${scope.projectId}/prompts`, { name: PROMPT, kind: 'text', template: 'Greet {{ name }} warmly.', commit_message: 'first' });
    await page.goto(`/w/${scope.workspaceId}/p/${scope.projectId}/playground?prompt=${PROMPT}`);
    await expectVisible(page.getByRole('heading', { name: 'Playground' }), 'the playground');
    await waitUntil(async () => (await page.getByLabel('Version (variant 1)').inputValue()) === 'label:latest', 'the latest version to be picked');
    await page.getByLabel('name', { exact: true }).fill('Grace');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await expectText(page.getByLabel('Output of variant 1'), 'You said: Greet Grace warmly.');
    await page.getByRole('button', { name: 'Add the run of variant 1 to a dataset' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add run to a dataset' });
    await dialog.getByLabel('Dataset', { exact: true }).selectOption(DATASET);
    await screenshot(page, 'playground-add-to-dataset');
    await dialog.getByRole('button', { name: 'Add to dataset' }).click();
    const toastLink = page.getByRole('link', { name: 'Open dataset' });
    await expectVisible(toastLink, 'the toast with a link to the dataset');
    await toastLink.click();
    await expectUrl(page, new RegExp(`/datasets/${DATASET}$`));
    await page.getByRole('button', { name: 'Next' }).click();
    await expectText(itemsTable(), 'Grace');
    await expectText(itemsTable(), 'Hello from fake OpenAI (fake-chat). You said: Greet Grace warmly.');
    await screenshot(page, 'dataset-page');
  });

  step('the datasets list shows the table', async () => {
    const { page } = dee;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).click();
    const row = page.getByRole('row', { name: new RegExp(DATASET) });
    await expectVisible(row, 'the dataset row');
    await expectText(row, String(GOOD_ROWS + 2));
    await expectText(row, 'People to greet');
    await screenshot(page, 'datasets-list');
  });

  step('a viewer sees everything read-only: no create, upload, edit or delete buttons', async () => {
    const invitation = await api(dee, 'POST', `/workspaces/${scope.workspaceId}/members`, { email: viewer.email, role: 'viewer' });
    const vic = await newSession(browser, stack.baseURL);
    try {
      await api(vic, 'POST', '/auth/register', { email: viewer.email, password: viewer.password, display_name: viewer.name });
      await api(vic, 'POST', '/auth/login', { email: viewer.email, password: viewer.password });
      await api(vic, 'POST', `/invitations/${invitation.id}/accept`);
      const { page } = vic;
      await page.goto(`/w/${scope.workspaceId}/p/${scope.projectId}/datasets`);
      await expectVisible(page.getByRole('row', { name: new RegExp(DATASET) }), 'the dataset, as a viewer');
      assert.equal(await page.getByRole('button', { name: /dataset/i }).count(), 0, 'no create button');
      await page.getByRole('link', { name: DATASET }).click();
      await expectVisible(page.getByRole('table', { name: 'Items' }), 'the items, as a viewer');
      await expectText(page.getByRole('table', { name: 'Items' }), 'Hello Ada');
      const writes = page.getByRole('button', { name: /^(Add item|Edit|Delete|Upload|Edit description|Delete dataset)/ });
      assert.equal(await writes.count(), 0, 'no write buttons');
      assert.equal(await page.getByLabel('File (CSV, JSONL or JSON)').count(), 0, 'no upload');
      await expectVisible(page.getByRole('button', { name: 'Export' }), 'export (a read) is offered');
      vic.assertClean();
    } finally {
      await vic.close();
    }
  });
});
