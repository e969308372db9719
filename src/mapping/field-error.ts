// Record errors that name the field, so a consultant finds the campos_integracao row at once. Pure.
import { RecordError } from '../errors';

/** `field <path> (campos_integracao id=N) <problem>`; RecordError.field is the path. */
export function fieldError(path: string, campoId: number, problem: string): RecordError {
  return new RecordError(`field ${path} (campos_integracao id=${campoId}) ${problem}`, path);
}

/** Null, undefined, a blank string and an empty array are empty (for `obrigatorio` and PADRAO). */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return false;
}

/** A value shown inside an error message: short, so a long text does not flood the ledger. */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = value instanceof Date ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
