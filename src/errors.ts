// Error model. Pure: imported by workflow code too.
// Every error has a stable `code`; the activity boundary turns it into an ApplicationFailure whose `type`
// is that code, and the workflow and the API switch on it, never on message text.

/** One problem in the configuration, located so a consultant can find and fix it. */
export interface ConfigIssue {
  table?: string;
  row?: number | string;
  column?: string;
  message: string;
}

export const ErrorCodes = {
  config: 'INT_CONFIG',
  record: 'INT_RECORD',
  transport: 'INT_TRANSPORT',
  unknownOutcome: 'INT_UNKNOWN_OUTCOME',
  request: 'INT_REQUEST',
} as const;

/**
 * What a failure carries besides its code and message across the activity boundary: one shape for every
 * error, the single entry of an ApplicationFailure's `details`.
 */
export interface FailureDetails {
  issues?: ConfigIssue[];
  requestError?: RequestErrorKind;
  parameter?: string;
  field?: string;
}

export abstract class IntegradorError extends Error {
  abstract readonly code: string;
  failureDetails(): FailureDetails {
    return {};
  }
}

/** The configuration (tables or connection file) is wrong. Never retried; nothing was sent. */
export class ConfigError extends IntegradorError {
  readonly code = ErrorCodes.config;
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
  override failureDetails(): FailureDetails {
    return { issues: this.issues };
  }
}

/** One record cannot be sent or was refused by the receiver. Fails that record, not the run. */
export class RecordError extends IntegradorError {
  readonly code = ErrorCodes.record;
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'RecordError';
  }
  override failureDetails(): FailureDetails {
    return { field: this.field };
  }
}

/** The receiver answered with a non-2xx status and a JSON body: a refusal, with the body kept for the logs. */
export class ReceiverRefusal extends RecordError {
  constructor(
    message: string,
    readonly status: number,
    readonly answer: unknown,
  ) {
    super(message);
    this.name = 'ReceiverRefusal';
  }
}

/**
 * The receiver could not be reached or answered without a readable body.
 * `retryable` is true only when the request cannot have been processed (connection refused, DNS, TLS
 * handshake, 429/503 with Retry-After); otherwise the outcome is unknown (see UnknownOutcome).
 */
export class TransportError extends IntegradorError {
  readonly code = ErrorCodes.transport;
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** The request may or may not have been processed (timeout after sending, connection reset mid-answer). */
export class UnknownOutcome extends IntegradorError {
  readonly code = ErrorCodes.unknownOutcome;
  constructor(message: string) {
    super(message);
    this.name = 'UnknownOutcome';
  }
}

export type RequestErrorKind = 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found';

/** The caller's request is wrong (HTTP 400/401/403/404). `parameter` names what is wrong. */
export class RequestError extends IntegradorError {
  readonly code = ErrorCodes.request;
  constructor(
    readonly kind: RequestErrorKind,
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
  override failureDetails(): FailureDetails {
    return { requestError: this.kind, parameter: this.parameter };
  }
}

/**
 * The FailureDetails of an ApplicationFailure's `details`. Histories recorded before FailureDetails carry
 * the older shapes (a ConfigError's issues as the array itself, a RequestError's `{ kind, parameter }`),
 * which replay must still read.
 */
export function readFailureDetails(details: readonly unknown[] | undefined | null): FailureDetails {
  const first = details?.[0];
  if (Array.isArray(first)) return { issues: first as ConfigIssue[] };
  if (!first || typeof first !== 'object') return {};
  const given = first as FailureDetails & { kind?: RequestErrorKind };
  const read: FailureDetails = {};
  if (given.issues !== undefined) read.issues = given.issues;
  if ((given.requestError ?? given.kind) !== undefined) read.requestError = given.requestError ?? given.kind;
  if (given.parameter !== undefined) read.parameter = given.parameter;
  if (given.field !== undefined) read.field = given.field;
  return read;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = [issue.table, issue.row !== undefined ? `id=${issue.row}` : undefined, issue.column]
    .filter((part) => part !== undefined && part !== '')
    .join(' ');
  return where ? `${where}: ${issue.message}` : issue.message;
}
