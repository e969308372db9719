// The ports deliverRecord works through, built from the worker's dependencies for one base and connection:
// the same for a run's chunk (send-records.ts) and a settlement's resend (settle.ts).
import { createHash } from 'node:crypto';
import { maskSecrets } from '../src/connectors/mask';
import type { DeliveryPorts } from '../src/delivery/deliver';
import { OVERLAP_DEFAULTS } from '../src/delivery/overlap';
import type { ActivityDeps } from './deps';

export function deliveryPorts(deps: Pick<ActivityDeps, 'crm' | 'receivers' | 'config' | 'ledgers' | 'bulk'>, base: string, connection: string) {
  const target = deps.receivers.get(base, connection);
  const lookups = deps.crm.lookups(base);
  const ports: DeliveryPorts = {
    ledger: deps.ledgers.get(base),
    receiver: target.receiver,
    limiter: target.limiter,
    claimAhead: target.claimAhead,
    first: !deps.bulk,
    safeToResend: target.config.safeToResend,
    lookups: { query: async (sql) => (await lookups.query({ text: sql.text, values: sql.values })).rows },
    mask: (text) => maskSecrets(text, deps.config.secrets),
    digest: (text) => createHash('sha256').update(text).digest('hex'),
    // overlapping runs: a holder enviando longer than any live send (timeout + heartbeat timeout + margin) is abandoned
    overlap: { ...OVERLAP_DEFAULTS, abandonedAfterMs: target.config.timeoutMs + 70_000 },
  };
  return { ports, target };
}
