#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx integrador ...` works from a clone without a build step.
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');
const cli = join(__dirname, '..', 'src', 'cli', 'main.ts');
const res = spawnSync(process.execPath, ['--import', 'tsx', cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(res.status ?? 1);
