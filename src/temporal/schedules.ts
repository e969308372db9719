// The connection file's `schedules:` as Temporal Schedules: created, updated and deleted to match the file.
// Only schedules this project created are touched: their id starts with `integrador-` and their memo names
// the project and the task queue, so a namespace shared with other code or other deployments stays theirs.
import { createHash } from 'node:crypto';
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptions,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { ScheduleConfig } from '../config/schedule-schema';
import type { AppConfig } from '../config/types';
import { ConfigError } from '../errors';
import { createIntegradorClient, runMemo, runSearchAttributes } from './client';
import { SET_RUN_WORKFLOW } from './constants';
import { setRunWorkflowId } from './workflow-id';

export const SCHEDULE_ID_PREFIX = 'integrador-';
const MANAGED_BY = 'integrador';

export const scheduleId = (name: string) => `${SCHEDULE_ID_PREFIX}${name}`;

type SchedulesConfig = Pick<AppConfig, 'schedules'> & { temporal: Pick<AppConfig['temporal'], 'taskQueue'> };
type SetRunAction = ScheduleOptionsStartWorkflowAction<(request: ScheduleConfig['request']) => Promise<unknown>>;

/** What a schedule says when it runs, as one line: `cron 0 2 * * *` or `every 30s`, with its zone. */
export function describeWhen(s: ScheduleConfig): string {
  const when = s.cron ? `cron ${s.cron}` : `every ${s.every}`;
  return s.timezone ? `${when} (${s.timezone})` : when;
}

/** The Temporal schedule for one entry of the file. Its version (a digest) tells apply whether it changed. */
export function scheduleOptions(name: string, s: ScheduleConfig, taskQueue: string): ScheduleOptions<SetRunAction> & { version: string } {
  const spec: ScheduleSpec = s.cron ? { cronExpressions: [s.cron] } : { intervals: [{ every: s.every! as Duration }] };
  if (s.timezone) spec.timezone = s.timezone;
  const version = createHash('sha256')
    .update(JSON.stringify({ spec, request: s.request, taskQueue, workflow: SET_RUN_WORKFLOW }))
    .digest('hex')
    .slice(0, 16);
  return {
    scheduleId: scheduleId(name),
    spec,
    action: {
      type: 'startWorkflow',
      workflowType: SET_RUN_WORKFLOW,
      args: [s.request],
      taskQueue,
      // Temporal appends the firing time, so every scheduled run has its own id
      workflowId: setRunWorkflowId(s.request),
      typedSearchAttributes: runSearchAttributes(s.request),
      memo: { ...runMemo(s.request), agendamento: { nome: name, quando: describeWhen(s), versao: version } },
    },
    // a nightly sync that is still running when the next firing comes is not started twice
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
    memo: { managedBy: MANAGED_BY, taskQueue },
    state: { note: 'managed by integrador: edit the schedules section of the connection file, then run `integrador schedules apply`' },
    version,
  };
}

function isOurs(memo: Record<string, unknown> | undefined, taskQueue: string): boolean {
  return memo?.managedBy === MANAGED_BY && memo.taskQueue === taskQueue;
}

function actionVersion(description: ScheduleDescription): string | undefined {
  const memo = description.action.memo as { agendamento?: { versao?: string } } | undefined;
  return memo?.agendamento?.versao;
}

/** The ids of the schedules this deployment created (listing is eventually consistent: a fresh one may be missing). */
async function ownedIds(client: Client, taskQueue: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const summary of client.schedule.list()) {
    if (summary.scheduleId.startsWith(SCHEDULE_ID_PREFIX) && isOurs(summary.memo, taskQueue)) ids.push(summary.scheduleId);
  }
  return ids;
}

