// The incident evidence pack: one new folder with the incident (match, every action with the platform's answer), the
// activity, a timeline (RFC 4180, formula-safe CSV), an audit extract of the credential's events (a regular export with
// its own manifest and the chain status per workspace) and incident-manifest.json listing every file with its size and
// SHA-256; the manifest's own bytes are pinned by a canonical form and a digest. `grantdesk verify incident-manifest.json`
// re-checks every byte, and the extract event by event (audit-service.ts dispatches on the manifest's format).
// Nothing in the pack holds the pasted secret: the incident never had it.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { Incident, IncidentActivity, VerifyReport } from '../../../src-common/contract/index.ts';
import { verifyExport } from '../audit/index.ts';
import { checkFolderFiles, listFolderFiles, manifestText, sha256 } from '../evidence-folder.ts';

export const INCIDENT_MANIFEST = 'incident-manifest.json';
export const INCIDENT_FORMAT = 'grantdesk-incident-pack';

const fileEntry = z.object({ path: z.string(), bytes: z.number().int(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const bodySchema = z
  .object({
    format: z.literal(INCIDENT_FORMAT),
    version: z.literal(1),
    incidentId: z.string(),
    createdAt: z.string(),
    appVersion: z.string(),
    workspaceId: z.string(),
    credentialId: z.string(),
    exportManifests: z.array(z.string()),
    files: z.array(fileEntry),
  })
  .strict();
type Body = z.infer<typeof bodySchema>;

/** A CSV cell: quoted, quotes doubled, and a leading = + - @ tab or CR neutralised with a ' (formula-safe). */
function cell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** The timeline: the credential's first and last seen, each unusual IP's first call, then every action taken. */
export function timelineCsv(inc: Incident, act: IncidentActivity): string {
  const rows: [string, string, string][] = [];
  if (act.firstSeen) rows.push([act.firstSeen, 'activity', `First call by ${inc.match.credentialName} since ${act.since}`]);
  for (const c of act.callers.filter((x) => x.unusual)) rows.push([c.firstAt, 'unusual_ip', `${c.ip}: ${c.calls} calls, ${c.why ?? ''}`]);
  if (act.lastSeen) rows.push([act.lastSeen, 'activity', `Last call by ${inc.match.credentialName} in the cache (${act.calls} calls since ${act.since})`]);
  for (const a of inc.actions) rows.push([a.at, a.action, `${a.ok ? '' : 'FAILED: '}${a.sentence}`]);
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return ['at,kind,what', ...rows.map((r) => r.map(cell).join(','))].join('\r\n') + '\r\n';
}

export interface BuildPackInput {
  dir: string;
  incident: Incident;
  activity: IncidentActivity;
  createdAt: string;
  appVersion: string;
  /** writes the audit extract into the folder; returns its manifest path */
  extract: (outFile: string) => Promise<string>;
  chainStatus: unknown;
}

/** Writes the pack into `dir` (a new, empty folder the caller claimed). */
export async function buildIncidentPack(i: BuildPackInput): Promise<{ manifestPath: string; files: number }> {
  const extractManifest = await i.extract(join(i.dir, 'audit-extract.jsonl'));
  writeFileSync(join(i.dir, 'incident.json'), JSON.stringify(i.incident, null, 2) + '\n', { mode: 0o600 });
  writeFileSync(join(i.dir, 'activity.json'), JSON.stringify(i.activity, null, 2) + '\n', { mode: 0o600 });
  writeFileSync(join(i.dir, 'timeline.csv'), timelineCsv(i.incident, i.activity), { mode: 0o600 });
  writeFileSync(join(i.dir, 'chain-status.json'), JSON.stringify(i.chainStatus, null, 2) + '\n', { mode: 0o600 });
  const files = listFolderFiles(i.dir).map((f) => {
    const buf = readFileSync(join(i.dir, f));
    return { path: f, bytes: buf.length, sha256: sha256(buf) };
  });
  const body: Body = {
    format: INCIDENT_FORMAT,
    version: 1,
    incidentId: i.incident.id,
    createdAt: i.createdAt,
    appVersion: i.appVersion,
    workspaceId: i.incident.match.workspaceId,
    credentialId: i.incident.match.credentialId,
    exportManifests: [relative(i.dir, extractManifest).split(sep).join('/')],
    files,
  };
  const manifestPath = join(i.dir, INCIDENT_MANIFEST);
  writeFileSync(manifestPath, manifestText(body), { mode: 0o600, flag: 'wx' });
  return { manifestPath, files: files.length };
}

/** True when the file at path is an incident pack manifest (cheap sniff, used by audit.verify). */
export function isIncidentPack(path: string): boolean {
  try {
    if (statSync(path).size > 16 * 1024 * 1024) return false;
    return (JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown })?.format === INCIDENT_FORMAT;
  } catch {
    return false;
  }
}

export async function verifyIncidentPack(manifestPath: string): Promise<VerifyReport> {
  const checks: VerifyReport['checks'] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  let body: Body;
  try {
    const text = readFileSync(manifestPath, 'utf8');
    const { digest, ...rest } = JSON.parse(text) as Record<string, unknown>;
    const parsed = bodySchema.safeParse(rest);
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.path.join('.') ?? 'schema');
    body = parsed.data;
    add('incident manifest', true, `incident ${body.incidentId}: ${body.files.length} files, ${body.exportManifests.length} audit extract`);
    add('manifest digest', digest === sha256(JSON.stringify(body)) && text === manifestText(body), 'the manifest bytes are exactly its canonical form and its digest matches');
  } catch (err) {
    add('incident manifest', false, `The incident manifest cannot be read or does not match its schema (${err instanceof Error ? err.message.slice(0, 120) : 'error'})`);
    return { ok: false, manifestPath, exportId: '', checks };
  }
  const root = dirname(manifestPath);
  const listed = new Set(body.files.map((f) => f.path));
  checks.push(...checkFolderFiles(root, body.files, INCIDENT_MANIFEST, 'pack'));
  for (const m of body.exportManifests) {
    if (!listed.has(m)) {
      add(`audit extract ${m}`, false, 'the extract manifest is not among the hashed files');
      continue;
    }
    const r = await verifyExport(join(root, m));
    const failed = r.checks.filter((c) => !c.ok);
    add(`audit extract ${m}`, r.ok, r.ok ? `${r.exportId}: ${r.checks.length} checks pass (bytes, rows, event hashes, chain links, chain status)` : failed.map((c) => `${c.name}: ${c.detail}`).join('; ').slice(0, 400));
  }
  return { ok: checks.every((c) => c.ok), manifestPath, exportId: body.incidentId, checks };
}
