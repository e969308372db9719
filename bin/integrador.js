#!/usr/bin/env node
// The `integrador` command. In a clone (src/ present) it runs the TypeScript CLI through tsx, so
// `npx integrador ...` always runs the current source without a build step. In an installed package or the
// Docker image (no src/, only the dist/ that `npm run build` makes) it loads the compiled CLI in this same
// process: plain node, no tsx, no second process.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..');
const source = join(root, 'src', 'cli', 'main.ts');
const compiled = join(root, 'dist', 'src', 'cli', 'main.js');
if (!existsSync(source)) {
  if (!existsSync(compiled)) {
    console.error('integrador: neither src/ nor a build (dist/) is here: run `npm run build`');
    process.exit(1);
  }
  require(compiled);
} else {
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', source, ...process.argv.slice(2)], { stdio: 'inherit' });
  // the CLI stops what it started (Temporal, PostgreSQL) on these signals, so pass them on
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
