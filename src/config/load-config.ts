// Reads the connection file (SPEC §3): YAML, `${NAME}` from the environment, checked against a schema.
// Every problem is reported at once, then the result is frozen.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors';
import { scheduleIssues } from './schedule-schema';
import { connectionFileSchema } from './schema';
import type { AppConfig } from './types';

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
  const result = connectionFileSchema.safeParse(expanded);
  if (!result.success) {
    for (const issue of result.error.issues) {
      issues.push({ table: FILE, column: issue.path.join('.'), message: issue.message });
    }
  }
  if (issues.length || !result.success) throw new ConfigError(issues);
  const config = result.data;
  for (const [baseName, base] of Object.entries(config.bases)) {
    base.tokens.forEach((t, i) => {
      t.nome ??= `token ${i + 1}`;
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
  return deepFreeze({ ...config, secrets: [...secrets] } satisfies AppConfig);
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
