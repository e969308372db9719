// What activities need from the worker, as narrow interfaces (the DI sample's idea).
import type { AppConfig } from '../src/config/types';
import type { ReceiverRegistry } from '../src/connectors/registry';
import type { CrmPools } from '../src/crm/pools';
import type { Ledgers } from '../src/delivery/ledger';

export interface ActivityDeps {
  config: AppConfig;
  /** The CRM itself: configuration tables, the integrations' queries and lookups. */
  crm: Pick<CrmPools, 'pool' | 'lookups'>;
  /** The delivery ledger of each base (integrador.envio): every record's status goes through it. */
  ledgers: Ledgers;
  receivers: Pick<ReceiverRegistry, 'get'>;
  /**
   * These activities serve the bulk chunks (the worker's chunk queue). The others (a button's one chunk, a
   * settlement) send ahead of them in the connection's limiter.
   */
  bulk?: boolean;
}
