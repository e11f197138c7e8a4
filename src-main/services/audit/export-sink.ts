// Where an export's bytes go: SHA-256 over them in order, then into the file through a few reused 4 MiB buffers written
// at their offsets (pwrite) on libuv's threads, so the kernel copy overlaps the formatting of the next rows; every
// 64 MiB an fdatasync starts in the background, so the fsync at the end (ExclusiveFile.commit) finds little left to
// flush. Memory stays at the buffers however large the export.
import { createHash } from 'node:crypto';
import { fdatasync, write } from 'node:fs';

const CHUNK = 4 << 20;
const BUFFERS = 4;
const SYNC_EVERY = 64 << 20;

export interface ExportSink {
  /** bytes accepted so far (all of them reach the file by finish()) */
  readonly bytes: number;
  writeBytes(b: Uint8Array): Promise<void>;
  writeText(s: string): Promise<void>;
  /** writes a short text into the current buffer if it surely fits there (no await needed); false: use writeText */
  tryWriteText(s: string): boolean;
  /** waits for every write and background sync; throws the first write error */
  finish(): Promise<void>;
  /** waits for what is in flight, ignoring errors (before the file is closed on a failure) */
  settle(): Promise<void>;
  digest(): string;
}

export function createExportSink(fd: number): ExportSink {
  const hash = createHash('sha256');
  const free: Buffer[] = Array.from({ length: BUFFERS }, () => Buffer.allocUnsafe(CHUNK));
  const waiters: (() => void)[] = [];
  const inFlight = new Set<Promise<void>>();
  let cur = free.pop()!;
  let off = 0;
  let position = 0; // file offset of cur's first byte
  let accepted = 0;
  let sinceSync = 0;
  let error: Error | null = null;

  const writeAll = (buf: Buffer, len: number, at: number) =>
    new Promise<void>((resolve) => {
      const step = (done: number) => {
        if (done >= len) return resolve();
        write(fd, buf, done, len - done, at + done, (err, n) => {
          if (err) {
            error ??= err;
            return resolve();
          }
          step(done + n);
        });
      };
      step(0);
    });

  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  /** hands cur (its first `off` bytes) to the writer threads and takes a free buffer, waiting for one if needed */
  async function submit(): Promise<void> {
    if (error) throw error;
    if (off === 0) return;
    const buf = cur;
    const len = off;
    hash.update(buf.subarray(0, len));
    track(
      writeAll(buf, len, position).then(() => {
        free.push(buf);
        waiters.shift()?.();
      }),
    );
    position += len;
    sinceSync += len;
    if (sinceSync >= SYNC_EVERY) {
      sinceSync = 0;
      track(new Promise<void>((resolve) => fdatasync(fd, (err) => ((error ??= err), resolve()))));
    }
    while (free.length === 0) await new Promise<void>((r) => waiters.push(r));
    if (error) throw error;
    cur = free.pop()!;
    off = 0;
  }

  return {
    get bytes() {
      return accepted;
    },
    async writeBytes(b) {
      accepted += b.byteLength;
      let i = 0;
      while (i < b.byteLength) {
        const n = Math.min(CHUNK - off, b.byteLength - i);
        cur.set(b.subarray(i, i + n), off);
        off += n;
        i += n;
        if (off === CHUNK) await submit();
      }
    },
    async writeText(s) {
      // most texts fit as they are; a long one is encoded once and copied in pieces
      if (s.length * 3 > CHUNK) return this.writeBytes(Buffer.from(s, 'utf8'));
      if (s.length * 3 > CHUNK - off) await submit();
      const n = cur.write(s, off, 'utf8');
      off += n;
      accepted += n;
    },
    tryWriteText(s) {
      if (s.length * 3 > CHUNK - off) return false;
      const n = cur.write(s, off, 'utf8');
      off += n;
      accepted += n;
      return true;
    },
    async finish() {
      await submit();
      while (inFlight.size) await Promise.all([...inFlight]);
      if (error) throw error;
    },
    async settle() {
      while (inFlight.size) await Promise.all([...inFlight]);
    },
    digest() {
      return hash.digest('hex');
    },
  };
}
