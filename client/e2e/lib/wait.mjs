// Small polling assertions (playwright-core has locators but no `expect`).
const DEFAULT_TIMEOUT = Number(process.env.PF_E2E_TIMEOUT ?? 10_000);

export async function waitUntil(check, message, timeoutMs = DEFAULT_TIMEOUT) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out: ${message}${last ? ` (last error: ${last.message})` : ''}`);
}

export async function expectVisible(locator, what) {
  await locator.first().waitFor({ state: 'visible', timeout: DEFAULT_TIMEOUT }).catch((error) => {
    throw new Error(`not visible: ${what ?? locator}: ${error.message.split('\n')[0]}`);
  });
}

export async function expectText(locator, text, what) {
  await waitUntil(async () => ((await locator.first().textContent()) ?? '').includes(text), `${what ?? locator} to contain "${text}"`);
}

export async function expectUrl(page, re) {
  await waitUntil(() => re.test(new URL(page.url()).pathname + new URL(page.url()).search), `URL to match ${re} (is ${page.url()})`);
}

export async function expectExactText(locator, text, what) {
  await waitUntil(async () => ((await locator.first().textContent()) ?? '').trim() === text, `${what ?? locator} to be exactly "${text}"`);
}
