// The evaluation detail page of issue 12 in a real Chromium against a real server (embedded
// default: in-process queue, worker and event fan-out) with e2e/fake-openai.mjs as the provider,
// which answers "... You said: <prompt>". Two evaluations of the same dataset, created through the
// API: a baseline where both variants run prompt version 1 ("Say {{ word }}"), and a candidate whose
// "shout" variant runs version 2 ("Say {{ word | upper }}"), so `contains: "{{ word }}"` flips for
// the lower-case words. The test reads a failing cell's reasons, filters the matrix, opens the
// charts, downloads the JUnit file, compares with the baseline (one regression), looks as a viewer
// (read-only) and in a 390 px window (the item column stays pinned while the variants scroll).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { csrfToken, launchBrowser, newSession, screenshot } from './lib/browser.mjs';
import { startStack } from './lib/stack.mjs';
import { expectText, expectUrl, expectVisible, waitUntil } from './lib/wait.mjs';
import { startFakeOpenAI } from './fake-openai.mjs';

// Its own ports, so this file can run next to the other browser tests.
process.env.PF_E2E_API_PORT ??= '18060';
process.env.PF_E2E_WEB_PORT ??= '14233';

const run = Date.now().toString(36);
const owner = { name: 'Eve Evaluator', email: `eve-${run}@example.com`, password: 'correct horse battery staple' };
const viewer = { name: 'Val Viewer', email: `val-${run}@example.com`, password: 'correct horse battery staple' };
const WORDS = ['apple', 'BANANA', 'cherry'];
const ASSERTIONS = [
  { type: 'contains', value: '{{ word }}', metric: 'echo' },
  { type: 'not-icontains', value: 'cherry' },
  { type: 'latency', threshold: 60000 },
];

let stack;
let browser;
let fake;
let eve;
let failed = false;
let scope = { workspaceId: '', projectId: '' };
let baseline;
let candidate;

