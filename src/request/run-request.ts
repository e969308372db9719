// A run's request and how caller parameters (/integrar, /previa, a schedule) become one. Reserved names steer the engine; every other one is a parameter
// of the integration (`contaId=42`). Anything a caller can get wrong is a 400 naming the parameter.
import { RequestError } from '../errors';

/** What a caller asks for; also the workflow's input. Small and free of secrets. */
export interface RunRequest {
  base: string;
  empresaId: number | null;
  empresaFilialId: number | null;
  integracaoId: number;
  params: Record<string, string>;
  /** `forcar=true`: send every record, even those somente_alterados would skip. Absent = false. */
  forcar?: boolean;
}

const RESERVED = new Set(['base_crm', 'integracao_servico_id', 'empresa_id', 'empresa_filial_id', 'aguardar', 'forcar']);
const MAX_VALUE_LENGTH = 4096;
const MAX_NAME_LENGTH = 128;
const MAX_PARAMS = 100;
/** Names that would reach an object's prototype if used as keys. */
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);
/** The token is a header: in a URL or body it would be logged by proxies and stored with the run. */
const TOKEN_NAME = /^token[_-]?crm$/i;
const PERCENT_PAIR = /%[0-9A-Fa-f]{2}/;

const refuse = (parameter: string, message: string) => new RequestError('bad_request', message, parameter);

function single(value: unknown, name: string): unknown {
  if (typeof value === 'object' && value !== null) throw refuse(name, `parameter ${name} must be a single value`);
  return value;
}

function integer(value: unknown, name: string, required: boolean): number | null {
  if (single(value, name) === undefined || value === null || value === '') {
    if (required) throw refuse(name, `missing parameter ${name}`);
    return null;
  }
  const text = String(value);
  if (!/^-?\d{1,15}$/.test(text)) throw refuse(name, `parameter ${name} must be an integer`);
  return Number(text);
}

/**
 * The query-string and form parsers leave a value whose percent-encoding is not UTF-8 (`%FF`, Latin-1 `%E9`)
 * undecoded, as the literal text `%FF`; decoding such a value again fails. Without this check the caller's
 * `Jos%E9` would travel to the receiver as those six characters.
 */
function isUndecodedBytes(text: string): boolean {
  if (!PERCENT_PAIR.test(text)) return false;
  try {
    decodeURIComponent(text);
    return false;
  } catch {
    return true;
  }
}

function text(value: unknown, name: string): string {
  const result = String(single(value, name));
  if (result.length > MAX_VALUE_LENGTH) throw refuse(name, `parameter ${name} is longer than ${MAX_VALUE_LENGTH} characters`);
  if (result.includes('\uFFFD') || result.includes('\u0000') || isUndecodedBytes(result)) {
    throw refuse(name, `parameter ${name} is not valid UTF-8 text`);
  }
  return result;
}

export function toRunRequest(input: Record<string, unknown>): { request: RunRequest; wait: boolean } {
  const names = Object.keys(input);
  const token = names.find((name) => TOKEN_NAME.test(name));
  if (token !== undefined) throw refuse(token, `${token} goes in the TOKEN_CRM header, never in the URL or the body`);
  // "0", "1", ... come from a body that is not an object (a JSON array or string, text/plain) being spread
  const index = names.find((name) => /^\d+$/.test(name));
  if (index !== undefined) throw refuse(index, `parameter names start with a letter, not "${index}" (send a form or a JSON object)`);
  if (names.length > MAX_PARAMS + RESERVED.size) throw refuse(names[MAX_PARAMS]!, `more than ${MAX_PARAMS} parameters`);

  if (single(input.base_crm, 'base_crm') === undefined || input.base_crm === null || input.base_crm === '') {
    throw refuse('base_crm', 'missing parameter base_crm');
  }
  const base = text(input.base_crm, 'base_crm');
  const integracaoId = integer(input.integracao_servico_id, 'integracao_servico_id', true)!;
  const empresaId = integer(input.empresa_id, 'empresa_id', false);
  const empresaFilialId = integer(input.empresa_filial_id, 'empresa_filial_id', false);
  if (empresaId === null && empresaFilialId === null) {
    throw refuse('empresa_id', 'missing parameter empresa_id or empresa_filial_id');
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    // an absent value (JSON null) is no value: a required parameter sent as null is reported missing
    if (RESERVED.has(name) || value === undefined || value === null) continue;
    if (name.length > MAX_NAME_LENGTH) throw refuse(name.slice(0, 40) + '…', `a parameter name is longer than ${MAX_NAME_LENGTH} characters`);
    if (FORBIDDEN_NAMES.has(name)) throw refuse(name, `${name} cannot be a parameter name`);
    if (isUndecodedBytes(name) || name.includes('\uFFFD')) throw refuse(name, 'a parameter name is not valid UTF-8 text');
    params[name] = text(value, name);
  }
  const wait = !['false', '0', 'nao', 'não'].includes(String(single(input.aguardar, 'aguardar') ?? 'true').toLowerCase());
  // forcar=true: somente_alterados sends every record anyway; an engine switch, never an integration parameter
  const forcar = ['true', '1', 'sim'].includes(String(single(input.forcar, 'forcar') ?? 'false').toLowerCase());
  return { request: { base, empresaId, empresaFilialId, integracaoId, params, ...(forcar ? { forcar } : {}) }, wait };
}
