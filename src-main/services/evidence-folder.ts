// The folder half of an evidence bundle's verification, shared by the review evidence package (services/review) and the
// incident pack (services/incident): every file the manifest lists is inside the folder, present, of its size and
// SHA-256, and the folder holds nothing the manifest does not list. Each bundle checks its own manifest schema and the
// audit exports it embeds.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The exact bytes of a bundle manifest: body + digest (SHA-256 of the body's JSON), pretty-printed, one trailing newline. */
export const manifestText = (body: object) => JSON.stringify({ ...body, digest: sha256(JSON.stringify(body)) }, null, 2) + '\n';

/** Every file under root, as '/'-separated paths relative to it, sorted. */
export function listFolderFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFolderFiles(root, join(dir, e.name)) : [relative(root, join(dir, e.name)).split(sep).join('/')]))
    .sort();
}

export interface ListedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * The 'files' and 'no extra files' checks of a bundle at root. `noun` names the bundle in the problems ("outside the
 * pack"). A listed path that climbs out (..), is absolute or uses backslashes is a problem, never read.
 */
export function checkFolderFiles(root: string, files: readonly ListedFile[], manifestName: string, noun: string): { name: string; ok: boolean; detail: string }[] {
  const listed = new Set(files.map((f) => f.path));
  const problems: string[] = [];
  for (const f of files) {
    if (f.path.split('/').includes('..') || f.path.startsWith('/') || f.path.includes('\\')) {
      problems.push(`${f.path}: outside the ${noun}`);
      continue;
    }
    const p = join(root, f.path);
    if (!existsSync(p)) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    const buf = readFileSync(p);
    if (buf.length !== f.bytes) problems.push(`${f.path}: ${buf.length} bytes, manifest ${f.bytes}`);
    else if (sha256(buf) !== f.sha256) problems.push(`${f.path}: SHA-256 differs`);
  }
  const extra = listFolderFiles(root).filter((f) => f !== manifestName && !listed.has(f));
  return [
    { name: 'files', ok: problems.length === 0, detail: problems.length ? problems.slice(0, 5).join('; ') : `${files.length} files: sizes and SHA-256 match` },
    { name: 'no extra files', ok: extra.length === 0, detail: extra.length ? `not in the manifest: ${extra.slice(0, 5).join(', ')}` : 'every file in the folder is listed' },
  ];
}
