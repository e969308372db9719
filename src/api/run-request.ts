// The /integrar parameters → a RunRequest. Reserved names steer the engine; every other one is a parameter
// of the integration (`contaId=42`).
import { RequestError } from '../errors';
import type { RunRequest } from '../plan/types';

const RESERVED = new Set(['base_crm', 'integracao_servico_id', 'empresa_id', 'empresa_filial_id', 'aguardar']);
const MAX_VALUE_LENGTH = 4096;

function integer(value: unknown, name: string, required: boolean): number | null {
  if (value === undefined || value === '') {
    if (required) throw new RequestError('bad_request', `missing parameter ${name}`, name);
    return null;
  }
  const text = String(value);
  if (!/^-?\d{1,15}$/.test(text)) throw new RequestError('bad_request', `parameter ${name} must be an integer`, name);
  return Number(text);
}

export function toRunRequest(input: Record<string, unknown>): { request: RunRequest; wait: boolean } {
  const base = input.base_crm;
  if (typeof base !== 'string' || base === '') throw new RequestError('bad_request', 'missing parameter base_crm', 'base_crm');
  const integracaoId = integer(input.integracao_servico_id, 'integracao_servico_id', true)!;
  const empresaId = integer(input.empresa_id, 'empresa_id', false);
  const empresaFilialId = integer(input.empresa_filial_id, 'empresa_filial_id', false);
  if (empresaId === null && empresaFilialId === null) {
    throw new RequestError('bad_request', 'missing parameter empresa_id or empresa_filial_id', 'empresa_id');
  }
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(input)) {
    if (RESERVED.has(name) || value === undefined) continue;
    if (typeof value === 'object' && value !== null) throw new RequestError('bad_request', `parameter ${name} must be a single value`, name);
    const text = String(value);
    if (text.length > MAX_VALUE_LENGTH) throw new RequestError('bad_request', `parameter ${name} is longer than ${MAX_VALUE_LENGTH} characters`, name);
    if (text.includes('\uFFFD') || text.includes('\u0000')) throw new RequestError('bad_request', `parameter ${name} is not valid UTF-8 text`, name);
    params[name] = text;
  }
  const wait = !['false', '0', 'nao', 'não'].includes(String(input.aguardar ?? 'true').toLowerCase());
  return { request: { base, empresaId, empresaFilialId, integracaoId, params }, wait };
}
