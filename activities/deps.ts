// What activities need from the worker, as narrow interfaces (the DI sample's idea).
import type { AppConfig } from '../src/config/types';
import type { ReceiverRegistry } from '../src/connectors/registry';
import type { CrmPools } from '../src/crm/pools';

export interface ActivityDeps {
  config: AppConfig;
  crm: Pick<CrmPools, 'pool'>;
  receivers: Pick<ReceiverRegistry, 'get'>;
}
