// The benchmark's G5-like receiver in a process of its own. In the benchmark's process it competed for CPU
// with whichever side was running (worker or direct loop); here it is the shared limit both sides meet,
// as an ERP on another machine would be. Run directly, it prints `{"baseUrl": ...}` and serves until
// SIGTERM or until its stdin closes (the benchmark died). spawnReceiverProcess() does that from the bench.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { startG5Receiver } from '../src/dev/g5-receiver';

export interface ReceiverProcess {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

export async function spawnReceiverProcess(password: string): Promise<ReceiverProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename], {
    env: { ...process.env, BENCH_RECEIVER_PASSWORD: password },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve((JSON.parse(line) as { baseUrl: string }).baseUrl));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`receiver process exited with ${code} before listening`)));
  });
  return {
    baseUrl,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function main() {
  const receiver = await startG5Receiver({ password: process.env.BENCH_RECEIVER_PASSWORD ?? 'bench' });
  // nothing reads the log of received calls here: keep it from growing for the whole run
  setInterval(() => (receiver.received.length = 0), 1000).unref();
  const stop = () => void receiver.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdin.once('end', stop).resume();
  process.stdout.write(`${JSON.stringify({ baseUrl: receiver.baseUrl })}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
