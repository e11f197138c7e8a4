// `grantdesk archive`: audit events older than the cut leave the cache for Parquet files, hive-partitioned by workspace
// and month (workspace_id=…/month=YYYY-MM/part-<run>-<n>.parquet, one contiguous seq run per file), so the same files
// serve DuckDB here and Athena/Trino/Spark from object storage. Order of work, so that a crash anywhere loses nothing:
//   1. each file: DuckDB writes a temp file in its partition folder, it is fsynced and linked into place (never over an
//      existing file: link() fails on EEXIST), its SHA-256 taken;
//   2. the run's manifest (every file's SHA-256, rows, seq range and chain anchors), written the same way;
//   3. every file read back from disk by a fresh DuckDB session and checked event by event against the manifest;
//   4. one SQLite transaction removes exactly those events from the cache (archive-cache.ts).
// Stopped before 2: the events are still cached, the files are orphans (reported, never read). Stopped between 2 and 4:
// the run is complete but the events are still cached too; the next run re-verifies that run's files and removes them.
import { closeSync, fsyncSync, mkdirSync, openSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ArchiveFile, ArchiveManifest, ArchiveResult } from '../../../src-common/contract/index.ts';
import type { ColumnarEngine, ColumnarSession, ColumnarValue } from '../../ports/columnar.ts';
import { AppError } from '../../rpc/app-error.ts';
import type { Capabilities } from '../../rpc/handlers.ts';
import { placeFileExclusive, writeFileExclusive } from '../output-path.ts';
import type { ArchiveCache, WorkspaceCut } from './archive-cache.ts';
import { fileSha256, manifestPathOf, MANIFEST_DIR, orphansOf, partPath, readManifests } from './archive-manifest.ts';
import { verifyArchiveFiles } from './archive-verify.ts';

export interface ArchiveRunOptions {
  folder: string;
  beforeMs: number;
  workspaces?: readonly string[];
  appVersion: string;
  now: () => number;
  caps: Pick<Capabilities, 'fileAccess'>;
  /** events per Parquet file at most (a long month splits into several files) */
  maxRowsPerFile?: number;
  /** test hook: stop the run at this point, as a crash would (no cleanup) */
  crashAt?: 'after-files' | 'after-manifest';
  /** test hook: the run's id (default: its time and 4 random bytes) */
  archiveId?: string;
}

const READ_BATCH = 8192;
/** events per DuckDB table load: bounds the engine's memory for a workspace with millions of old events */
const SEGMENT = 500_000;
const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

