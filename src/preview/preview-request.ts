// The /previa parameters: those of /integrar (same parsing, same 400s), plus `valores` (stand-ins for
// captured values) and `previa_limite` (records shown per integration). Both are taken out before the
// /integrar parsing, so an integration's own parameters keep every other name.
import { toRunRequest } from '../request/run-request';
import { RequestError } from '../errors';
import type { RunRequest } from '../plan/types';
import type { StandIn } from './preview';

export const DEFAULT_PREVIEW_LIMIT = 20;
export const MAX_PREVIEW_LIMIT = 500;
const MAX_VALUES = 100;
const MAX_VALUE_LENGTH = 4096;
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Names that would reach an object's prototype if used as keys. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const refuse = (parameter: string, message: string) => new RequestError('bad_request', message, parameter);

/** `valores`: a JSON object (POST JSON), or its JSON text (query string, form); values are text or numbers. */
export function parseValores(raw: unknown): Record<string, StandIn> {
  if (raw === undefined || raw === null || raw === '') return {};
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw refuse('valores', 'valores must be a JSON object such as {"codCli": 1001}');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw refuse('valores', 'valores must be a JSON object such as {"codCli": 1001}');
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_VALUES) throw refuse('valores', `valores has more than ${MAX_VALUES} names`);
  const result: Record<string, StandIn> = {};
  for (const [name, v] of entries) {
    if (FORBIDDEN_NAMES.has(name)) throw refuse(`valores.${name}`, `valores: ${name} cannot be a value name`);
    if (!NAME.test(name)) throw refuse(`valores.${name.slice(0, 40)}`, `valores: "${name.slice(0, 40)}" is not a variable name (letters, digits, _)`);
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw refuse(`valores.${name}`, `valores.${name} must be text or a finite number`);
    } else if (typeof v === 'string') {
      if (v.length > MAX_VALUE_LENGTH) throw refuse(`valores.${name}`, `valores.${name} is longer than ${MAX_VALUE_LENGTH} characters`);
      if (v.includes('\u0000') || v.includes('\uFFFD')) throw refuse(`valores.${name}`, `valores.${name} is not valid UTF-8 text`);
    } else {
      throw refuse(`valores.${name}`, `valores.${name} must be text or a number, not ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`);
    }
    result[name] = v;
  }
  return result;
}

function parseLimit(raw: unknown): number {
  if (raw === undefined || raw === null || raw === '') return DEFAULT_PREVIEW_LIMIT;
  const text = typeof raw === 'number' || typeof raw === 'string' ? String(raw) : '';
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1 || Number(text) > MAX_PREVIEW_LIMIT) {
    throw refuse('previa_limite', `previa_limite must be an integer from 1 to ${MAX_PREVIEW_LIMIT}`);
  }
  return Number(text);
}

export function toPreviewRequest(input: Record<string, unknown>): { request: RunRequest; valores: Record<string, StandIn>; limit: number } {
  const { valores, previa_limite: limite, ...rest } = input;
  const { request } = toRunRequest(rest);
  return { request, valores: parseValores(valores), limit: parseLimit(limite) };
}
