// A tiny local OpenAI-compatible server for the browser tests: GET /v1/models and
// POST /v1/chat/completions (JSON, or SSE streaming with `stream_options.include_usage`).
// Words are streamed DRIP_MS apart so the browser can see the answer grow. Listens on
// 127.0.0.1 only; nothing leaves the machine. (server/tests/fake_llm.py is the pytest fixture of
// the same protocol; it has no standalone entry point, hence this file.)
import { createServer } from 'node:http';

const MODELS = ['fake-chat', 'gpt-4o', 'gpt-4o-mini'];

function readJson(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on('data', (c) => chunks.push(c));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

const words = (text) => text.match(/\S+\s*/g) ?? [];
const count = (text) => words(text).length;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// A model id ending in -paced or -slow answers after a pause (evaluations to watch, or to cancel);
// the rest of the id still finds its price (gpt-4o-mini-slow is priced as gpt-4o-mini).
const PAUSES = { '-paced': 200, '-slow': 3000 };
const pauseFor = (model) => Object.entries(PAUSES).find(([suffix]) => String(model ?? '').endsWith(suffix))?.[1] ?? 0;

/** Start the server; resolves to { url (the /v1 base URL), requests, close() }. */
export async function startFakeOpenAI({ dripMs = 60 } = {}) {
  const requests = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url, 'http://127.0.0.1');
    const json = (status, body) => {
      response.writeHead(status, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && url.pathname === '/v1/models') {
      requests.push({ path: url.pathname, body: null, authorization: request.headers.authorization });
      return json(200, { object: 'list', data: MODELS.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
    }
    if (request.method !== 'POST' || url.pathname !== '/v1/chat/completions') return json(404, { error: { message: 'Not found', type: 'not_found' } });
    let body;
    try {
      body = await readJson(request);
    } catch {
      return json(400, { error: { message: 'Invalid JSON', type: 'invalid_request_error' } });
    }
    requests.push({ path: url.pathname, body, authorization: request.headers.authorization });
    const messages = Array.isArray(body.messages) ? body.messages : [];
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    const said = typeof lastUser?.content === 'string' ? lastUser.content : '';
    const text = `Hello from fake OpenAI (${body.model}). You said: ${said}`;
    const promptTokens = messages.reduce((n, m) => n + count(String(m.content ?? '')), 0);
    const usage = { prompt_tokens: promptTokens, completion_tokens: count(text), total_tokens: promptTokens + count(text) };
    const base = { id: 'chatcmpl-fake', created: Math.floor(Date.now() / 1000), model: body.model };
    if (!body.stream) {
      const pause = pauseFor(body.model);
      if (pause) await sleep(pause);
      if (response.destroyed) return;
      return json(200, { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage });
    }
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    const send = (data) => response.write(`data: ${JSON.stringify(data)}\n\n`);
    const chunk = (delta, finish = null) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] });
    let closed = false;
    response.on('close', () => (closed = true));
    send(chunk({ role: 'assistant', content: '' }));
    for (const word of words(text)) {
      await sleep(dripMs);
      if (closed) return;
      send(chunk({ content: word }));
    }
    send(chunk({}, 'stop'));
    if (body.stream_options?.include_usage) send({ ...base, object: 'chat.completion.chunk', choices: [], usage });
    response.end('data: [DONE]\n\n');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
