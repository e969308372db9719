// Activity: read the configuration tables of a base, build the validated Plan and check its SQL. The Plan is recorded in
// history, so replays never touch the database.
import { planFromCrm } from '../src/validate/check-plan';
import { RequestError } from '../src/errors';
import type { Plan, RunRequest } from '../src/plan/types';
import type { ActivityDeps } from './deps';

export function createLoadPlan(deps: Pick<ActivityDeps, 'crm' | 'config'>) {
  return async function loadPlan(input: { request: RunRequest }): Promise<Plan> {
    const base = deps.config.bases[input.request.base];
    if (!base) throw new RequestError('not_found', `unknown base_crm ${input.request.base}`, 'base_crm');
    return planFromCrm(deps.crm.pool(input.request.base), base, input.request, deps.config.run);
  };
}
