// One pg pool per CRM base, created on first use and closed once at shutdown.
import { Pool, types, type PoolConfig } from 'pg';
import type { AppConfig } from '../config/types';
import { createQueryBatcher, type QueryBatcher } from './pipeline';

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

const PIPELINED: PoolConfig = { pipeline: true, max: 4 };

export interface CrmPools {
  pool(base: string): Pool;
  /**
   * A small second pool of the base whose connections pipeline (pg's `pipeline: true`): for a transaction
   * that sends its statements together (src/crm/pipeline.ts), such as the ledger's group write-back.
   */
  pipelined(base: string): Pool;
  /** The base's read-only lookups (the mapping's components): those issued together go out together (pipeline.ts). */
  lookups(base: string): QueryBatcher;
  close(): Promise<void>;
}

export function createCrmPools(config: Pick<AppConfig, 'bases'>): CrmPools {
  const pools = new Map<string, Pool>();
  const batchers = new Map<string, QueryBatcher>();
  const get = (key: string, base: string, extra?: PoolConfig) => {
    let pool = pools.get(key);
    if (!pool) {
      const baseConfig = config.bases[base];
      if (!baseConfig) throw new Error(`unknown base ${base}`);
      pool = createPool(baseConfig.database, extra);
      pools.set(key, pool);
    }
    return pool;
  };
  return {
    pool: (base) => get(`pool:${base}`, base),
    pipelined: (base) => get(`pipelined:${base}`, base, PIPELINED),
    lookups(base) {
      let batcher = batchers.get(base);
      if (!batcher) {
        batcher = createQueryBatcher(get(`pipelined:${base}`, base, PIPELINED));
        batchers.set(base, batcher);
      }
      return batcher;
    },
    async close() {
      await Promise.all([...pools.values()].map((p) => p.end()));
      pools.clear();
      batchers.clear();
    },
  };
}
