// Receivers by (base, connection name), built once per worker with their limits; closed at shutdown.
import type { AppConfig, ConnectionConfig } from '../config/types';
import { ConfigError } from '../errors';
import { createLimiter, type Limiter } from './limiter';
import type { Receiver } from './types';
import { createWsdlCache, createWsReceiver } from './ws';

export interface LimitedReceiver {
  name: string;
  config: ConnectionConfig;
  receiver: Receiver;
  limiter: Limiter;
}

export interface ReceiverRegistry {
  get(base: string, connection: string): LimitedReceiver;
  close(): Promise<void>;
}

type ReceiverFactory = (name: string, conn: ConnectionConfig) => Receiver;

export function createReceiverRegistry(config: Pick<AppConfig, 'bases'>, factories: Partial<Record<ConnectionConfig['type'], ReceiverFactory>> = {}): ReceiverRegistry {
  const wsdlCache = createWsdlCache();
  const defaults: Record<ConnectionConfig['type'], ReceiverFactory | undefined> = {
    WS: (name, conn) => createWsReceiver(name, conn as Extract<ConnectionConfig, { type: 'WS' }>, { wsdlCache }),
    API: undefined,
    DB: undefined,
  };
  const built = new Map<string, LimitedReceiver>();
  return {
    get(base, connection) {
      const key = `${base}\u0000${connection}`;
      let entry = built.get(key);
      if (!entry) {
        const conn = config.bases[base]?.connections[connection];
        if (!conn) throw new ConfigError([{ table: 'connection file', column: `bases.${base}.connections`, message: `connection ${connection} is not in the connection file` }]);
        const factory = factories[conn.type] ?? defaults[conn.type];
        if (!factory) throw new ConfigError([{ table: 'connection file', column: `bases.${base}.connections.${connection}`, message: `connection type ${conn.type} is not supported yet` }]);
        entry = { name: connection, config: conn, receiver: factory(connection, conn), limiter: createLimiter(conn) };
        built.set(key, entry);
      }
      return entry;
    },
    async close() {
      await Promise.all([...built.values()].map((e) => e.receiver.close?.()));
      built.clear();
    },
  };
}
