// The connection file (SPEC §3), after ${ENV} expansion and validation. Frozen once loaded.
import type { ScheduleConfig } from './schedule-schema';

export interface TemporalConfig {
  /** Absent: the embedded dev server (`integrador dev`). */
  address?: string;
  namespace: string;
  taskQueue: string;
  tls?: { serverName?: string; caFile?: string; certFile?: string; keyFile?: string } | boolean;
  apiKey?: string;
}

export interface TokenRule {
  sha256?: string;
  env?: string;
  /** Companies this token may run; absent = all. */
  empresas?: number[];
  /** Who this token is, in audit records (settlements); default `token N`. */
  nome?: string;
}

export interface HttpSecurity {
  basic?: { user: string; password: string };
  wsSecurity?: { user: string; password: string; passwordType?: 'PasswordText' | 'PasswordDigest' };
}

interface ConnectionCommon {
  timeoutMs: number;
  /** Answers over this size are not read: the outcome is unknown (`incerto`). Default 1 MiB. */
  maxAnswerBytes?: number;
  concurrency: number;
  ratePerSecond?: number;
  /** The receiver is idempotent: a request with an unknown outcome may be sent again. */
  safeToResend: boolean;
}

export interface WsConnection extends ConnectionCommon {
  type: 'WS';
  url: string;
  args: Record<string, unknown>;
  security?: HttpSecurity;
  endpoint?: string;
}

export interface ApiConnection extends ConnectionCommon {
  type: 'API';
  url: string;
  headers: Record<string, string>;
  auth?: { bearer?: string; basic?: { user: string; password: string }; apiKey?: { header: string; value: string } };
}

export interface DbConnection extends ConnectionCommon {
  type: 'DB';
  url: string;
}

export type ConnectionConfig = WsConnection | ApiConnection | DbConnection;

export interface BaseConfig {
  database: string;
  tokens: TokenRule[];
  connections: Record<string, ConnectionConfig>;
}

export interface AppConfig {
  temporal: TemporalConfig;
  bases: Record<string, BaseConfig>;
  api: { port: number; host: string; waitLimitMs: number };
  run: { chunkSize: number; maxChunksInFlight: number };
  logs: { dir?: string; level: string };
  /** SETs run periodically, applied by `serve` as Temporal Schedules. */
  schedules: Record<string, ScheduleConfig>;
  /** Every secret value found in the file (passwords, tokens), for masking. */
  secrets: string[];
}
