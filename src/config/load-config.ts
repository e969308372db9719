// Reads the connection file (SPEC §3): YAML, `${NAME}` from the environment, checked against a schema.
// Every problem is reported at once, then the result is frozen.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors';
import { DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE } from '../temporal/constants';
import { scheduleIssues, schedulesSchema } from './schedule-schema';
import type { AppConfig } from './types';

const credentials = z.object({ user: z.string(), password: z.string() }).strict();
const common = {
  timeoutMs: z.number().int().positive().default(30_000),
  /** An answer larger than this is not read (the record becomes incerto): the ledger never holds megabytes. */
  maxAnswerBytes: z.number().int().positive().optional(),
  concurrency: z.number().int().positive().default(4),
  ratePerSecond: z.number().positive().optional(),
  safeToResend: z.boolean().default(false),
};
const wsConnection = z
  .object({
    type: z.literal('WS'),
    url: z.url(),
    args: z.record(z.string(), z.unknown()).default({}),
    security: z
      .object({
        basic: credentials.optional(),
        wsSecurity: credentials.extend({ passwordType: z.enum(['PasswordText', 'PasswordDigest']).optional() }).optional(),
      })
      .strict()
      .optional(),
    endpoint: z.url().optional(),
    ...common,
  })
  .strict();
const apiConnection = z
  .object({
    type: z.literal('API'),
    url: z.url(),
    headers: z.record(z.string(), z.string()).default({}),
    auth: z
      .object({
        bearer: z.string().optional(),
        basic: credentials.optional(),
        apiKey: z.object({ header: z.string(), value: z.string() }).strict().optional(),
      })
      .strict()
      .optional(),
    ...common,
  })
  .strict();
const dbConnection = z.object({ type: z.literal('DB'), url: z.string().min(1), ...common }).strict();

const token = z
  .object({
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'sha256 must be 64 hex digits')
      .optional(),
    env: z.string().optional(),
    empresas: z.array(z.number().int()).optional(),
    nome: z.string().min(1).max(100).optional(),
  })
  .strict()
  .refine((t) => Boolean(t.sha256) !== Boolean(t.env), 'a token has exactly one of sha256 or env');

const schema = z
  .object({
    temporal: z
      .object({
        address: z.string().optional(),
        namespace: z.string().default(DEFAULT_NAMESPACE),
        taskQueue: z.string().default(DEFAULT_TASK_QUEUE),
        tls: z
          .union([
            z.boolean(),
            z
              .object({ serverName: z.string().optional(), caFile: z.string().optional(), certFile: z.string().optional(), keyFile: z.string().optional() })
              .strict(),
          ])
          .optional(),
        apiKey: z.string().optional(),
      })
      .strict()
      .default({ namespace: DEFAULT_NAMESPACE, taskQueue: DEFAULT_TASK_QUEUE }),
    bases: z.record(
      z.string().regex(/^[A-Za-z0-9_-]+$/, 'base names are letters, digits, _ and -'),
      z
        .object({
          database: z.string().min(1),
          tokens: z.array(token).min(1, 'a base needs at least one token'),
          connections: z.record(z.string(), z.discriminatedUnion('type', [wsConnection, apiConnection, dbConnection])).default({}),
        })
        .strict(),
    ),
    api: z
      .object({
        port: z.number().int().min(0).max(65535).default(3000),
        host: z.string().default('127.0.0.1'),
        waitLimitMs: z.number().int().positive().default(60_000),
      })
      .strict()
      .default({ port: 3000, host: '127.0.0.1', waitLimitMs: 60_000 }),
    run: z
      .object({
        chunkSize: z.number().int().positive().default(100),
        maxChunksInFlight: z.number().int().positive().default(4),
      })
      .strict()
      .default({ chunkSize: 100, maxChunksInFlight: 4 }),
    logs: z
      .object({ dir: z.string().optional(), level: z.enum(['debug', 'info', 'warn', 'error']).default('info') })
      .strict()
      .default({ level: 'info' }),
    schedules: schedulesSchema,
  })
  .strict();

const FILE = 'connection file';
const SECRET_KEY = /pass|secret|token|key|senha|bearer/i;

/** Replaces `${NAME}` in every string; a missing variable is an issue naming where it is used. */
function expandEnv(value: unknown, env: NodeJS.ProcessEnv, path: string[], issues: ConfigIssue[]): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) {
        issues.push({ table: FILE, column: path.join('.'), message: `environment variable ${name} is not set` });
        return '';
      }
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, [...path, String(i)], issues));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, [...path, k], issues)]));
  }
  return value;
}

/** Every value that must never be logged: passwords, tokens, keys, and credentials inside URLs. */
function collectSecrets(value: unknown, key = '', out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') {
    if (SECRET_KEY.test(key) && value.length >= 3) out.add(value);
    try {
      const url = new URL(value);
      if (url.password) out.add(decodeURIComponent(url.password));
    } catch {
      // not a URL
    }
  } else if (Array.isArray(value)) {
    value.forEach((v) => collectSecrets(v, key, out));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectSecrets(v, k, out);
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

export function parseConfig(text: string, env: NodeJS.ProcessEnv = process.env): AppConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    // the parser's message quotes the offending lines, which may hold a password: keep only where it is
    const where = (err as Error).message.split('\n')[0]!.replace(/:$/, '');
    throw new ConfigError([{ table: FILE, message: `invalid YAML: ${where}` }]);
  }
  const issues: ConfigIssue[] = [];
  const expanded = expandEnv(raw ?? {}, env, [], issues);
  const result = schema.safeParse(expanded);
  if (!result.success) {
    for (const issue of result.error.issues) {
      issues.push({ table: FILE, column: issue.path.join('.'), message: issue.message });
    }
  }
  if (issues.length || !result.success) throw new ConfigError(issues);
  const config = result.data;
  for (const [baseName, base] of Object.entries(config.bases)) {
    base.tokens.forEach((t, i) => {
      if (t.env && !env[t.env]) {
        issues.push({ table: FILE, column: `bases.${baseName}.tokens.${i}.env`, message: `environment variable ${t.env} is not set` });
      }
    });
  }
  issues.push(...scheduleIssues(config.schedules, config.bases));
  if (issues.length) throw new ConfigError(issues);
  const secrets = collectSecrets(expanded);
  for (const base of Object.values(config.bases)) {
    for (const t of base.tokens) if (t.env && env[t.env]) secrets.add(env[t.env]!);
  }
  return deepFreeze({ ...config, secrets: [...secrets] } as AppConfig);
}

export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): AppConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([{ table: FILE, message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` }]);
  }
  return parseConfig(text, env);
}
