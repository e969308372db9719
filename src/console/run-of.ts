// A run the signed-in operator may see, as GET /execucoes decides it: the id names the base, the search
// attribute confirms it (404 otherwise: no existence oracle), the run's company is the token's (403).
import { WorkflowNotFoundError, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import { BASE_KEY, EMPRESA_KEY, type IntegradorClient } from '../temporal/client';
import { messages } from './messages.pt-BR';
import { PageError } from './page';
import { maySee, type Operator } from './session';

export async function runOf(
  client: IntegradorClient,
  operator: Operator,
  workflowId: string,
): Promise<{ handle: WorkflowHandle; description: WorkflowExecutionDescription }> {
  const t = messages;
  const notFound = () => new PageError(404, t.run.notFound(workflowId));
  if (!workflowId.startsWith(`set-${operator.base}-`)) throw notFound();
  const handle = client.handle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw notFound();
    throw err;
  }
  if (description.typedSearchAttributes.get(BASE_KEY) !== operator.base) throw notFound();
  if (!maySee(operator, description.typedSearchAttributes.get(EMPRESA_KEY) ?? null)) throw new PageError(403, t.errors.company);
  return { handle, description };
}
