// A process that takes one slot of a deployment-wide limiter and holds it until it is killed: a worker
// SIGKILLed mid-call. Usage: tsx hold-slot.ts <database> <base> <connection> <concurrency>; prints
// `holding` once its call is in flight.
import { createDeploymentLimiter } from '../../../src/connectors/deployment-limiter';

const [database, base, connection, concurrency] = process.argv.slice(2);
const limiter = createDeploymentLimiter({ database: database!, base: base!, connection: connection!, concurrency: Number(concurrency) });
setInterval(() => undefined, 60_000); // alive until killed
limiter
  .run(
    () =>
      new Promise<never>(() => {
        console.log('holding');
      }),
  )
  .catch((err: Error) => {
    console.error(`hold-slot: ${err.message}`);
    process.exit(1);
  });
