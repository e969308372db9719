// Finding a run for a caller of /execucoes/{workflowId}...: the token is checked against the base before
// anything is looked up, so a wrong token cannot tell whether a run exists; a run of another base answers
// 404 like an unknown one; the token's companies are checked once the run's company is known (403).
import { WorkflowNotFoundError, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import type { BaseConfig } from '../../config/types';
import { RequestError } from '../../errors';
import { BASE_KEY, EMPRESA_KEY, type IntegradorClient } from '../../temporal/client';
import { checkToken, tokenName } from '../auth';

/** 401 unless the token is one of the base's; a token limited to some companies passes here. */
export function tokenFitsBase(base: BaseConfig, token: string): void {
  try {
    checkToken(base, token, null);
  } catch (err) {
    if (err instanceof RequestError && err.kind === 'forbidden') return;
    throw err;
  }
}

export interface FoundRun {
  handle: WorkflowHandle;
  description: WorkflowExecutionDescription;
  empresa: number | null;
  /** Who the token is (its nome, else `token N`), for audit records. */
  caller: { nome: string };
}

export async function findRun(client: IntegradorClient, base: BaseConfig, baseName: string, token: string, workflowId: string): Promise<FoundRun> {
  tokenFitsBase(base, token);
  const notFound = () => new RequestError('not_found', `no run ${workflowId} in base ${baseName}`, 'workflowId');
  // a run of another base is not even looked up: its id says which base it belongs to
  if (!workflowId.startsWith(`set-${baseName}-`)) throw notFound();
  const handle = client.handle(workflowId);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound();
    throw err;
  }
  // the id prefix alone would let base `demo` read runs of base `demo-x`
  if (description.typedSearchAttributes.get(BASE_KEY) !== baseName) throw notFound();
  const empresa = description.typedSearchAttributes.get(EMPRESA_KEY) ?? null;
  const rule = checkToken(base, token, empresa);
  return { handle, description, empresa, caller: { nome: tokenName(base, rule) } };
}
