// Chromium through playwright-core with a strict policy: any console error, uncaught page
// error, 5xx answer or request to a host other than 127.0.0.1 fails the run.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { expectVisible } from './wait.mjs';

const EXECUTABLE = process.env.PF_CHROMIUM ?? '/usr/bin/chromium';
const ALLOWED_HOSTS = new Set(['127.0.0.1']);
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:', 'chrome-error:']);

export async function launchBrowser() {
  return chromium.launch({
    executablePath: EXECUTABLE,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A fresh browser context (its own cookie jar: one signed-in user) with the policy attached.
 * `problems` collects every violation; `allowConsoleError(re)` lets one expected message through.
 */
export async function newSession(browser, baseURL, { viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({ baseURL, viewport, serviceWorkers: 'block' });
  const problems = [];
  const allowed = [];
  const hostOf = (url) => {
    const parsed = new URL(url);
    return LOCAL_SCHEMES.has(parsed.protocol) ? null : parsed.hostname;
  };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    const host = hostOf(url);
    if (host !== null && !ALLOWED_HOSTS.has(host)) {
      problems.push(`request to a host other than 127.0.0.1: ${url}`);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  context.on('request', (request) => {
    const host = hostOf(request.url());
    if (host !== null && !ALLOWED_HOSTS.has(host)) problems.push(`request to a host other than 127.0.0.1: ${request.url()}`);
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const index = allowed.findIndex((re) => re.test(text));
    if (index >= 0) {
      allowed.splice(index, 1);
      return;
    }
    problems.push(`console error: ${text} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught page error: ${error.message}`));
  page.on('websocket', (ws) => {
    const host = hostOf(ws.url().replace(/^ws/, 'http'));
    if (host !== null && !ALLOWED_HOSTS.has(host)) problems.push(`websocket to a host other than 127.0.0.1: ${ws.url()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`server error ${response.status()} for ${response.request().method()} ${response.url()}`);
  });
  return {
    context,
    page,
    problems,
    allowConsoleError: (re) => allowed.push(re),
    /** Throw if anything broke the policy so far. */
    assertClean() {
      if (problems.length > 0) throw new Error(`browser policy violated:\n  - ${problems.join('\n  - ')}`);
    },
    async close() {
      await context.close();
    },
  };
}

/** Screenshot `page` into PF_E2E_SCREENSHOTS (e.g. ../docs/screenshots) when that is set. */
export async function screenshot(page, name) {
  const dir = process.env.PF_E2E_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}

/** The pf_csrf cookie of a session, for direct API calls made as that user. */
export async function csrfToken(context) {
  const cookies = await context.cookies();
  return cookies.find((c) => c.name === 'pf_csrf')?.value ?? '';
}

/** Signs `user` ({name, email, password}) up in `session` and returns the ids of the personal
 * workspace and project the app lands on. */
export async function signUp(session, user) {
  const { page } = session;
  await page.goto('/sign-up');
  await page.getByLabel('Display name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expectVisible(page.getByRole('heading', { name: 'Prompts' }), 'the prompts page after sign-up');
  const match = /\/w\/([^/]+)\/p\/([^/]+)/.exec(new URL(page.url()).pathname);
  assert.ok(match, `no project in ${page.url()}`);
  return { workspaceId: match[1], projectId: match[2] };
}
