// Activity: read the configuration tables of a base and build the validated Plan. The Plan is recorded in
// history, so replays never touch the database.
import { readConfigRows } from '../src/crm/config-repository';
import { RequestError } from '../src/errors';
import { buildPlan } from '../src/plan/build-plan';
import type { Plan, RunRequest } from '../src/plan/types';
import type { ActivityDeps } from './deps';

export function createLoadPlan(deps: Pick<ActivityDeps, 'crm' | 'config'>) {
  return async function loadPlan(input: { request: RunRequest }): Promise<Plan> {
    const base = deps.config.bases[input.request.base];
    if (!base) throw new RequestError('not_found', `unknown base_crm ${input.request.base}`, 'base_crm');
    const rows = await readConfigRows(deps.crm.pool(input.request.base));
    return buildPlan(rows, input.request, base, deps.config.run);
  };
}
