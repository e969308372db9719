#!/usr/bin/env node
// The `integrador` command line (SPEC §9). Each command lives in commands/<name>.ts and registers itself.
import { Command } from 'commander';
import { ConfigError } from '../errors';
import { registerDev } from './commands/dev';
import { registerHistory } from './commands/history';
import { registerMigrate } from './commands/migrate';
import { registerPending } from './commands/pending';
import { registerPlan } from './commands/plan';
import { registerPreview } from './commands/preview';
import { registerRun } from './commands/run';
import { registerSchedules } from './commands/schedules';
import { registerServe } from './commands/serve';
import { registerSettle } from './commands/settle';
import { registerStatus } from './commands/status';
import { registerValidate } from './commands/validate';

const program = new Command('integrador').description('Sends CRM records to ERPs and other receivers, on Temporal').showHelpAfterError();
for (const register of [registerDev, registerServe, registerMigrate, registerRun, registerStatus, registerHistory, registerValidate, registerPlan])
  register(program);
registerSchedules(program);
for (const register of [registerPreview, registerPending]) register(program);
registerSettle(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    console.error(`configuration error:\n${err.message}`);
    process.exit(2);
  }
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
