export const ROOT: string;
export const OUT_DIR: string;
export const ENTRY_FILE: string;
/** why out/cli may not match the sources (the first changed input), or null when it does */
export function staleReason(root?: string): string | null;
export function buildCli(opts?: { root?: string; ifStale?: boolean }): Promise<{ built: false } | { built: true; ms: number; files: number; bytes: number }>;
