// The connection file (SPEC §3), after ${ENV} expansion and validation. Frozen once loaded.
// Inferred from the schema (schema.ts): a field's type is whatever the schema accepts, defaults applied.
import type { z } from 'zod';
import type { apiConnection, connectionFileSchema, dbConnection, token, wsConnection } from './schema';

type ConnectionFile = z.infer<typeof connectionFileSchema>;

export type TemporalConfig = ConnectionFile['temporal'];
export type TokenRule = z.infer<typeof token>;
export type WsConnection = z.infer<typeof wsConnection>;
export type HttpSecurity = NonNullable<WsConnection['security']>;
export type ApiConnection = z.infer<typeof apiConnection>;
export type DbConnection = z.infer<typeof dbConnection>;
export type ConnectionConfig = WsConnection | ApiConnection | DbConnection;
export type BaseConfig = ConnectionFile['bases'][string];

export type AppConfig = ConnectionFile & {
  /** Every secret value found in the file (passwords, tokens), for masking. */
  secrets: string[];
};
