// The activity boundary: our errors become ApplicationFailures whose `type` is the error's stable code.
import { ApplicationFailure } from '@temporalio/common';
import { IntegradorError, TransportError } from '../src/errors';

export function toFailure(err: unknown): unknown {
  if (!(err instanceof IntegradorError)) return err;
  if (err instanceof TransportError) {
    return ApplicationFailure.create({
      type: err.code,
      message: err.message,
      nonRetryable: !err.retryable,
      nextRetryDelay: err.retryAfterMs,
    });
  }
  // one FailureDetails, read back by readFailureDetails (the workflow)
  return ApplicationFailure.create({ type: err.code, message: err.message, nonRetryable: true, details: [err.failureDetails()] });
}

/** Wraps an activity so that every error it throws crosses the boundary as a typed failure. */
export function withFailures<I, O>(fn: (input: I) => Promise<O>): (input: I) => Promise<O> {
  return async (input) => {
    try {
      return await fn(input);
    } catch (err) {
      throw toFailure(err);
    }
  };
}
