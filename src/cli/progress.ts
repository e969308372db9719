// The progress of a run, from its ledger records: a bar on a terminal, one line per change otherwise
// (logs, CI, tests).
import { SingleBar } from 'cli-progress';
import type { RecordView } from '../delivery/ledger';

export interface ProgressCounts {
  total: number;
  sent: number;
  written: number;
  failed: number;
}

export function progressCounts(records: Pick<RecordView, 'status'>[]): ProgressCounts {
  let sent = 0;
  let written = 0;
  let failed = 0;
  for (const r of records) {
    if (r.status === 'enviado' || r.status === 'gravado') sent++;
    if (r.status === 'gravado') written++;
    if (r.status === 'erro' || r.status === 'incerto') failed++;
  }
  return { total: records.length, sent, written, failed };
}

export interface Progress {
  update(counts: ProgressCounts): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const line = (c: ProgressCounts) => `records ${c.sent + c.failed}/${c.total} | sent ${c.sent} | written back ${c.written} | failed ${c.failed}`;
  if (!stream.isTTY) {
    let last = '';
    return {
      update(c) {
        const text = line(c);
        if (text !== last) stream.write(`${text}\n`);
        last = text;
      },
      stop() {},
    };
  }
  const bar = new SingleBar({
    stream,
    format: 'records {bar} {value}/{total} | sent {sent} | written back {written} | failed {failed}',
    hideCursor: true,
    clearOnComplete: false,
  });
  let started = false;
  return {
    update(c) {
      const payload = { sent: c.sent, written: c.written, failed: c.failed };
      if (!started) {
        bar.start(Math.max(c.total, 1), c.sent + c.failed, payload);
        started = true;
      }
      bar.setTotal(Math.max(c.total, 1));
      bar.update(c.sent + c.failed, payload);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
