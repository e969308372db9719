// Every HTTP status the API answers with for an error, in one place: a RequestError by its kind, a run's
// result by its error code. The error handler and /integrar both read these.
import { ErrorCodes, type RequestErrorKind } from '../errors';
import type { RecordView } from '../delivery/ledger';
import type { RunResult } from '../plan/types';

export const REQUEST_ERROR_STATUS: Readonly<Record<RequestErrorKind, number>> = { bad_request: 400, unauthorized: 401, forbidden: 403, not_found: 404 };

/** A configuration error: the request was understood, the configuration cannot serve it. */
export const CONFIG_ERROR_STATUS = 422;

export function httpStatusOf(result: RunResult, records: RecordView[]): number {
  if (result.success) return 200;
  if (result.errorCode === ErrorCodes.config) return CONFIG_ERROR_STATUS;
  if (result.errorCode === ErrorCodes.request) return REQUEST_ERROR_STATUS[result.requestError ?? 'bad_request'];
  if (result.errorCode === ErrorCodes.record) {
    const failed = records.filter((r) => r.status === 'erro' || r.status === 'incerto');
    // a record refused before sending (its data) is unprocessable; anything the receiver said is a 502
    if (failed.length && failed.every((r) => r.erro_tipo === 'mapeamento')) return CONFIG_ERROR_STATUS;
    return 502;
  }
  return 502;
}