function fsyncFile(path: string) {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Files of a run already in the folder that still cover cached events: (workspace -> files), verified or refused. */
async function finishedRuns(session: ColumnarSession, folder: string, cache: ArchiveCache): Promise<{ resume: Map<string, { files: ArchiveFile[]; manifest: ArchiveManifest }>; problems: string[] }> {
  const resume = new Map<string, { files: ArchiveFile[]; manifest: ArchiveManifest }>();
  const problems: string[] = [];
  for (const m of readManifests(folder)) {
    if (!m.manifest) continue;
    for (const w of m.manifest.workspaces) {
      const first = cache.firstSeq(w.workspaceId);
      // still cached: an earlier run wrote its manifest and stopped before removing these events
      if (first === null || first > w.lastSeq || first < w.firstSeq) continue;
      const files = m.manifest.files.filter((f) => f.workspaceId === w.workspaceId && f.lastSeq >= first);
      const cols = m.manifest.columns.map((c) => c.name);
      const ok = cache.hashAt(w.workspaceId, w.lastSeq)?.hash === w.lastHash && (await verifyArchiveFiles(session, folder, files, cols)).every((r) => r.ok);
      if (ok) resume.set(w.workspaceId, { files, manifest: m.manifest });
      else problems.push(`${w.workspaceId}: run ${m.manifest.archiveId} holds seqs ${w.firstSeq}–${w.lastSeq}, but its files or the cache no longer match; nothing of it was removed (run grantdesk verify)`);
    }
  }
  return { resume, problems };
}

export async function runArchive(cache: ArchiveCache, engine: ColumnarEngine, o: ArchiveRunOptions): Promise<ArchiveResult> {
  const archiveId = o.archiveId ?? `arc_${new Date(o.now()).toISOString().replace(/[-:.TZ]/g, '').slice(0, 14)}_${randomBytes(4).toString('hex')}`;
  const maxRows = Math.max(1, o.maxRowsPerFile ?? 250_000);
  mkdirSync(join(o.folder, MANIFEST_DIR), { recursive: true, mode: 0o700 });
  const before = new Date(o.beforeMs).toISOString();
  const session = await engine.open({ folders: [o.folder] });
  const cols = cache.columns;
  const fileCols = cols.filter((c) => c.name !== 'workspace_id'); // the partition folder carries it (hive partitioning)
  const at = (name: string) => cols.findIndex((c) => c.name === name);
  const iSeq = at('seq');
  const iMs = at('occurred_ms');
  const iPrev = at('prev_hash');
  const iHash = at('hash');
  const iWs = at('workspace_id');
  try {
    const { resume, problems } = await finishedRuns(session, o.folder, cache);
    const cuts = cache.cuts(o.beforeMs, o.workspaces);
    const files: ArchiveFile[] = [];
    const perWs: ArchiveManifest['workspaces'] = [];
    const results: ArchiveResult['workspaces'] = [];
    const removals: { workspaceId: string; fromSeq: number; toSeq: number; lastHash: string }[] = [];
    let resumed = 0;
    let n = 0;
    for (const cut of cuts) {
      let from = cut.fromSeq;
      const done = resume.get(cut.workspaceId);
      if (done) {
        // an interrupted run's events: removed now (their files were just re-verified), not archived twice
        const last = done.manifest.workspaces.find((w) => w.workspaceId === cut.workspaceId)!;
        removals.push({ workspaceId: cut.workspaceId, fromSeq: from, toSeq: last.lastSeq, lastHash: last.lastHash });
        resumed += last.lastSeq - from + 1;
        from = last.lastSeq + 1;
      }
      const problem = problems.find((p) => p.startsWith(`${cut.workspaceId}:`));
      if (cut.skipped || problem || cut.toSeq < from) {
        results.push({ workspaceId: cut.workspaceId, rows: 0, firstSeq: null, lastSeq: null, files: 0, skipped: problem ?? cut.skipped ?? 'Everything older than the cut was archived by an earlier run' });
        continue;
      }
      const mine = await writeWorkspace(cut, from);
      files.push(...mine);
      const lastFile = mine[mine.length - 1]!;
      perWs.push({ workspaceId: cut.workspaceId, rows: cut.toSeq - from + 1, firstSeq: from, lastSeq: cut.toSeq, firstPrevHash: mine[0]!.firstPrevHash, lastHash: lastFile.lastHash });
      results.push({ workspaceId: cut.workspaceId, rows: cut.toSeq - from + 1, firstSeq: from, lastSeq: cut.toSeq, files: mine.length, skipped: null });
      removals.push({ workspaceId: cut.workspaceId, fromSeq: from, toSeq: cut.toSeq, lastHash: lastFile.lastHash });
    }

    /**
     * One workspace's events (from..cut.toSeq] in seq order, a file per month run (at most maxRows events each): loaded
     * into one DuckDB table a segment at a time (one appender per segment, not per file), then one COPY per run.
     */
    async function writeWorkspace(cut: WorkspaceCut, from: number): Promise<ArchiveFile[]> {
      const out: ArchiveFile[] = [];
      let after = from - 1;
      while (after < cut.toSeq) {
        await session.createTable('run', fileCols);
        const runs: { month: string; first: unknown[]; last: unknown[]; rows: number }[] = [];
        let loaded = 0;
        while (after < cut.toSeq && loaded < SEGMENT) {
          const batch = cache.rows(cut.workspaceId, after, cut.toSeq, READ_BATCH);
          if (!batch.length) throw new AppError('conflict', `The cache of ${cut.workspaceId} changed while it was being archived; nothing was removed. Run grantdesk archive again.`);
          for (const r of batch) {
            if (r[iWs] !== cut.workspaceId) throw new AppError('internal', 'archive rows of another workspace');
            const m = monthOf(r[iMs] as number);
            const cur = runs[runs.length - 1];
            if (!cur || cur.month !== m || cur.rows >= maxRows) runs.push({ month: m, first: r, last: r, rows: 1 });
            else {
              cur.last = r;
              cur.rows++;
            }
          }
          await session.append('run', fileCols.map((c) => batch.map((r) => r[at(c.name)] as ColumnarValue)));
          loaded += batch.length;
          after = batch[batch.length - 1]![iSeq] as number;
        }
        for (const r of runs) out.push(await writeFile(cut.workspaceId, r));
      }
      return out;
    }

    async function writeFile(workspaceId: string, r: { month: string; first: unknown[]; last: unknown[]; rows: number }): Promise<ArchiveFile> {
      const rel = partPath(workspaceId, r.month, archiveId, ++n);
      const dir = join(o.folder, `workspace_id=${workspaceId}`, `month=${r.month}`);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const path = join(o.folder, ...rel.split('/'));
      const tmp = join(dir, `.tmp-${archiveId}-${randomBytes(6).toString('hex')}.parquet`);
      const firstSeq = r.first[iSeq] as number;
      const lastSeq = r.last[iSeq] as number;
      try {
        await session.run(`COPY (SELECT * FROM run WHERE seq BETWEEN ${firstSeq} AND ${lastSeq} ORDER BY seq) TO ${session.literal(tmp)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)`);
        fsyncFile(tmp);
        placeFileExclusive(tmp, path, o.caps);
      } catch (err) {
        try {
          unlinkSync(tmp);
        } catch {
          /* never created, or already placed */
        }
        throw err;
      }
      const { sha256, bytes } = await fileSha256(path);
      return { path: rel, workspaceId, month: r.month, rows: r.rows, firstSeq, lastSeq, firstPrevHash: r.first[iPrev] as string, lastHash: r.last[iHash] as string, bytes, sha256 };
    }

    if (o.crashAt === 'after-files') throw new AppError('internal', 'test crash after the files');
    const rows = files.reduce((a, f) => a + f.rows, 0);
    const bytes = files.reduce((a, f) => a + f.bytes, 0);
    let manifestPath: string | null = null;
    if (files.length) {
      const manifest: ArchiveManifest = {
        manifestVersion: 1,
        archiveId,
        createdAt: new Date(o.now()).toISOString(),
        appVersion: o.appVersion,
        before,
        columns: fileCols.map((c) => ({ name: c.name, type: c.type })),
        files,
        workspaces: perWs,
        rowCount: rows,
        byteLength: bytes,
      };
      manifestPath = manifestPathOf(o.folder, archiveId);
      writeFileExclusive(manifestPath, JSON.stringify(manifest, null, 2) + '\n', { caps: o.caps });
    }
    if (o.crashAt === 'after-manifest') throw new AppError('internal', 'test crash after the manifest');
    // read back from disk by a session that did not write them, event by event, before anything leaves the cache
    if (files.length) {
      const check = await engine.open({ folders: [o.folder] });
      try {
        const names = fileCols.map((c) => c.name);
        const checked = await verifyArchiveFiles(check, o.folder, files, names);
        for (const [i, r] of checked.entries()) {
          if (!r.ok) throw new AppError('io_error', `The archive file ${files[i]!.path} did not read back as written (${r.problems[0]}); nothing was removed from the cache`);
        }
      } finally {
        check.close();
      }
    }
    const removedFromCache = removals.length ? cache.remove(removals, { archiveId, folder: o.folder, at: new Date(o.now()).toISOString() }) : 0;
    return {
      archiveId: files.length ? archiveId : null,
      folder: o.folder,
      manifestPath,
      before,
      files: files.length,
      rows,
      bytes,
      removedFromCache,
      resumed,
      workspaces: results,
      orphans: orphansOf(o.folder, readManifests(o.folder)),
    };
  } finally {
    session.close();
  }
}
