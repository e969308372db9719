// A person's settlement of one ledger record (SPEC §8): its own workflow, so it has a history of its own,
// linked to the run by its id (settle-<run workflow id>-<integracao>-<key>-<n>) and memo. Deterministic:
// the record's move and its audit are one activity; for reenviar the send is a second one, retried only
// where the request cannot have been processed (deliverRecord decides, as in a run).
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ErrorCodes } from '../src/errors';
import type { SettleInput, SettleOutcome } from '../src/settlement/types';

const NEVER_RETRIED = [ErrorCodes.config, ErrorCodes.record, ErrorCodes.request, ErrorCodes.unknownOutcome];

const ledger = proxyActivities<Pick<Activities, 'beginSettlement'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 5, nonRetryableErrorTypes: NEVER_RETRIED },
});

const send = proxyActivities<Pick<Activities, 'resendSettled'>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: NEVER_RETRIED },
});

export async function settleRecord(input: SettleInput): Promise<SettleOutcome> {
  const begun = await ledger.beginSettlement(input);
  if (!begun.ok || input.acao !== 'reenviar') return begun;
  return send.resendSettled(input);
}
