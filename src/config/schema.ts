// The connection file's schema (SPEC §3): defaults, limits and the messages a wrong value gets. The types
// in types.ts are inferred from it, so the two cannot drift apart.
import { z } from 'zod';
import { schedulesSchema } from './schedule-schema';

/** The Temporal task queue and namespace a file that names none runs on (client, worker and dev server). */
export const DEFAULT_TASK_QUEUE = 'integrador';
export const DEFAULT_NAMESPACE = 'default';
/** The run section's defaults (docs/connection-file.md). */
const RUN_DEFAULTS = { chunkSize: 100, maxChunksInFlight: 8, laterChunkSize: 500, chunksPerWorker: 2 } as const;

const credentials = z.object({ user: z.string(), password: z.string() }).strict();
const common = {
  timeoutMs: z.number().int().positive().default(30_000),
  /** An answer larger than this is not read (the record becomes incerto): the ledger never holds megabytes. */
  maxAnswerBytes: z.number().int().positive().optional(),
  concurrency: z.number().int().positive().default(4),
  ratePerSecond: z.number().positive().optional(),
  /** Where `concurrency` and `ratePerSecond` hold: each worker process on its own (absent), or all of them together. */
  scope: z
    .enum(['process', 'deployment'], {
      error: 'scope is process (the limits hold per worker process) or deployment (across every worker, through the base database)',
    })
    .optional(),
  safeToResend: z.boolean().default(false),
};
export const wsConnection = z
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
export const apiConnection = z
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
export const dbConnection = z.object({ type: z.literal('DB'), url: z.string().min(1), ...common }).strict();

export const token = z
  .object({
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'sha256 must be 64 hex digits')
      .optional(),
    env: z.string().optional(),
    empresas: z.array(z.number().int()).optional(),
    /** Who the token is, in audit records (default `token N`, N counted from 1 in the base's list); not a secret. */
    nome: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .refine((t) => Boolean(t.sha256) !== Boolean(t.env), 'a token has exactly one of sha256 or env');

export const connectionFileSchema = z
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
        /** The Temporal Web UI's address, for the console's links to a run (`dev` writes it). */
        uiUrl: z.url().optional(),
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
        chunkSize: z.number().int().positive().default(RUN_DEFAULTS.chunkSize),
        maxChunksInFlight: z.number().int().positive().default(RUN_DEFAULTS.maxChunksInFlight),
        // records per chunk after a run's first maxChunksInFlight chunks (activities/query-records.ts, chunkLayout)
        laterChunkSize: z.number().int().positive().default(RUN_DEFAULTS.laterChunkSize),
        // bulk chunks one worker process sends at once (its chunk worker's slots, src/worker.ts): two overlap
        // one chunk's start and end with the other's sends, and a process with no free chunk slot does not
        // poll, so a run's chunks spread over the workers instead of piling up behind one process's limiter
        chunksPerWorker: z.number().int().positive().default(RUN_DEFAULTS.chunksPerWorker),
      })
      .strict()
      .default({ ...RUN_DEFAULTS }),
    logs: z
      .object({ dir: z.string().optional(), level: z.enum(['debug', 'info', 'warn', 'error']).default('info') })
      .strict()
      .default({ level: 'info' }),
    schedules: schedulesSchema,
  })
  .strict();
