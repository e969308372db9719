// docker-compose.yml, read as data: the services a production deployment needs, wired to each other,
// with the worker scalable and secrets only from the environment. (No Docker engine needed.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load-config';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/constants';

const ROOT = join(__dirname, '..', '..');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  container_name?: string;
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
  stop_grace_period?: string;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const services = compose.services;
const svc = (name: string): Service => {
  const s = services[name];
  assert.ok(s, `service ${name}`);
  return s;
};

/** Compose's ${VAR:-default} / ${VAR:?message} substitution, with made-up values for the secrets. */
function substitute(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g,
    (_, name: string, op?: string, rest?: string) => env[name] ?? (op === '-' ? rest! : `fake-${name.toLowerCase()}`),
  );
}

describe('docker-compose.yml', () => {
  test('has PostgreSQL, Temporal with its schema and namespace set-up, the UI, migrate, the API and the worker', () => {
    assert.deepEqual(Object.keys(services).sort(), ['api', 'migrate', 'postgresql', 'temporal', 'temporal-schema', 'temporal-setup', 'temporal-ui', 'worker']);
  });

  test('runs Temporal from the current upstream images, not the deprecated auto-setup', () => {
    assert.match(svc('temporal').image!, /^temporalio\/server:\d+\.\d+\.\d+$/);
    assert.match(svc('temporal-schema').image!, /^temporalio\/admin-tools:\d+\.\d+\.\d+$/);
    assert.equal(svc('temporal-schema').image!.split(':')[1], svc('temporal').image!.split(':')[1], 'admin-tools and server versions match');
    assert.equal(svc('temporal-setup').image, svc('temporal-schema').image);
    assert.match(svc('temporal-ui').image!, /^temporalio\/ui:\d+\.\d+\.\d+$/);
    assert.match(svc('postgresql').image!, /^postgres:\d+$/);
    for (const [name, s] of Object.entries(services)) assert.doesNotMatch(s.image ?? '', /auto-setup/, name);
  });

  test('starts in order: PostgreSQL healthy, schema done, Temporal healthy, namespace done, migrate done, then API and workers', () => {
    assert.deepEqual(svc('temporal-schema').depends_on, { postgresql: { condition: 'service_healthy' } });
    assert.deepEqual(svc('temporal').depends_on, { 'temporal-schema': { condition: 'service_completed_successfully' } });
    assert.deepEqual(svc('temporal-setup').depends_on, { temporal: { condition: 'service_healthy' } });
    assert.deepEqual(svc('temporal-ui').depends_on, { temporal: { condition: 'service_healthy' } });
    assert.deepEqual(svc('migrate').depends_on, { 'temporal-setup': { condition: 'service_completed_successfully' } });
    assert.deepEqual(svc('api').depends_on, { migrate: { condition: 'service_completed_successfully' } });
    assert.deepEqual(svc('worker').depends_on, { migrate: { condition: 'service_completed_successfully' } });
    assert.ok(svc('postgresql').healthcheck && svc('temporal').healthcheck && svc('api').healthcheck);
  });

  test('Temporal persists to the postgresql service with the postgres12 plugin; its set-up scripts exist', () => {
    const env = svc('temporal').environment!;
    assert.equal(env.DB, 'postgres12');
    assert.equal(env.POSTGRES_SEEDS, 'postgresql');
    assert.equal(svc('temporal-schema').environment!.SQL_HOST, 'postgresql');
    const dynamic = svc('temporal').volumes!.find((v) => v.includes('dynamicconfig'))!;
    assert.ok(existsSync(join(ROOT, dynamic.split(':')[0]!, 'production-sql.yaml')));
    for (const name of ['temporal-schema', 'temporal-setup']) {
      const script = svc(name).entrypoint!.at(-1)!.replace('/integrador-setup', 'deploy/temporal');
      assert.ok(existsSync(join(ROOT, script)), `${name}: ${script}`);
    }
    assert.match(readFileSync(join(ROOT, 'deploy/temporal/setup-postgres.sh'), 'utf8'), /temporal-sql-tool/);
  });

  test('the namespace set-up registers exactly the search attributes the client sets', () => {
    const script = readFileSync(join(ROOT, 'deploy/temporal/setup-namespace.sh'), 'utf8');
    const registered = Object.fromEntries([...script.matchAll(/(Integrador\w+)=(\w+)/g)].map((m) => [m[1], m[2]]));
    assert.deepEqual(registered, SEARCH_ATTRIBUTES);
    assert.match(script, /temporal operator search-attribute create/);
  });

  test('the API is `serve --no-worker` on a published port; the worker is `worker`, scalable: no container_name, no published port', () => {
    assert.deepEqual(svc('api').command, ['serve', '--no-worker']);
    assert.ok(svc('api').ports!.some((p) => p.endsWith(':3000')));
    assert.deepEqual(svc('worker').command, ['worker']);
    assert.deepEqual(svc('migrate').command, ['migrate']);
    assert.equal(svc('worker').container_name, undefined);
    assert.equal(svc('worker').ports, undefined);
    for (const [name, s] of Object.entries(services)) assert.equal(s.container_name, undefined, `${name} has a container_name`);
    for (const name of ['api', 'worker']) assert.ok(svc(name).stop_grace_period, `${name} needs time to drain on stop`);
  });

  test('API, worker and migrate share one image built from deploy/Dockerfile, pointed at the temporal service and the mounted connection file', () => {
    for (const name of ['api', 'worker', 'migrate']) {
      const s = svc(name);
      assert.equal(s.image, 'integrador:latest');
      assert.equal(s.build?.dockerfile, 'deploy/Dockerfile');
      const env = s.environment!;
      assert.equal(env.TEMPORAL_ADDRESS, 'temporal:7233', name);
      const mount = s.volumes!.find((v) => substitute(v, {}).split(':')[1] === env.INTEGRADOR_CONFIG);
      assert.ok(mount, `${name}: the file INTEGRADOR_CONFIG names is mounted`);
    }
    assert.equal(svc('worker').environment!.WORKER_METRICS_PORT, '9464');
    assert.equal(svc('api').environment!.HOST, '0.0.0.0');
    const dockerfile = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');
    assert.match(dockerfile, /ENTRYPOINT \["node", "bin\/integrador\.js"\]/);
    assert.match(dockerfile, /USER node/);
  });

  test('the image runs the compiled build: dist/ and the prebuilt workflow bundle from `npm run build`, no TypeScript source', () => {
    const dockerfile = readFileSync(join(ROOT, 'deploy/Dockerfile'), 'utf8');
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const build = stages.find((st) => /^\S+ AS build\b/.test(st));
    assert.ok(build, 'a build stage');
    assert.match(build, /^RUN npm ci\b/m, 'the build stage installs the dev dependencies tsc needs');
    assert.match(build, /^RUN npm run build$/m);
    const final = stages.at(-1)!;
    assert.match(final, /^COPY --from=build \/app\/dist \.\/dist$/m);
    assert.match(final, /^COPY --from=deps \/app\/node_modules/m);
    for (const source of ['src', 'workflows', 'activities', 'scripts', 'tsconfig']) {
      assert.doesNotMatch(final, new RegExp(`^COPY (\\S+ )*${source}`, 'm'), `the final image holds no ${source}`);
    }
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts.build!, /scripts\/build\.ts/);
    assert.match(readFileSync(join(ROOT, 'scripts/build.ts'), 'utf8'), /workflow-bundle\.js/);
    // what the compiled worker loads, and bin/integrador.js runs dist/ when there is no src/
    assert.match(readFileSync(join(ROOT, 'src/worker.ts'), 'utf8'), /PREBUILT_BUNDLE = join\(__dirname, '\.\.', 'workflow-bundle\.js'\)/);
    assert.match(readFileSync(join(ROOT, 'bin/integrador.js'), 'utf8'), /'dist', 'src', 'cli', 'main\.js'/);
    assert.match(readFileSync(join(ROOT, 'deploy/Dockerfile.dockerignore'), 'utf8'), /^dist$/m, 'a stale local dist/ never reaches the image');
    for (const name of ['api', 'worker', 'migrate']) assert.equal(svc(name).build?.dockerfile, 'deploy/Dockerfile', name);
  });

  test('secrets come only from the environment', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (/PASSWORD|PWD|TOKEN|SECRET/.test(key)) assert.match(value, /^\$\{[A-Z0-9_]+:\?/, `${name}.${key} must be \${VAR:?...}`);
      }
    }
  });

  test('the example connection file, with the environment compose gives the worker, loads and points at the temporal service', () => {
    const worker = svc('worker');
    const env = Object.fromEntries(Object.entries(worker.environment!).map(([k, v]) => [k, substitute(v, { G5_URL: 'http://erp.internal:8080' })]));
    const mount = worker.volumes!.find((v) => v.endsWith(`:${worker.environment!.INTEGRADOR_CONFIG}:ro`))!;
    const file = substitute(mount, {}).split(':')[0]!;
    const config = parseConfig(readFileSync(join(ROOT, file), 'utf8'), env);
    assert.equal(config.temporal.address, 'temporal:7233');
    assert.equal(config.temporal.namespace, 'default');
    assert.equal(config.logs.dir, '/var/log/integrador');
    assert.ok(worker.volumes!.some((v) => v.endsWith(':/var/log/integrador')));
    assert.ok(config.secrets.includes('fake-g5_password'), 'the G5 password is known as a secret, so it is masked');
    assert.ok(config.secrets.includes('fake-crm_demo_password'));
  });
});
