#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx integrador ...` works from a clone without a build step.
const { join } = require('node:path');
const { spawn } = require('node:child_process');
const cli = join(__dirname, '..', 'src', 'cli', 'main.ts');
const child = spawn(process.execPath, ['--import', 'tsx', cli, ...process.argv.slice(2)], { stdio: 'inherit' });
// the CLI stops what it started (Temporal, PostgreSQL) on these signals, so pass them on
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
