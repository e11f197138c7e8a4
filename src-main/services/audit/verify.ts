// Offline verification of an export against its manifest: bytes, SHA-256, encoding/BOM, strict parsing, row counts,
// order, first/last seq per workspace, every event re-hashed (JCS + SHA-256) and chain links between consecutive seqs.
// Streams the file: constant memory whatever its size.
import { createReadStream, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { exportManifestSchema, type ExportManifest, type VerifyReport } from '../../../src-common/contract/index.ts';
import { readCsvStrict, uncsvString, type CsvField } from './csv.ts';
import { EXPORT_COLUMNS, LEGACY_EXPORT_COLUMNS } from './export.ts';
import { eventHash } from './jcs.ts';
import { storedToEvent } from './repo.ts';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

class RowChecker {
  failures: string[] = [];
  rows = 0;
  private order: string[] = [];
  private perWs = new Map<string, { rows: number; first: number; last: number; lastHash: string }>();
  hashFailures = 0;
  linkFailures = 0;
  orderFailures = 0;
  fail(msg: string) {
    if (this.failures.length < 20) this.failures.push(msg);
  }
  event(e: Record<string, unknown>) {
    this.rows++;
    const ws = String(e.workspace_id);
    const seq = e.seq as number;
    const prev = String(e.prev_hash);
    const hash = String(e.hash);
    if (eventHash(prev, e) !== hash) {
      this.hashFailures++;
      this.fail(`row ${this.rows}: ${ws} seq ${seq} does not hash to its hash`);
    }
    let w = this.perWs.get(ws);
    if (!w) {
      const lastWs = this.order[this.order.length - 1];
      if (lastWs !== undefined && !(lastWs < ws)) {
        this.orderFailures++;
        this.fail(`row ${this.rows}: workspace ${ws} out of order`);
      }
      this.order.push(ws);
      w = { rows: 0, first: seq, last: 0, lastHash: '' };
      this.perWs.set(ws, w);
    } else {
      if (this.order[this.order.length - 1] !== ws) {
        this.orderFailures++;
        this.fail(`row ${this.rows}: workspace ${ws} appears in two places`);
      }
      if (!(seq > w.last)) {
        this.orderFailures++;
        this.fail(`row ${this.rows}: ${ws} seq ${seq} after seq ${w.last}`);
      } else if (seq === w.last + 1 && prev !== w.lastHash) {
        this.linkFailures++;
        this.fail(`row ${this.rows}: ${ws} seq ${seq} prev_hash does not link to seq ${w.last}`);
      }
    }
    w.rows++;
    w.last = seq;
    w.lastHash = hash;
  }
  workspaces() {
    return this.perWs;
  }
}

/** Column positions of the header a file has: this version's, or that of an export made before surfaces existed. */
type Columns = Record<(typeof EXPORT_COLUMNS)[number], number>;
function columnsOf(header: readonly string[]): Columns | null {
  for (const known of [EXPORT_COLUMNS, LEGACY_EXPORT_COLUMNS] as const) {
    if (header.length === known.length && header.every((h, i) => h === known[i])) {
      const at = Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, (known as readonly string[]).indexOf(c)])) as Columns;
      return at;
    }
  }
  return null;
}

function csvRowToEvent(f: CsvField[], at: Columns): Record<string, unknown> {
  const s = (c: keyof Columns) => (at[c] < 0 ? null : uncsvString(f[at[c]]!));
  const int = (c: keyof Columns) => {
    const v = f[at[c]]!.value;
    if (v === '' && !f[at[c]]!.quoted) return null;
    if (!/^-?\d+$/.test(v)) throw new Error(`column ${c} is not an integer`);
    return Number(v);
  };
  const pii = f[at.pii_accessed]!.value;
  if (pii !== 'true' && pii !== 'false') throw new Error('column pii_accessed is not true/false');
  // an empty surface cell: the platform sent neither member (export.ts), so the event is hashed without them
  const surface = s('surface');
  const ev = storedToEvent({
    workspace_id: s('workspace_id') ?? '',
    seq: int('seq') ?? NaN,
    event_id: s('event_id') ?? '',
    occurred_at: s('occurred_at') ?? '',
    credential_id: s('credential_id'),
    credential_type: s('credential_type'),
    caller_ip: s('caller_ip'),
    method: s('method'),
    endpoint: s('endpoint'),
    status: int('status'),
    duration_ms: int('duration_ms'),
    pii_accessed: pii === 'true' ? 1 : 0,
    params_json: s('params_json') ?? 'null',
    extra_json: s('extra_json'),
    surface: surface ?? 'api',
    mcp_tool: s('mcp_tool'),
    surface_sent: surface === null ? 0 : 1,
  });
  ev.prev_hash = f[at.prev_hash]!.value;
  ev.hash = f[at.hash]!.value;
  return ev;
}

