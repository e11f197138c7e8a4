// Evidence package: one folder with a fresh export of the reviewed workspaces (+ its manifest), copies of the exports the
// auditor made during the review (+ manifests), the chain status per workspace, the review's own log and metadata, and
// package-manifest.json listing every file with its size and SHA-256. `grantdesk verify package-manifest.json` re-checks
// every byte (and every export inside, event by event); the manifest's own bytes are pinned by a canonical form + digest.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { z } from 'zod';
import type { VerifyReport } from '../../../src-common/contract/index.ts';
import { AppError } from '../../rpc/app-error.ts';
import { verifyExport } from '../audit/index.ts';
import { checkFolderFiles, listFolderFiles, manifestText, sha256 } from '../evidence-folder.ts';

export const PACKAGE_MANIFEST = 'package-manifest.json';
export const PACKAGE_FORMAT = 'grantdesk-evidence-package';

const fileEntry = z.object({ path: z.string(), bytes: z.number().int(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
const packageBodySchema = z.object({
  format: z.literal(PACKAGE_FORMAT),
  version: z.literal(1),
  packageId: z.string(),
  createdAt: z.string(),
  appVersion: z.string(),
  review: z.object({ bundleId: z.string(), reviewer: z.object({ name: z.string(), email: z.string() }), expiresAt: z.string(), workspaces: z.array(z.object({ workspaceId: z.string(), reviewId: z.string() })) }),
  exportManifests: z.array(z.string()),
  files: z.array(fileEntry),
});
type PackageBody = z.infer<typeof packageBodySchema>;


/** The exact bytes of a package manifest: body + digest (SHA-256 of the body's JSON), pretty-printed, one trailing newline. */
export function packageManifestText(body: PackageBody): string {
  return manifestText(body);
}

export interface BuildPackageInput {
  dir: string;
  packageId: string;
  createdAt: string;
  appVersion: string;
  review: PackageBody['review'];
  /** writes the fresh export into the folder; returns its manifest path */
  freshExport: (outFile: string) => Promise<string>;
  /** manifests of exports made during the review */
  earlierExports: string[];
  chainStatus: unknown;
  reviewLog: unknown;
}

export async function buildEvidencePackage(i: BuildPackageInput): Promise<{ manifestPath: string; files: number; exports: number }> {
  if (existsSync(i.dir) && readdirSync(i.dir).length) throw new AppError('conflict', `${i.dir} exists and is not empty`);
  mkdirSync(i.dir, { recursive: true, mode: 0o700 });
  const manifests: string[] = [];
  manifests.push(await i.freshExport(join(i.dir, 'audit-events.jsonl')));
  mkdirSync(join(i.dir, 'exports'), { recursive: true });
  let n = 0;
  for (const m of i.earlierExports) {
    if (!existsSync(m)) continue;
    let file: string;
    try {
      file = (JSON.parse(readFileSync(m, 'utf8')) as { file: string }).file;
    } catch {
      continue;
    }
    const src = join(dirname(m), file);
    if (!existsSync(src) || basename(file) !== file) continue;
    const sub = join(i.dir, 'exports', String(++n).padStart(3, '0'));
    mkdirSync(sub);
    copyFileSync(src, join(sub, file));
    copyFileSync(m, join(sub, basename(m)));
    manifests.push(join(sub, basename(m)));
  }
  writeFileSync(join(i.dir, 'chain-status.json'), JSON.stringify(i.chainStatus, null, 2) + '\n');
  writeFileSync(join(i.dir, 'review-log.json'), JSON.stringify(i.reviewLog, null, 2) + '\n');
  writeFileSync(join(i.dir, 'review.json'), JSON.stringify(i.review, null, 2) + '\n');
  const files = listFolderFiles(i.dir).filter((f) => f !== PACKAGE_MANIFEST).map((f) => {
    const buf = readFileSync(join(i.dir, f));
    return { path: f, bytes: buf.length, sha256: sha256(buf) };
  });
  const body: PackageBody = {
    format: PACKAGE_FORMAT,
    version: 1,
    packageId: i.packageId,
    createdAt: i.createdAt,
    appVersion: i.appVersion,
    review: i.review,
    exportManifests: manifests.map((m) => relative(i.dir, m).split(sep).join('/')),
    files,
  };
  const manifestPath = join(i.dir, PACKAGE_MANIFEST);
  writeFileSync(manifestPath, packageManifestText(body));
  return { manifestPath, files: files.length, exports: manifests.length };
}

/** True when the file at path is an evidence package manifest (cheap sniff, used by audit.verify). */
export function isEvidencePackage(path: string): boolean {
  try {
    if (statSync(path).size > 16 * 1024 * 1024) return false;
    const v = JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown };
    return v?.format === PACKAGE_FORMAT;
  } catch {
    return false;
  }
}

export async function verifyEvidencePackage(manifestPath: string): Promise<VerifyReport> {
  const checks: VerifyReport['checks'] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  let text: string;
  let body: PackageBody;
  try {
    text = readFileSync(manifestPath, 'utf8');
    const raw = JSON.parse(text) as Record<string, unknown>;
    const { digest, ...rest } = raw;
    const parsed = packageBodySchema.strict().safeParse(rest);
    if (!parsed.success) throw new Error(parsed.error.issues[0]?.path.join('.') ?? 'schema');
    body = parsed.data;
    add('package manifest', true, `package ${body.packageId}: ${body.files.length} files, ${body.exportManifests.length} exports`);
    add('manifest digest', typeof digest === 'string' && digest === sha256(JSON.stringify(body)) && text === packageManifestText(body), 'the manifest bytes are exactly its canonical form and its digest matches');
  } catch (err) {
    add('package manifest', false, `The package manifest cannot be read or does not match its schema (${err instanceof Error ? err.message.slice(0, 120) : 'error'})`);
    return { ok: false, manifestPath, exportId: '', checks };
  }
  const root = dirname(manifestPath);
  const listed = new Set(body.files.map((f) => f.path));
  checks.push(...checkFolderFiles(root, body.files, PACKAGE_MANIFEST, 'package'));
  for (const m of body.exportManifests) {
    if (!listed.has(m)) {
      add(`export ${m}`, false, 'the export manifest is not among the hashed files');
      continue;
    }
    const r = await verifyExport(join(root, m));
    const failed = r.checks.filter((c) => !c.ok);
    add(`export ${m}`, r.ok, r.ok ? `${r.exportId}: ${r.checks.length} checks pass (bytes, rows, event hashes, chain links)` : failed.map((c) => `${c.name}: ${c.detail}`).join('; ').slice(0, 400));
  }
  return { ok: checks.every((c) => c.ok), manifestPath, exportId: body.packageId, checks };
}
