// An archive folder on disk: the hive-partitioned Parquet files (workspace_id=…/month=YYYY-MM/part-<run>-<n>.parquet) and
// one manifest per run under _grantdesk/ (a name Athena, Trino, Spark and DuckDB's globs skip). Manifests are hostile
// input here: a file they list must be a partition path of this folder, never a path that climbs out of it.
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';
import { archiveManifestSchema, type ArchiveManifest } from '../../../src-common/contract/index.ts';

export const MANIFEST_DIR = '_grantdesk';
export const MANIFEST_SUFFIX = '.manifest.json';
/** a partition file's path inside the folder, as the manifest lists it (always '/' separated) */
export const PART_PATH = /^workspace_id=(ws_[A-Za-z0-9_-]{1,197})\/month=(\d{4}-\d{2})\/(part-arc_\d{14}_[0-9a-f]{8}-\d{5}\.parquet)$/;

export const manifestPathOf = (folder: string, archiveId: string) => join(folder, MANIFEST_DIR, `archive-${archiveId}${MANIFEST_SUFFIX}`);
export const partPath = (workspaceId: string, month: string, archiveId: string, n: number) => `workspace_id=${workspaceId}/month=${month}/part-${archiveId}-${String(n).padStart(5, '0')}.parquet`;

export interface ReadManifest {
  path: string;
  manifest: ArchiveManifest | null;
  /** why it could not be used, in words */
  problem: string | null;
}

/** Every run's manifest in the folder, parsed and checked (schema, and every listed file a partition path of its own). */
export function readManifests(folder: string): ReadManifest[] {
  let names: string[];
  try {
    names = readdirSync(join(folder, MANIFEST_DIR)).filter((n) => n.endsWith(MANIFEST_SUFFIX) && !n.startsWith('.')).sort();
  } catch {
    return [];
  }
  return names.map((name) => {
    const path = join(folder, MANIFEST_DIR, name);
    try {
      const parsed = archiveManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (!parsed.success) return { path, manifest: null, problem: `does not match the archive manifest schema (${parsed.error.issues[0]?.path.join('.') || 'shape'})` };
      const m = parsed.data;
      if (name !== `archive-${m.archiveId}${MANIFEST_SUFFIX}`) return { path, manifest: null, problem: `names run ${m.archiveId} but is called ${name}` };
      for (const f of m.files) {
        const hit = PART_PATH.exec(f.path);
        if (!hit || hit[1] !== f.workspaceId || hit[2] !== f.month || !hit[3]!.startsWith(`part-${m.archiveId}-`)) return { path, manifest: null, problem: `lists ${JSON.stringify(f.path.slice(0, 120))}, which is not one of this run's partition files` };
      }
      return { path, manifest: m, problem: null };
    } catch (err) {
      return { path, manifest: null, problem: `cannot be read as JSON (${err instanceof Error ? err.message.slice(0, 120) : 'error'})` };
    }
  });
}

/** Every Parquet file under the folder's partition folders, as '/'-separated paths relative to it. */
export function partitionFiles(folder: string): string[] {
  const out: string[] = [];
  const dirs = (p: string, prefix: string) => {
    try {
      return readdirSync(p, { withFileTypes: true }).filter((d) => d.isDirectory() && d.name.startsWith(prefix));
    } catch {
      return [];
    }
  };
  for (const w of dirs(folder, 'workspace_id=')) {
    for (const m of dirs(join(folder, w.name), 'month=')) {
      const at = join(folder, w.name, m.name);
      for (const f of readdirSync(at, { withFileTypes: true })) if (f.isFile() && f.name.endsWith('.parquet')) out.push(relative(folder, join(at, f.name)).split(sep).join('/'));
    }
  }
  return out.sort();
}

/** Parquet files no manifest lists: a run stopped before its manifest was written (its events are still in the cache). */
export function orphansOf(folder: string, manifests: readonly ReadManifest[]): string[] {
  const listed = new Set(manifests.flatMap((m) => m.manifest?.files.map((f) => f.path) ?? []));
  return partitionFiles(folder).filter((p) => !listed.has(p));
}

export function fileSha256(path: string): Promise<{ sha256: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    let bytes = 0;
    createReadStream(path)
      .on('data', (c) => {
        bytes += (c as Buffer).length;
        h.update(c);
      })
      .on('error', reject)
      .on('end', () => resolve({ sha256: h.digest('hex'), bytes }));
  });
}

export function sizeOf(path: string): number | null {
  try {
    return statSync(path).size;
  } catch {
    return null;
  }
}