/** What the export history recorded when the export was made. */
export interface RecordedExport {
  exportId: string;
  path: string;
  rowCount: number;
  byteLength: number;
  sha256: string;
}

/**
 * `recorded`, given the exportId the manifest names, returns the history's record to compare with (if there is one): the
 * file must be the one whose hash the history recorded, not merely consistent with whatever manifest sits beside it.
 */
export async function verifyExport(manifestPath: string, recorded?: (manifestExportId: string | null) => RecordedExport | undefined): Promise<VerifyReport> {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  let manifest: ExportManifest;
  try {
    const parsed = exportManifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, 'utf8')));
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.path.join('.') ?? 'schema');
    manifest = parsed.data;
    add('manifest', true, `export ${manifest.exportId}, ${manifest.format}, ${manifest.rowCount} rows`);
  } catch (err) {
    add('manifest', false, `The manifest cannot be read or does not match its schema (${err instanceof Error ? err.message.slice(0, 120) : 'error'})`);
    return { ok: false, manifestPath, exportId: recorded?.(null)?.exportId ?? '', checks };
  }
  const rec = recorded?.(manifest.exportId);
  if (manifest.file.includes('/') || manifest.file.includes('\\') || manifest.file === '..') {
    add('file', false, 'The manifest names a file outside its own folder');
    return { ok: false, manifestPath, exportId: manifest.exportId, checks };
  }
  const file = join(dirname(manifestPath), manifest.file);
  const hash = createHash('sha256');
  let bytes = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const rc = new RowChecker();
  let parseError: string | null = null;
  let header: string[] | null = null;
  let columns: Columns | null = null;
  let bomSeen: boolean | null = null;
  let carry = '';
  let inQuotes = false;
  let scanFrom = 0;
  const consume = (text: string, final: boolean) => {
    if (parseError) return;
    if (bomSeen === null && text.length > 0) {
      bomSeen = text.charCodeAt(0) === 0xfeff;
      if (bomSeen) text = text.slice(1);
    }
    carry += text;
    let cut = -1;
    if (manifest.format === 'csv') {
      for (let i = scanFrom; i < carry.length; i++) {
        const c = carry.charCodeAt(i);
        if (c === 34) inQuotes = !inQuotes;
        else if (c === 10 && !inQuotes && carry.charCodeAt(i - 1) === 13) cut = i + 1;
      }
      scanFrom = carry.length;
    } else cut = carry.lastIndexOf('\n') + 1 || -1;
    if (final) cut = carry.length;
    if (cut <= 0) return;
    const block = carry.slice(0, cut);
    carry = carry.slice(cut);
    scanFrom = carry.length;
    // quote parity restarts from the carried remainder
    inQuotes = false;
    for (let i = 0; i < carry.length; i++) if (carry.charCodeAt(i) === 34) inQuotes = !inQuotes;
    try {
      if (manifest.format === 'csv') {
        for (const rec of readCsvStrict(block)) {
          if (!header) {
            header = rec.map((f) => f.value);
            columns = columnsOf(header);
            if (!columns) throw new Error('the header names columns this version does not know');
            continue;
          }
          if (rec.length !== header.length) throw new Error(`a record has ${rec.length} fields`);
          rc.event(csvRowToEvent(rec, columns!));
        }
      } else {
        for (const line of block.split('\n')) {
          if (line === '') continue;
          const v = JSON.parse(line) as unknown;
          if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('a line is not a JSON object');
          rc.event(v as Record<string, unknown>);
        }
      }
    } catch (err) {
      parseError = `row ${rc.rows + 1}: ${err instanceof Error ? err.message.slice(0, 160) : 'unparseable'}`;
    }
  };
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        parseError ??= 'the file is not valid UTF-8';
        continue;
      }
      consume(text, false);
    }
    try {
      consume(decoder.decode(), true);
    } catch {
      parseError ??= 'the file is not valid UTF-8';
    }
  } catch (err) {
    add('file', false, `Cannot read ${manifest.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return { ok: false, manifestPath, exportId: manifest.exportId, checks };
  }
  const digest = hash.digest('hex');
  add('byte length', bytes === manifest.byteLength, `${bytes} bytes; manifest says ${manifest.byteLength}`);
  add('sha256', digest === manifest.sha256, digest === manifest.sha256 ? digest : `file ${digest}, manifest ${manifest.sha256}`);
  add('encoding', parseError !== 'the file is not valid UTF-8' && (bomSeen ?? false) === manifest.bom, `UTF-8, BOM ${bomSeen ? 'present' : 'absent'}; manifest says ${manifest.bom ? 'present' : 'absent'}`);
  if (manifest.format === 'csv') {
    const h = header as string[] | null;
    const legacy = !!h && h.length === LEGACY_EXPORT_COLUMNS.length;
    add('header', !!h && columnsOf(h) !== null, h ? `${h.length} columns${legacy ? ' (an export made before surfaces; events without surface members)' : ''}` : 'no header');
  }
  add('parse', parseError === null, parseError ?? `every record is strict ${manifest.format === 'csv' ? 'RFC 4180 CSV' : 'JSON Lines'}`);
  add('row count', rc.rows === manifest.rowCount, `${rc.rows} rows; manifest says ${manifest.rowCount}`);
  add('order', rc.orderFailures === 0, rc.orderFailures ? `${rc.orderFailures} rows out of (workspace, seq) order` : 'rows ascend by workspace, then seq');
  add('event hashes', rc.hashFailures === 0, rc.hashFailures ? `${rc.hashFailures} events do not re-hash to their hash` : `${rc.rows} events re-hash (RFC 8785 JCS + SHA-256)`);
  add('chain links', rc.linkFailures === 0, rc.linkFailures ? `${rc.linkFailures} broken links between consecutive seqs` : 'consecutive seqs link by prev_hash');
  const seen = rc.workspaces();
  const wsProblems: string[] = [];
  for (const m of manifest.workspaces) {
    const s = seen.get(m.workspaceId);
    const rows = s?.rows ?? 0;
    if (rows !== m.rows) wsProblems.push(`${m.workspaceId}: ${rows} rows, manifest ${m.rows}`);
    if ((s?.first ?? null) !== m.firstSeq || (s?.last ?? null) !== m.lastSeq) wsProblems.push(`${m.workspaceId}: seq ${s?.first ?? '-'}..${s?.last ?? '-'}, manifest ${m.firstSeq ?? '-'}..${m.lastSeq ?? '-'}`);
    if (m.lastSeq !== null && m.lastSeq > m.chain.headSeq) wsProblems.push(`${m.workspaceId}: last seq beyond the verified head ${m.chain.headSeq}`);
  }
  for (const ws of seen.keys()) if (!manifest.workspaces.some((m) => m.workspaceId === ws)) wsProblems.push(`${ws}: in the file but not in the manifest`);
  add('workspaces', wsProblems.length === 0, wsProblems.length ? wsProblems.slice(0, 5).join('; ') : `${manifest.workspaces.length} workspaces: rows and first/last seq match`);
  const tampered = manifest.workspaces.filter((m) => m.chain.status === 'tamper');
  if (rec) {
    const problems: string[] = [];
    if (manifest.exportId !== rec.exportId) problems.push(`the manifest there now belongs to export ${manifest.exportId}`);
    if (resolve(file) !== resolve(rec.path)) problems.push(`the manifest names ${manifest.file}, the history recorded ${basename(rec.path)}`);
    if (digest !== rec.sha256) problems.push(`the file's SHA-256 is ${digest.slice(0, 16)}…, the history recorded ${rec.sha256.slice(0, 16)}…`);
    if (rc.rows !== rec.rowCount) problems.push(`${rc.rows} rows, the history recorded ${rec.rowCount}`);
    if (bytes !== rec.byteLength) problems.push(`${bytes} bytes, the history recorded ${rec.byteLength}`);
    add('history record', problems.length === 0, problems.length ? `The file at ${rec.path} is no longer the one export ${rec.exportId} wrote: ${problems.join('; ')}` : `the file is the one export ${rec.exportId} recorded (${rec.rowCount} rows, SHA-256 ${rec.sha256.slice(0, 16)}…)`);
  }
  add('chain status at export', tampered.length === 0, tampered.length ? `tamper alarms recorded for ${tampered.map((t) => `${t.workspaceId} (seq ${t.chain.tamperSeqs.join(',')})`).join('; ')}` : 'every exported workspace was verified with no tamper alarm');
  if (rc.failures.length) add('first problems', false, rc.failures.slice(0, 5).join('; '));
  return { ok: checks.every((c) => c.ok), manifestPath, exportId: manifest.exportId, checks };
}
