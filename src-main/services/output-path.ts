// One place that decides where a command may write a file or folder it was asked to create, and the one writer that
// never overwrites what is there.
// A caller with file access anywhere (the user's shell) names any path; any other caller (a possibly hostile tab) names a
// plain file or folder name that lands inside one of the data dir's own folders. Whoever names it, an existing file or
// folder at the target (or at one of its companions, e.g. an export's manifest) is refused with `conflict`, unless a
// caller with file access anywhere asked to overwrite on purpose (`force`, the CLI's --force). When the caller named
// nothing, a fresh unique name is chosen instead.
// Files are written to a temp file opened 'wx' (O_EXCL, mode 0600) in the same folder and linked into place: link() is
// atomic and fails with EEXIST, so a file created meanwhile by anyone is never replaced (rename would replace it).
import { closeSync, constants, copyFileSync, existsSync, fsyncSync, linkSync, lstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { AppError } from '../rpc/app-error.ts';
import type { Capabilities } from '../rpc/handlers.ts';

export interface OutputRequest {
  /** what the caller asked for (a path, or a plain name), if anything */
  out: string | undefined;
  /** the data dir's folder used when the caller may not choose a path, or named none */
  folder: string;
  /** the name used when the caller named none */
  defaultName: string;
  kind: 'file' | 'folder';
}

export interface ClaimRequest extends OutputRequest {
  /** overwrite an existing target on purpose; honoured only for callers with file access anywhere */
  force?: boolean;
  /** paths written next to the target that must not exist either (e.g. `${path}.manifest.json`) */
  companions?: (path: string) => string[];
}

export interface ClaimedPath {
  path: string;
  /** true when the caller may replace an existing target (force from a caller with file access anywhere) */
  overwrite: boolean;
}

const PLAIN_NAME = /^[\w.\- ]{1,200}$/;

export function resolveOutputPath(caps: Capabilities, req: OutputRequest): string {
  if (caps.fileAccess === 'anywhere' && req.out) return resolve(req.out);
  mkdirSync(req.folder, { recursive: true, mode: 0o700 });
  const name = req.out ?? req.defaultName;
  if (basename(name) !== name || name.startsWith('.') || !PLAIN_NAME.test(name)) {
    throw new AppError('invalid_input', `out: only a plain ${req.kind} name is accepted here (letters, digits, spaces, . _ -); it goes to ${req.folder}`);
  }
  return join(req.folder, name);
}

/** Something exists at p (a file, a folder, or a dangling symlink: lstat, not stat). */
export function occupied(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** The refusal for an occupied target: names the file and the remedy. */
export function outputConflict(path: string, caps: Pick<Capabilities, 'fileAccess'>): AppError {
  return new AppError('conflict', `${path} already exists and Grantdesk never overwrites it; choose another name${caps.fileAccess === 'anywhere' ? ', or add --force to replace it on purpose' : ''}`);
}

/**
 * Resolves the target and checks nothing is there (target and companions). A caller that named nothing gets a fresh
 * unique name (`name-2.csv`, `name-3.csv`, …) instead of a refusal. Folders are created here, exclusively (see
 * createFolderExclusive); files are created by writeFileExclusive / createExclusiveFile.
 */
export function claimOutputPath(caps: Capabilities, req: ClaimRequest): ClaimedPath {
  if (req.force && caps.fileAccess !== 'anywhere') throw new AppError('invalid_input', 'force: overwriting an existing file is only possible from the command line');
  const overwrite = !!req.force;
  const taken = (p: string) => [p, ...(req.companions?.(p) ?? [])].find(occupied);
  let path = resolveOutputPath(caps, req);
  if (!overwrite) {
    const named = req.out !== undefined;
    let hit = taken(path);
    if (hit && named) throw outputConflict(hit, caps);
    for (let n = 2; hit; n++) {
      if (n > 1000) throw outputConflict(hit, caps);
      const ext = req.kind === 'file' ? extname(req.defaultName) : '';
      path = resolveOutputPath(caps, { ...req, out: `${req.defaultName.slice(0, req.defaultName.length - ext.length)}-${n}${ext}` });
      hit = taken(path);
    }
  }
  if (req.kind === 'folder') createFolderExclusive(path, caps, overwrite);
  return { path, overwrite };
}

/**
 * Creates the folder (mode 0700) with a non-recursive mkdir of its last component, so an existing folder is refused
 * (EEXIST) rather than reused. With `overwrite` an existing EMPTY folder is accepted; a non-empty one never is.
 */
export function createFolderExclusive(path: string, caps: Pick<Capabilities, 'fileAccess'>, overwrite = false): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    mkdirSync(path, { mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (overwrite && lstatSync(path).isDirectory()) return;
      throw outputConflict(path, caps);
    }
    throw new AppError('io_error', `Cannot create the folder ${path} (${code ?? 'error'})`);
  }
}

function fsyncDir(dir: string) {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some platforms (Windows) cannot fsync a directory; the link is still atomic
  }
}

