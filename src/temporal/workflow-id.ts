import { createHash } from 'node:crypto';
import type { RunRequest } from '../plan/types';

/**
 * The workflow id of a SET run: base, company, integration and a digest of the parameters (values may be
 * personal data, so only their digest is visible). Identical requests get the same id and join one run.
 */
export function setRunWorkflowId(request: RunRequest): string {
  const params = Object.keys(request.params)
    .sort()
    .map((k) => [k, request.params[k]]);
  // a forced run (forcar=true) does not join an unforced one in flight, nor the reverse
  const digest = createHash('sha256')
    .update(JSON.stringify(request.forcar ? [...params, ['forcar', true]] : params))
    .digest('hex')
    .slice(0, 16);
  const empresa = request.empresaFilialId !== null ? `${request.empresaId ?? ''}.${request.empresaFilialId}` : String(request.empresaId ?? '');
  return `set-${request.base}-${empresa}-${request.integracaoId}-${digest}`;
}
