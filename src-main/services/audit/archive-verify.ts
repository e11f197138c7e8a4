// Offline verification of an archive folder: every manifest against its schema, every file it lists against the manifest
// (bytes, SHA-256, rows, seq range), every event re-hashed from its Parquet row (JCS + SHA-256, the platform's chain) and
// linked to the one before, the runs of each workspace tiled end to end, and, when this machine's cache holds the
// workspace, the cache's first event linked to the archive's last. The archive writer runs the same file check on the
// files it has just written, read back from disk, before it removes anything from the cache.
import { join } from 'node:path';
import type { ArchiveFile, ArchiveManifest, ArchiveVerifyReport } from '../../../src-common/contract/index.ts';
import type { ColumnarSession, ColumnarValue } from '../../ports/columnar.ts';
import { eventHash, GENESIS_HASH } from './jcs.ts';
import { fileSha256, orphansOf, readManifests } from './archive-manifest.ts';
import { storedToEvent, type StoredEventRow } from './repo.ts';

const HASHED = ['seq', 'event_id', 'occurred_at', 'occurred_ms', 'credential_id', 'credential_type', 'caller_ip', 'method', 'endpoint', 'status', 'duration_ms', 'pii_accessed', 'params_json', 'extra_json', 'surface', 'mcp_tool', 'surface_sent', 'prev_hash', 'hash'] as const;

const monthOf = (ms: number) => new Date(ms).toISOString().slice(0, 7);

export interface FileCheck {
  ok: boolean;
  rows: number;
  problems: string[];
}

/** One listed file: on disk as the manifest says, and every event in it hashing and linking. */
export async function verifyArchiveFile(session: ColumnarSession, folder: string, f: ArchiveFile, columns: readonly string[]): Promise<FileCheck> {
  return (await verifyArchiveFiles(session, folder, [f], columns))[0]!;
}

const MAX_ROWS_PER_READ = 250_000;

/**
 * Listed files, checked as verifyArchiveFile does, read with one DuckDB query per group of files (up to 250,000 events)
 * instead of one per file: a folder holds a file per workspace and month.
 */
export async function verifyArchiveFiles(session: ColumnarSession, folder: string, list: readonly ArchiveFile[], columns: readonly string[]): Promise<FileCheck[]> {
  const out = new Map<ArchiveFile, FileCheck>();
  const missing = HASHED.filter((c) => !columns.includes(c));
  const readable: ArchiveFile[] = [];
  for (const f of list) {
    const problems: string[] = [];
    let disk: { sha256: string; bytes: number };
    try {
      disk = await fileSha256(join(folder, ...f.path.split('/')));
    } catch {
      out.set(f, { ok: false, rows: 0, problems: [`${f.path} is missing`] });
      continue;
    }
    if (disk.bytes !== f.bytes) problems.push(`${f.path} has ${disk.bytes} bytes, the manifest says ${f.bytes}`);
    if (disk.sha256 !== f.sha256) problems.push(`${f.path} does not match its SHA-256 in the manifest (changed after it was written)`);
    if (missing.length) problems.push(`the manifest's columns lack ${missing.join(', ')}: its events cannot be re-hashed`);
    out.set(f, { ok: false, rows: 0, problems });
    if (!missing.length) readable.push(f);
  }
  for (let i = 0; i < readable.length; ) {
    const group: ArchiveFile[] = [];
    for (let rows = 0; i < readable.length && (group.length === 0 || rows + readable[i]!.rows <= MAX_ROWS_PER_READ); i++) {
      rows += readable[i]!.rows;
      group.push(readable[i]!);
    }
    const paths = group.map((f) => join(folder, ...f.path.split('/')));
    let rows: ColumnarValue[][] | null = null;
    try {
      rows = await session.all(`SELECT filename, ${HASHED.map((c) => `"${c}"`).join(', ')} FROM read_parquet([${paths.map((p) => session.literal(p)).join(', ')}], hive_partitioning = false, filename = true) ORDER BY filename, seq`);
    } catch {
      // one unreadable file fails the whole read: read the group's files one by one to say which
      if (group.length > 1) {
        for (const f of group) {
          const [c] = await verifyArchiveFiles(session, folder, [f], columns);
          const prior = out.get(f)!;
          out.set(f, { ok: prior.problems.length === 0 && c!.ok, rows: c!.rows, problems: [...new Set([...prior.problems, ...c!.problems])] });
        }
        continue;
      }
      out.get(group[0]!)!.problems.push(`${group[0]!.path} cannot be read as Parquet`);
      continue;
    }
    const byPath = new Map<string, ColumnarValue[][]>(paths.map((p) => [p, []]));
    for (const r of rows) byPath.get(r[0] as string)?.push(r.slice(1));
    for (const [k, f] of group.entries()) {
      const c = out.get(f)!;
      const mine = byPath.get(paths[k]!) ?? [];
      c.rows = mine.length;
      checkRows(f, mine, c.problems);
    }
  }
  return list.map((f) => {
    const c = out.get(f)!;
    return { ...c, ok: c.problems.length === 0 };
  });
}