function step(name, body) {
  it(name, async (t) => {
    if (failed) return t.skip('an earlier step failed');
    try {
      await body();
      eve?.assertClean();
    } catch (error) {
      failed = true;
      if (eve) await eve.page.screenshot({ path: fileURLToPath(new URL('./artifacts/failure-evaluations-results.png', import.meta.url)) }).catch(() => {});
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

let providerId;

async function runEvaluation(name, shoutVersion, { dataset = 'words', wait = true } = {}) {
  const created = await api(eve, 'POST', `/projects/${scope.projectId}/evaluations`, {
    name,
    dataset: { name: dataset },
    variants: [
      { name: 'lower', prompt: { name: 'say', version: 1 }, provider_id: providerId, model: 'gpt-4o-mini' },
      { name: 'shout', prompt: { name: 'say', version: shoutVersion }, provider_id: providerId, model: 'gpt-4o' },
    ],
    assertions: ASSERTIONS,
    concurrency: wait ? 2 : 1,
    pass_threshold: 0.6,
  });
  if (!wait) return created;
  let evaluation = created;
  await waitUntil(
    async () => {
      evaluation = await api(eve, 'GET', `/projects/${scope.projectId}/evaluations/${created.id}`);
      return evaluation.status === 'completed';
    },
    `evaluation ${name} to complete`,
    60_000,
  );
  return evaluation;
}

const evaluationPath = (id, search = '') => `/w/${scope.workspaceId}/p/${scope.projectId}/evaluations/${id}${search}`;
const matrix = (page) => page.getByRole('table', { name: 'Results matrix' });
const matrixRows = (page) => matrix(page).locator('tbody tr');

describe('evaluation results', { timeout: 300_000 }, () => {
  before(async () => {
    fake = await startFakeOpenAI({ dripMs: 1 });
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

  step('sets up a dataset, two prompt versions and two evaluations through the API', async () => {
    await api(eve, 'POST', '/auth/register', { email: owner.email, password: owner.password, display_name: owner.name });
    await api(eve, 'POST', '/auth/login', { email: owner.email, password: owner.password });
    const workspaces = await api(eve, 'GET', '/workspaces');
    const workspace = workspaces.items?.[0] ?? workspaces[0];
    const projects = await api(eve, 'GET', `/workspaces/${workspace.id}/projects`);
    const project = projects.items?.[0] ?? projects[0];
    scope = { workspaceId: workspace.id, projectId: project.id };
    const p = `/projects/${scope.projectId}`;
    ({ id: providerId } = await api(eve, 'POST', `${p}/providers`, { name: 'local', kind: 'openai_compatible', base_url: fake.url, api_key: 'sk-local', default_model: 'gpt-4o-mini' }));
    await api(eve, 'POST', `${p}/prompts`, { name: 'say', kind: 'text', template: 'Say {{ word }}', commit_message: 'plain' });
    await api(eve, 'POST', `${p}/prompts/say/versions`, { template: 'Say {{ word | upper }}', commit_message: 'shout it' });
    await api(eve, 'POST', `${p}/datasets`, { name: 'words' });
    await api(eve, 'POST', `${p}/datasets/words/items`, { items: WORDS.map((word) => ({ input: { word }, expected: `icontains: ${word}` })) });
    baseline = await runEvaluation('baseline', 1);
    candidate = await runEvaluation('candidate', 2);
    assert.deepEqual(candidate.progress, { done: 6, total: 6, passed: 3, failed: 3, errors: 0 });
  });

  step('the matrix shows one row per item, the column summaries, and a failing cell with its reasons', async () => {
    const { page } = eve;
    await page.goto(evaluationPath(candidate.id));
    await expectVisible(page.getByRole('heading', { name: 'candidate' }), 'the run header');
    await waitUntil(async () => (await matrixRows(page).count()) === 3, 'three item rows');
    const shoutSummary = matrix(page).getByLabel('Summary of shout');
    await expectText(shoutSummary, 'Pass rate33%');
    await expectText(matrix(page).getByLabel('Summary of lower'), 'Pass rate67%');
    const firstRow = matrixRows(page).first();
    await expectText(firstRow.locator('th'), 'apple');
    await expectText(firstRow.locator('th'), 'Expected: icontains: apple');
    const failing = page.getByLabel('Item 1, shout', { exact: true });
    await expectText(failing, 'Fail');
    await expectText(failing, 'Say APPLE');
    const reasons = failing.getByRole('list', { name: 'Failed assertions' });
    await expectText(reasons, 'contains');
    await expectText(reasons, 'apple');
    const passing = page.getByLabel('Item 1, lower', { exact: true });
    await expectText(passing, 'Pass');
    assert.equal(await passing.getByRole('list', { name: 'Failed assertions' }).count(), 0);
    await screenshot(page, 'evaluation-matrix');
  });

  step('filters: failed only, disagreements, search in outputs', async () => {
    const { page } = eve;
    const itemNames = async () => (await matrixRows(page).locator('th').allTextContents()).map((t) => WORDS.find((w) => t.includes(`word: ${w}`)));
    await page.getByLabel('Failed only').check();
    await waitUntil(async () => (await matrixRows(page).count()) === 2, 'two rows with a failure');
    assert.deepEqual(await itemNames(), ['apple', 'cherry']);
    await page.getByLabel('Disagreements').check();
    await waitUntil(async () => (await matrixRows(page).count()) === 1, 'one row where the variants disagree');
    assert.deepEqual(await itemNames(), ['apple']);
    await page.getByLabel('Failed only').uncheck();
    await page.getByLabel('Disagreements').uncheck();
    await page.getByLabel('Search outputs').fill('banana');
    await waitUntil(async () => (await matrixRows(page).count()) === 1, 'one row whose output mentions banana');
    assert.deepEqual(await itemNames(), ['BANANA']);
    await expectText(page.getByText(/of 3 items loaded match/), '1 of 3 items loaded match');
    await page.getByLabel('Search outputs').fill('');
    await waitUntil(async () => (await matrixRows(page).count()) === 3, 'every row again');
  });

  step('the charts tab draws four charts with their numbers in tables for screen readers', async () => {
    const { page } = eve;
    await page.getByRole('tab', { name: 'Charts' }).click();
    await expectUrl(page, /\?tab=charts$/);
    for (const title of ['Pass rate per variant', 'Pass rate per assertion and metric', 'Latency per variant', 'Cost per variant']) {
      await expectVisible(page.getByRole('figure', { name: title }), title);
    }
    await waitUntil(async () => (await page.locator('.recharts-bar-rectangle').count()) > 0, 'bars drawn');
    const passRates = page.getByRole('table', { name: /Pass rate per variant/ });
    await expectText(passRates, 'lower66.7%');
    await expectText(passRates, 'shout33.3%');
    const byAssertion = page.getByRole('table', { name: /per assertion and metric/ });
    await expectText(byAssertion, 'not-icontains');
    await expectText(byAssertion, 'metric: echo');
    await page.getByRole('tablist', { name: 'Views' }).evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.mouse.move(1, 1); // no tooltip left open under the pointer
    await screenshot(page, 'evaluation-charts');
    await page.getByRole('tab', { name: 'Results' }).click();
    await expectVisible(matrix(page), 'the matrix again');
  });

  step('downloads JUnit: the file parses and names the failing assertion', async () => {
    const { page } = eve;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download JUnit' }).click()]);
    const xml = await readFile(await download.path(), 'utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new globalThis.DOMParser().parseFromString(text, 'application/xml');
      if (doc.querySelector('parsererror')) return { error: doc.querySelector('parsererror').textContent };
      return {
        root: doc.documentElement.getAttribute('name'),
        suites: [...doc.querySelectorAll('testsuite')].map((s) => [s.getAttribute('name'), s.getAttribute('tests'), s.getAttribute('failures')]),
        failures: [...doc.querySelectorAll('failure')].map((f) => f.getAttribute('message')),
      };
    }, xml);
    assert.equal(parsed.error, undefined, xml);
    assert.equal(parsed.root, 'candidate');
    assert.deepEqual(parsed.suites, [
      ['lower', '3', '1'],
      ['shout', '3', '2'],
    ]);
    assert.ok(parsed.failures.some((m) => m.startsWith('contains:') && m.includes('apple')), parsed.failures.join('\n'));
    assert.ok(parsed.failures.some((m) => m.includes('not-icontains')), parsed.failures.join('\n'));
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const csvText = await readFile(await csv.path(), 'utf8');
    assert.match(csvText.split(/\r?\n/)[0], /^item_id,item_position,variant,status/);
    // One row per result (a quoted cell may hold line breaks, so count row starts).
    assert.equal(csvText.match(/^[0-9a-f-]{36},\d+,(lower|shout),/gm)?.length, 6, csvText);
  });

  step('compares with the baseline: the regression first and highlighted, then the deltas', async () => {
    const { page } = eve;
    await page.getByLabel('Compare with').selectOption(baseline.id);
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await expectUrl(page, new RegExp(`/evaluations/${candidate.id}/compare\\?against=${baseline.id}$`));
    await expectText(page.getByRole('status').filter({ hasText: 'regression' }), '1 regression · 0 fixes · 5 unchanged');
    const regressions = page.getByRole('region', { name: /^Regressions/ });
    await expectText(regressions, 'Regressions (1)');
    await expectText(regressions, 'shout');
    await expectText(regressions, 'word: apple');
    await expectText(regressions.getByRole('list', { name: 'Failed assertions now' }), 'contains');
    await expectText(page.getByRole('region', { name: /^Fixes/ }), 'No cell failed before and passes now.');
    // Regressions come before fixes and the deltas.
    const order = await page.locator('h2').allTextContents();
    assert.deepEqual(order.slice(0, 3), ['Regressions (1)', 'Fixes (0)', 'Summary changes per variant']);
    const shout = page.getByRole('table', { name: 'Changes of shout' });
    const passRate = shout.getByRole('row', { name: /^Pass rate/ });
    await expectText(passRate, '66.7%');
    await expectText(passRate, '33.3%');
    await expectText(passRate, '−33.3 pp');
    assert.equal(await passRate.locator('td[data-tone]').getAttribute('data-tone'), 'bad');
    await expectText(page.getByRole('table', { name: 'Changes of lower' }).getByRole('row', { name: /^Pass rate/ }), '±0');
    await screenshot(page, 'evaluation-compare');
    await page.getByRole('link', { name: 'Before: baseline' }).click();
    await expectUrl(page, new RegExp(`/evaluations/${baseline.id}$`));
    await expectVisible(page.getByRole('heading', { name: 'baseline' }), 'the baseline page');
  });

  step('a viewer reads everything, with no cancel or retry buttons', async () => {
    const invitation = await api(eve, 'POST', `/workspaces/${scope.workspaceId}/members`, { email: viewer.email, role: 'viewer' });
    const val = await newSession(browser, stack.baseURL);
    try {
      await api(val, 'POST', '/auth/register', { email: viewer.email, password: viewer.password, display_name: viewer.name });
      await api(val, 'POST', '/auth/login', { email: viewer.email, password: viewer.password });
      await api(val, 'POST', `/invitations/${invitation.id}/accept`);
      const { page } = val;
      await page.goto(evaluationPath(candidate.id));
      await waitUntil(async () => (await matrixRows(page).count()) === 3, 'the matrix, as a viewer');
      await expectText(page.getByLabel('Item 1, shout', { exact: true }).getByRole('list', { name: 'Failed assertions' }), 'contains');
      assert.equal(await page.getByRole('button', { name: /Cancel|Retry/ }).count(), 0, 'no write buttons');
      await expectVisible(page.getByRole('link', { name: 'Download JUnit' }), 'downloads (reads) are offered');
      await page.getByLabel('Compare with').selectOption(baseline.id);
      await page.getByRole('button', { name: 'Compare', exact: true }).click();
      await expectText(page.getByRole('region', { name: /^Regressions/ }), 'Regressions (1)');
      val.assertClean();
    } finally {
      await val.close();
    }
  });

  step('in a 390 px window the matrix scrolls sideways with the item column pinned', async () => {
    const narrow = await newSession(browser, stack.baseURL, { viewport: { width: 390, height: 844 } });
    try {
      await narrow.context.addCookies(await eve.context.cookies());
      const { page } = narrow;
      await page.goto(evaluationPath(candidate.id));
      await waitUntil(async () => (await matrixRows(page).count()) === 3, 'the matrix in a narrow window');
      const scroller = matrix(page).locator('xpath=..');
      const itemCell = matrixRows(page).first().locator('th');
      const shoutHeader = matrix(page).getByRole('columnheader', { name: /shout/ });
      const widths = await scroller.evaluate((el) => ({ client: el.clientWidth, scroll: el.scrollWidth }));
      assert.ok(widths.scroll > widths.client, `the matrix overflows sideways: ${JSON.stringify(widths)}`);
      assert.ok((await page.evaluate(() => globalThis.document.documentElement.scrollWidth)) <= 390, 'the page itself does not scroll sideways');
      const itemBefore = await itemCell.boundingBox();
      const shoutBefore = await shoutHeader.boundingBox();
      await scroller.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
      await waitUntil(async () => (await shoutHeader.boundingBox()).x < shoutBefore.x - 100, 'the variants to scroll');
      const itemAfter = await itemCell.boundingBox();
      assert.equal(Math.round(itemAfter.x), Math.round(itemBefore.x), 'the item column stays pinned');
      await expectText(itemCell, 'apple');
      narrow.assertClean();
    } finally {
      await narrow.close();
    }
  });

  step('a running evaluation fills the matrix live (events, not a timer), then pages on with "Load more"', async () => {
    const { page } = eve;
    const items = Array.from({ length: 120 }, (_, i) => ({ input: { word: `word${i}` }, expected: `icontains: word${i}` }));
    await api(eve, 'POST', `/projects/${scope.projectId}/datasets`, { name: 'many' });
    await api(eve, 'POST', `/projects/${scope.projectId}/datasets/many/items`, { items });
    const resultGets = [];
    page.on('request', (request) => {
      if (request.method() === 'GET' && /\/results$/.test(new URL(request.url()).pathname)) resultGets.push(Date.now());
    });
    const running = await runEvaluation('long run', 1, { dataset: 'many', wait: false });
    await page.goto(evaluationPath(running.id));
    await expectVisible(page.getByRole('heading', { name: 'long run' }), 'the run header');
    // 240 cells at concurrency 1: the page sees the run write them and the first page (50 items) fill up.
    await waitUntil(async () => (await matrixRows(page).count()) === 50, 'the first page of rows to fill in live', 60_000);
    await expectText(page.getByTestId('eval-done'), '240 / 240', 'the run to finish');
    await new Promise((r) => setTimeout(r, 2500));
    const settled = resultGets.length;
    assert.ok(settled >= 2, `the results were refetched as the run wrote them (${settled} GETs)`);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(resultGets.length, settled, 'no refetch once the run ended: refreshes follow events, not a timer');
    await page.getByRole('button', { name: 'Load more results' }).click();
    await waitUntil(async () => (await matrixRows(page).count()) === 100, 'the second page of rows');
    await page.getByRole('button', { name: 'Load more results' }).click();
    await waitUntil(async () => (await matrixRows(page).count()) === 120, 'every row');
    assert.equal(await page.getByRole('button', { name: 'Load more results' }).count(), 0, 'nothing more to load');
    await expectText(matrixRows(page).last().locator('th'), 'word119');
  });
});
