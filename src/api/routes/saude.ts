// GET /saude: 200 when every base's database and Temporal answer, else 503 naming what is down.
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps';

export function saudeRoutes(app: FastifyInstance, deps: Pick<AppDeps, 'config' | 'client' | 'crm'>): void {
  const { config, client, crm } = deps;
  app.get('/saude', async (_req, reply) => {
    const checks: Record<string, string> = {};
    await Promise.all([
      ...Object.keys(config.bases).map(async (name) => {
        try {
          await crm.pool(name).query('SELECT 1');
          checks[`base:${name}`] = 'ok';
        } catch (err) {
          checks[`base:${name}`] = `unreachable: ${(err as Error).message}`;
        }
      }),
      client.temporal.connection.workflowService.getSystemInfo({}).then(
        () => (checks.temporal = 'ok'),
        (err: Error) => (checks.temporal = `unreachable: ${err.message}`),
      ),
    ]);
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ok ? 200 : 503).send({ success: ok, checks });
  });
}
