// `integrador dev`'s connection file works as printed from a second terminal: no variable to export first.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startDevEnvironment, type DevEnvironment } from '../../src/dev/dev-env';
import { freePort } from '../../src/dev/free-port';
import { runCli } from '../helpers/run-cli';

const cli = (args: string[], env: NodeJS.ProcessEnv) => runCli(args, env);

describe('integrador dev', () => {
  let dir: string;
  let dev: DevEnvironment;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'integrador-dev-'));
    // a folder others can reach: the private-folder case has its own test (private-folder.test.ts)
    chmodSync(dir, 0o755);
    dev = await startDevEnvironment({ dataDir: dir, apiPort: await freePort() });
  });
  after(async () => {
    await dev?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the connection file it writes works from another terminal without any variable set', async () => {
    assert.doesNotMatch(readFileSync(dev.configPath, 'utf8'), /\$\{/);
    const env = { ...process.env };
    delete env.G5_PASSWORD;
    const validate = await cli(['validate', '--config', dev.configPath, '--base', 'demo'], env);
    assert.equal(validate.code, 0, validate.stderr + validate.stdout);
    const run = await cli(['run', '--config', dev.configPath, '--base', 'demo', '--empresa', '1', '--integracao', '19', '--param', 'contaId=2', '--json'], env);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).success, true);
  });
});