/** Moves a finished temp file to `path` without ever replacing an existing file (unless `overwrite`). */
function place(tmp: string, path: string, overwrite: boolean, caps: Pick<Capabilities, 'fileAccess'>): void {
  if (overwrite) {
    renameSync(tmp, path);
    return;
  }
  try {
    linkSync(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw outputConflict(path, caps);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS' && code !== 'EXDEV') throw err;
    // a filesystem without hard links (FAT, some network shares): an exclusive copy still never replaces a file
    try {
      copyFileSync(tmp, path, constants.COPYFILE_EXCL);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw outputConflict(path, caps);
      throw e;
    }
  }
  unlinkSync(tmp);
}

/**
 * Moves a finished, fsynced file that another writer produced (DuckDB's Parquet) from its temp name to `path` in the same
 * folder, never replacing an existing file (link(), EEXIST is a conflict), and fsyncs the folder.
 */
export function placeFileExclusive(tmp: string, path: string, caps: Pick<Capabilities, 'fileAccess'>): void {
  place(tmp, path, false, caps);
  fsyncDir(dirname(path));
}

export interface ExclusiveFile {
  readonly fd: number;
  readonly path: string;
  /** fsyncs, closes and links the file into place (refused with `conflict` if something got there meanwhile) */
  commit(): void;
  /** closes and removes the temp file; the target is untouched */
  abort(): void;
}

/** A temp file opened 'wx' (mode 0600) next to `path`, to be committed into place without overwriting. */
export function createExclusiveFile(path: string, opts: { overwrite?: boolean; caps?: Pick<Capabilities, 'fileAccess'> } = {}): ExclusiveFile {
  const caps = opts.caps ?? { fileAccess: 'exports-folder' };
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o600);
  } catch (err) {
    throw new AppError('io_error', `Cannot create a file in ${dirname(path)} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  return {
    fd,
    path,
    commit() {
      try {
        fsyncSync(fd);
        close();
        place(tmp, path, !!opts.overwrite, caps);
      } catch (err) {
        close();
        if (existsSync(tmp)) unlinkSync(tmp);
        if (err instanceof AppError) throw err;
        throw new AppError('io_error', `Cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      fsyncDir(dirname(path));
    },
    abort() {
      close();
      try {
        unlinkSync(tmp);
      } catch {
        /* already gone */
      }
    },
  };
}

/** Writes `data` to a new file at `path` (mode 0600) atomically and durably, never replacing an existing file. */
export function writeFileExclusive(path: string, data: string | Uint8Array, opts: { overwrite?: boolean; caps?: Pick<Capabilities, 'fileAccess'> } = {}): void {
  const f = createExclusiveFile(path, opts);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.byteLength) off += writeSync(f.fd, buf, off, buf.byteLength - off);
  } catch (err) {
    f.abort();
    throw new AppError('io_error', `Cannot write ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  f.commit();
}
