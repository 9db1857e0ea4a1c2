// Starts what the browser tests run against, unless PF_E2E_BASE_URL points at a running app:
//   default: builds the SPA (unless PF_E2E_SKIP_BUILD=1 and a build exists), then `promptforge migrate`
//     + `promptforge serve` on the embedded default (SQLite in a fresh temp data dir) on
//     PF_E2E_API_PORT (default 18000), serving that build itself (PF_SPA_DIR): what `make run` serves;
//   PF_E2E_API_URL: reuses an API that is already running and serves the fresh build with
//     `vite preview` on PF_E2E_WEB_PORT (default 14173), proxying /api to it.
// Everything listens on 127.0.0.1 only.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const clientDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const repoDir = path.resolve(clientDir, '..');

async function waitForHttp(url, { timeoutMs = 60_000, proc, name }) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`${name} exited with code ${proc.exitCode} before answering ${url}`);
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs} ms`);
}

function run(name, command, args, options) {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false, ...options });
  const log = [];
  const keep = (chunk) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  proc.log = () => log.join('');
  proc.label = name;
  return proc;
}

function runSync(name, command, args, options) {
  return new Promise((resolve, reject) => {
    const proc = run(name, command, args, options);
    proc.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} failed (${code}):\n${proc.log()}`))));
  });
}

function uvCommand() {
  const local = path.join(repoDir, '.tools/bin/uv');
  return existsSync(local) ? local : 'uv';
}

/** Start (or reuse) the app; resolves to { baseURL, stop() }. */
export async function startStack() {
  if (process.env.PF_E2E_BASE_URL) {
    const baseURL = process.env.PF_E2E_BASE_URL.replace(/\/$/, '');
    await waitForHttp(`${baseURL}/`, { name: 'app', timeoutMs: 30_000 });
    return { baseURL, stop: async () => {} };
  }
  const apiPort = Number(process.env.PF_E2E_API_PORT ?? 18000);
  const webPort = Number(process.env.PF_E2E_WEB_PORT ?? 14173);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'pf-e2e-'));
  const env = {
    ...process.env,
    PF_ENV: 'development',
    PF_DATA_DIR: dataDir,
    PF_DATABASE_URL: '',
    PF_REDIS_URL: '',
    PF_STORAGE_URL: '',
    PF_HOST: '127.0.0.1',
    PF_PORT: String(apiPort),
    PF_LOG_JSON: 'false',
    PF_LOG_LEVEL: 'WARNING',
  };
  const procs = [];
  const external = process.env.PF_E2E_API_URL?.replace(/\/$/, '');
  const apiUrl = external ?? `http://127.0.0.1:${apiPort}`;
  const distDir = path.join(clientDir, 'dist');
  const stop = async () => {
    for (const proc of procs.reverse()) {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => {
          const timer = setTimeout(() => {
            proc.kill('SIGKILL');
            r();
          }, 5000);
          proc.on('exit', () => {
            clearTimeout(timer);
            r();
          });
        });
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  let baseURL = apiUrl;
  try {
    // Test what the sources say now: rebuild unless told the build is fresh (PF_E2E_SKIP_BUILD=1).
    if (process.env.PF_E2E_SKIP_BUILD !== '1' || !existsSync(path.join(distDir, 'index.html'))) {
      await runSync('build', 'npm', ['run', 'build'], { cwd: clientDir, env: process.env });
    }
    if (external) {
      await waitForHttp(`${apiUrl}/healthz`, { name: 'api' });
      const vite = path.join(clientDir, 'node_modules/vite/bin/vite.js');
      const web = run('web', process.execPath, [vite, 'preview', '--host', '127.0.0.1', '--port', String(webPort), '--strictPort'], {
        cwd: clientDir,
        env: { ...process.env, PF_API_URL: apiUrl },
      });
      procs.push(web);
      baseURL = `http://127.0.0.1:${webPort}`;
      await waitForHttp(`${baseURL}/`, { proc: web, name: 'web' });
    } else {
      const uv = uvCommand();
      const serverEnv = { ...env, PF_SPA_DIR: distDir };
      await runSync('migrate', uv, ['run', '--frozen', 'promptforge', 'migrate'], { cwd: repoDir, env: serverEnv });
      const api = run('api', uv, ['run', '--frozen', 'promptforge', 'serve', '--host', '127.0.0.1', '--port', String(apiPort)], {
        cwd: repoDir,
        env: serverEnv,
      });
      procs.push(api);
      await waitForHttp(`${apiUrl}/healthz`, { proc: api, name: 'api' });
    }
  } catch (error) {
    const logs = procs.map((p) => `--- ${p.label} ---\n${p.log()}`).join('\n');
    await stop();
    throw new Error(`${error.message}\n${logs}`);
  }
  return { baseURL, stop, logs: () => procs.map((p) => `--- ${p.label} ---\n${p.log()}`).join('\n') };
}
