// createActivities(deps): every activity of a SET run, built from the worker's dependencies.
import type { ActivityDeps } from './deps';
import { withFailures } from './failures';
import { createLoadPlan } from './load-plan';
import { createQueryRecords } from './query-records';
import { createSendRecords } from './send-records';
import { createSettleActivities } from './settle';

export function createActivities(deps: ActivityDeps) {
  const settle = createSettleActivities(deps);
  return {
    beginSettlement: withFailures(settle.beginSettlement),
    resendSettled: withFailures(settle.resendSettled),
    loadPlan: withFailures(createLoadPlan(deps)),
    queryRecords: withFailures(createQueryRecords(deps)),
    sendRecords: withFailures(createSendRecords(deps)),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps };
