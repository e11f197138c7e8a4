// One place that decides where a command may write a file or folder it was asked to create.
// A caller with file access anywhere (the user's shell) names any path; any other caller (a possibly hostile tab) names a
// plain file or folder name that lands inside one of the data dir's own folders.
import { mkdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
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