async function describeOrNull(client: Client, id: string): Promise<ScheduleDescription | null> {
  try {
    return await client.schedule.getHandle(id).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
}

export type ApplyOutcome = 'created' | 'updated' | 'unchanged' | 'deleted';
export interface AppliedSchedule {
  name: string;
  scheduleId: string;
  outcome: ApplyOutcome;
}

function notOurs(name: string, id: string, memo: Record<string, unknown> | undefined): ConfigError {
  const owner = memo?.managedBy === MANAGED_BY ? `the integrador on task queue ${String(memo.taskQueue)}` : 'something else';
  return new ConfigError([
    {
      table: 'connection file',
      column: `schedules.${name}`,
      message: `Temporal already has a schedule ${id} created by ${owner}; rename this schedule`,
    },
  ]);
}

async function applyOne(client: Client, name: string, s: ScheduleConfig, taskQueue: string): Promise<ApplyOutcome> {
  const { version, ...options } = scheduleOptions(name, s, taskQueue);
  const id = options.scheduleId;
  for (let attempt = 0; ; attempt++) {
    const current = await describeOrNull(client, id);
    if (!current) {
      try {
        await client.schedule.create(options);
        return 'created';
      } catch (err) {
        // another `serve` created it meanwhile: look again and update it
        if (err instanceof ScheduleAlreadyRunning && attempt === 0) continue;
        throw err;
      }
    }
    if (!isOurs(current.memo, taskQueue)) throw notOurs(name, id, current.memo);
    if (actionVersion(current) === version) return 'unchanged';
    await client.schedule.getHandle(id).update((previous) => ({
      spec: options.spec,
      action: options.action,
      policies: options.policies,
      // a pause set in the Temporal UI (and its note) survives an apply
      state: { paused: previous.state.paused, note: previous.state.paused ? previous.state.note : options.state!.note },
    }));
    return 'updated';
  }
}

/** Makes Temporal's schedules match the file: creates and updates its entries, deletes ours it no longer has. */
export async function applySchedules(client: Client, config: SchedulesConfig): Promise<AppliedSchedule[]> {
  const taskQueue = config.temporal.taskQueue;
  const applied: AppliedSchedule[] = [];
  for (const [name, s] of Object.entries(config.schedules)) {
    try {
      applied.push({ name, scheduleId: scheduleId(name), outcome: await applyOne(client, name, s, taskQueue) });
    } catch (err) {
      // the client reports Temporal's INVALID_ARGUMENT (a cron field out of range) as a TypeError
      if (!(err instanceof TypeError)) throw err;
      throw new ConfigError([{ table: 'connection file', column: `schedules.${name}`, message: `Temporal refused schedule ${name}: ${err.message}` }]);
    }
  }
  const wanted = new Set(Object.keys(config.schedules).map(scheduleId));
  for (const id of await ownedIds(client, taskQueue)) {
    if (wanted.has(id)) continue;
    try {
      await client.schedule.getHandle(id).delete();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
    }
    applied.push({ name: id.slice(SCHEDULE_ID_PREFIX.length), scheduleId: id, outcome: 'deleted' });
  }
  return applied;
}

export interface ScheduleRow {
  name: string;
  scheduleId: string;
  inFile: boolean;
  /** Absent: not on Temporal (apply creates it). */
  onTemporal?: { upToDate: boolean; paused: boolean; nextRuns: Date[]; lastRun?: Date; when: string };
  /** From the file, or from Temporal for a schedule the file no longer has. */
  when: string;
}

/** Every schedule of the file and every one this deployment has on Temporal, side by side. */
export async function listSchedules(client: Client, config: SchedulesConfig): Promise<ScheduleRow[]> {
  const taskQueue = config.temporal.taskQueue;
  const ids = new Set([...Object.keys(config.schedules).map(scheduleId), ...(await ownedIds(client, taskQueue))]);
  const rows: ScheduleRow[] = [];
  for (const id of [...ids].sort()) {
    const name = id.slice(SCHEDULE_ID_PREFIX.length);
    const entry = config.schedules[name];
    const current = await describeOrNull(client, id);
    const ours = current && isOurs(current.memo, taskQueue) ? current : null;
    const memo = ours?.action.memo as { agendamento?: { quando?: string } } | undefined;
    const serverWhen = memo?.agendamento?.quando ?? 'unknown';
    rows.push({
      name,
      scheduleId: id,
      inFile: Boolean(entry),
      when: entry ? describeWhen(entry) : serverWhen,
      onTemporal: ours
        ? {
            upToDate: Boolean(entry) && actionVersion(ours) === scheduleOptions(name, entry!, taskQueue).version,
            paused: ours.state.paused,
            nextRuns: ours.info.nextActionTimes.slice(0, 3),
            lastRun: ours.info.recentActions.at(-1)?.takenAt,
            when: serverWhen,
          }
        : undefined,
    });
  }
  return rows;
}

/** `serve` at start: applies the file's schedules and says what changed. */
export async function applySchedulesAtStart(config: AppConfig, log: (line: string) => void = console.log): Promise<void> {
  const client = await createIntegradorClient(config.temporal);
  try {
    const applied = await applySchedules(client.temporal, config);
    const changed = applied.filter((a) => a.outcome !== 'unchanged');
    if (applied.length) {
      log(`schedules: ${applied.length - changed.length} unchanged${changed.map((a) => `, ${a.name} ${a.outcome}`).join('')}`);
    }
  } finally {
    await client.close();
  }
}
