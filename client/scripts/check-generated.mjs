// Fails when src/api/generated differs from what `npm run generate` makes of ../openapi.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const committed = path.join(root, 'src/api/generated');
const fresh = mkdtempSync(path.join(tmpdir(), 'pf-generated-'));

function files(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full, base) : [path.relative(base, full)];
  });
}

try {
  execFileSync(process.execPath, [path.join(root, 'node_modules/@hey-api/openapi-ts/bin/run.js')], {
    cwd: root,
    env: { ...process.env, PF_OPENAPI_OUT: fresh },
    stdio: 'pipe',
  });
  const a = files(committed).sort();
  const b = files(fresh).sort();
  const drift = [...new Set([...a, ...b])].filter((f) => {
    try {
      return readFileSync(path.join(committed, f), 'utf8') !== readFileSync(path.join(fresh, f), 'utf8');
    } catch {
      return true;
    }
  });
  if (drift.length > 0) {
    console.error(`src/api/generated is out of date with ../openapi.json (${drift.join(', ')}). Run \`npm run generate\`.`);
    process.exit(1);
  }
  console.log('src/api/generated matches ../openapi.json');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
