// Validates one base of the connection file against its CRM database: reads schema integrador and asks
// PostgreSQL about every configured SQL on one dedicated connection, which is then discarded.
import type { BaseConfig } from '../config/types';
import { readConfigRows } from '../crm/config-repository';
import { createPool } from '../crm/pools';
import type { ConfigRows } from '../model/types';
import { createSqlChecker } from './sql-checker';
import { validateBase, type ValidationReport } from './validate-base';

export async function validateDatabase(base: BaseConfig): Promise<ValidationReport & { rows: ConfigRows }> {
  const pool = createPool(base.database, { max: 1 });
  try {
    const rows = await readConfigRows(pool);
    const client = await pool.connect();
    try {
      return { ...(await validateBase(rows, base, createSqlChecker(client))), rows };
    } finally {
      client.release(true); // a fresh session next time: no prepared statement or setting survives
    }
  } finally {
    await pool.end();
  }
}
