// The connection file's `schedules:` section (SPEC §3): SETs run periodically as Temporal Schedules.
// Each entry becomes the same RunRequest /integrar would build, so a scheduled run is checked like a request.
import { z } from 'zod';
import { toRunRequest } from '../request/run-request';
import { RequestError, type ConfigIssue } from '../errors';
import type { RunRequest } from '../request/run-request';

/** Five to seven cron fields (minute hour day month weekday [year]) or a macro such as `@daily`; Temporal checks the rest. */
const CRON = /^(@[a-z]+(\s+\S+)?|(\S+\s+){4,6}\S+)$/;
/** `30s`, `5m`, `2h`, `1d`: a fixed interval, handy for tests and frequent syncs. */
const EVERY = /^(\d+)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

export function everyMs(every: string): number {
  const [, amount, unit] = EVERY.exec(every)!;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

/** The /integrar name of each schedule field, to report a refused request at the field the file has. */
const FIELD_OF: Record<string, string> = { base_crm: 'base', empresa_id: 'empresa', empresa_filial_id: 'filial', integracao_servico_id: 'integracao' };

/** One schedule, after checking: when it fires and the request each firing starts. */
export interface ScheduleConfig {
  cron?: string;
  every?: string;
  timezone?: string;
  request: RunRequest;
}

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const entry = z
  .object({
    base: z.string().min(1),
    empresa: z.number().int().optional(),
    filial: z.number().int().optional(),
    integracao: z.number().int(),
    cron: z.string().trim().regex(CRON, 'cron is five fields (minute hour day month weekday), e.g. "0 2 * * *", or a macro such as @daily').optional(),
    every: z.string().trim().regex(EVERY, 'every is a number and a unit, e.g. "30s", "15m", "2h" or "1d"').optional(),
    /** IANA zone for `cron`, e.g. America/Sao_Paulo; default UTC. */
    timezone: z.string().refine(isTimeZone, 'timezone is an IANA zone such as America/Sao_Paulo').optional(),
    params: z.record(z.string(), scalar).default({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (Boolean(s.cron) === Boolean(s.every)) ctx.addIssue({ code: 'custom', message: 'a schedule has exactly one of cron or every' });
    if (s.every && EVERY.test(s.every) && everyMs(s.every) < 1000) ctx.addIssue({ code: 'custom', path: ['every'], message: 'every is at least 1s' });
    try {
      toRunRequest(request(s));
    } catch (err) {
      if (!(err instanceof RequestError)) throw err;
      const field = FIELD_OF[err.parameter ?? ''];
      const message = err.message.replace('missing parameter empresa_id or empresa_filial_id', 'a schedule needs empresa or filial');
      ctx.addIssue({ code: 'custom', path: field ? [field] : ['params', ...(err.parameter ? [err.parameter] : [])], message });
    }
  })
  .transform((s): ScheduleConfig => ({
    cron: s.cron,
    every: s.every,
    timezone: s.timezone,
    request: toRunRequest(request(s)).request,
  }));

function request(s: { base: string; empresa?: number; filial?: number; integracao: number; params: Record<string, string> }) {
  return { ...s.params, base_crm: s.base, empresa_id: s.empresa, empresa_filial_id: s.filial, integracao_servico_id: s.integracao };
}

export const schedulesSchema = z.record(z.string(), entry).default({});
/** The name becomes the Temporal schedule id (`integrador-<name>`), shown in the UI and typed in the CLI. */
const NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** A bad name, or a schedule naming a base the file does not have, is a configuration error naming it. */
export function scheduleIssues(schedules: Record<string, ScheduleConfig>, bases: Record<string, unknown>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [name, s] of Object.entries(schedules)) {
    const column = `schedules.${name}`;
    if (!NAME.test(name))
      issues.push({ table: 'connection file', column, message: `schedule name ${JSON.stringify(name)}: use letters, digits, _ and - (at most 80)` });
    if (!Object.hasOwn(bases, s.request.base)) {
      issues.push({ table: 'connection file', column: `${column}.base`, message: `schedule ${name} names base ${s.request.base}, which is not in bases` });
    }
  }
  return issues;
}