function checkRows(f: ArchiveFile, rows: ColumnarValue[][], problems: string[]): void {
  if (rows.length !== f.rows) problems.push(`${f.path} holds ${rows.length} events, the manifest says ${f.rows}`);
  let prev: string | null = null;
  let expect = f.firstSeq;
  let hashFailures = 0;
  for (const r of rows) {
    const row = Object.fromEntries(HASHED.map((c, i) => [c, r[i]])) as unknown as StoredEventRow;
    row.workspace_id = f.workspaceId;
    if (row.seq !== expect) {
      problems.push(`${f.path}: seq ${row.seq} where ${expect} was expected`);
      break;
    }
    expect++;
    if (prev === null ? row.prev_hash !== f.firstPrevHash : row.prev_hash !== prev) problems.push(`${f.path}: seq ${row.seq} does not link to the event before it`);
    if (eventHash(row.prev_hash, storedToEvent(row)) !== row.hash && hashFailures++ < 5) problems.push(`${f.path}: seq ${row.seq} does not hash to its hash`);
    if (monthOf(row.occurred_ms) !== f.month) problems.push(`${f.path}: seq ${row.seq} occurred in ${monthOf(row.occurred_ms)}, not ${f.month}`);
    prev = row.hash;
    if (problems.length > 20) break;
  }
  if (rows.length && (rows[rows.length - 1]![HASHED.indexOf('hash')] !== f.lastHash || expect - 1 !== f.lastSeq)) problems.push(`${f.path} does not end at seq ${f.lastSeq} with the manifest's last hash`);
}

export interface CacheView {
  firstSeq(workspaceId: string): number | null;
  hashAt(workspaceId: string, seq: number): { hash: string; prevHash: string } | null;
}

/** The whole folder: manifests, files, the chain across runs, and (with `cache`) the link into this machine's cache. */
export async function verifyArchiveFolder(session: ColumnarSession, folder: string, cache?: CacheView): Promise<ArchiveVerifyReport> {
  const checks: ArchiveVerifyReport['checks'] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const manifests = readManifests(folder);
  if (manifests.length === 0) add('manifests', false, `No archive manifest in ${join(folder, '_grantdesk')}: this is not an archive folder Grantdesk wrote`);
  const good: ArchiveManifest[] = [];
  for (const m of manifests) {
    if (m.manifest) good.push(m.manifest);
    else add(`manifest ${m.path}`, false, `The manifest ${m.problem}`);
  }
  let rows = 0;
  let files = 0;
  for (const m of good) {
    const cols = m.columns.map((c) => c.name);
    let failed = 0;
    let n = 0;
    const problems: string[] = [];
    for (const r of await verifyArchiveFiles(session, folder, m.files, cols)) {
      files++;
      n += r.rows;
      if (!r.ok) {
        failed++;
        problems.push(...r.problems.slice(0, 5));
      }
    }
    rows += n;
    if (n !== m.rowCount && failed === 0) problems.push(`its files hold ${n} events, the manifest says ${m.rowCount}`);
    add(`run ${m.archiveId}`, problems.length === 0, problems.length ? problems.slice(0, 12).join('; ') : `${m.files.length} files, ${n} events: bytes, SHA-256, rows and every event's hash and link as the manifest says`);
  }
  // the runs of each workspace, end to end: no seq in two files, no seq missing between them, each file linking to the one before
  const byWs = new Map<string, ArchiveFile[]>();
  for (const m of good) for (const f of m.files) byWs.set(f.workspaceId, [...(byWs.get(f.workspaceId) ?? []), f]);
  for (const [ws, list] of [...byWs].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    list.sort((a, b) => a.firstSeq - b.firstSeq);
    const problems: string[] = [];
    if (list[0]!.firstSeq === 1 && list[0]!.firstPrevHash !== GENESIS_HASH) problems.push('seq 1 does not start from the genesis hash');
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!;
      const b = list[i]!;
      if (b.firstSeq <= a.lastSeq) problems.push(`seqs ${b.firstSeq}–${Math.min(a.lastSeq, b.lastSeq)} are in two files (${a.path}, ${b.path})`);
      else if (b.firstSeq > a.lastSeq + 1) problems.push(`seqs ${a.lastSeq + 1}–${b.firstSeq - 1} are in no file of this folder`);
      else if (b.firstPrevHash !== a.lastHash) problems.push(`${b.path} does not link to ${a.path}`);
    }
    const last = list[list.length - 1]!;
    let detail = `seqs ${list[0]!.firstSeq}–${last.lastSeq} in ${list.length} files, linked end to end${list[0]!.firstSeq > 1 ? ' (the earlier ones were archived elsewhere or never cached here)' : ' from the genesis hash'}`;
    const first = cache?.firstSeq(ws) ?? null;
    if (cache && first !== null) {
      if (first === last.lastSeq + 1) {
        const h = cache.hashAt(ws, first);
        if (h?.prevHash !== last.lastHash) problems.push(`the cache's first event (seq ${first}) does not link to the archive's last (seq ${last.lastSeq})`);
        else detail += `; the cache continues at seq ${first}, linked`;
      } else if (first <= last.lastSeq) {
        const h = cache.hashAt(ws, last.lastSeq);
        if (h && h.hash !== last.lastHash) problems.push(`the cache holds seq ${last.lastSeq} with another hash than the archive`);
        else detail += `; the cache still holds seqs ${first}–${last.lastSeq} too (a run stopped before removing them: the next grantdesk archive removes them)`;
      } else problems.push(`the cache starts at seq ${first}: seqs ${last.lastSeq + 1}–${first - 1} are in neither`);
    }
    add(`chain ${ws}`, problems.length === 0, problems.length ? problems.slice(0, 8).join('; ') : detail);
  }
  const orphans = orphansOf(folder, manifests);
  if (orphans.length) add('unlisted files', true, `${orphans.length} Parquet file${orphans.length === 1 ? '' : 's'} no manifest lists (a run stopped before its manifest; their events stayed in the cache). They are never read; remove them when you like: ${orphans.slice(0, 5).join(', ')}${orphans.length > 5 ? ', …' : ''}`);
  return { ok: checks.length > 0 && checks.every((c) => c.ok), folder, archives: good.map((m) => m.archiveId), rows, files, checks, orphans };
}
