// One pg pool per CRM base, created on first use and closed once at shutdown.
import { Pool, types, type PoolConfig } from 'pg';
import type { AppConfig } from '../config/types';

// DATE columns stay 'yyyy-MM-dd' text: a JS Date at local midnight would shift with the worker's timezone.
const DATE_OID = 1082;
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === DATE_OID ? (value: string) => value : types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};

export function createPool(url: string, extra: PoolConfig = {}): Pool {
  const pool = new Pool({ connectionString: url, max: 10, types: typeParsers, ...extra });
  // an idle client losing its connection must not crash the process; the next query reconnects
  pool.on('error', () => undefined);
  return pool;
}

export interface CrmPools {
  pool(base: string): Pool;
  close(): Promise<void>;
}

export function createCrmPools(config: Pick<AppConfig, 'bases'>): CrmPools {
  const pools = new Map<string, Pool>();
  return {
    pool(base) {
      let pool = pools.get(base);
      if (!pool) {
        const baseConfig = config.bases[base];
        if (!baseConfig) throw new Error(`unknown base ${base}`);
        pool = createPool(baseConfig.database);
        pools.set(base, pool);
      }
      return pool;
    },
    async close() {
      await Promise.all([...pools.values()].map((p) => p.end()));
      pools.clear();
    },
  };
}
