import assert from 'node:assert/strict';
import { ConfigError, type ConfigIssue } from '../../../src/errors';

export const empresa1 = { empresaId: 1, empresaFilialId: null };

/** The issues of the ConfigError `run` throws; fails when it throws anything else or nothing. */
export function configIssues(run: () => unknown): ConfigIssue[] {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.issues;
  }
  assert.fail('expected a ConfigError');
}
