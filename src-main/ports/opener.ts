/**
 * Opens a URL in the user's system browser (Electron's shell.openExternal, a CLI command, or printing it). Callers pass
 * only a URL that passed the platform URL policy (services/connections/oauth.ts checkPlatformUrl: https, or http on
 * loopback for a loopback issuer); an implementation that runs a command still re-checks it (cli/main.ts safeOpenUrl)
 * and passes it as one argv word, never through a shell.
 */
export type Opener = (url: string) => Promise<void>;

/** Shows a local file in the system file manager (Electron's shell.showItemInFolder). Callers pass only a path inside
 * the data dir's exports folder that the audit domain resolved itself (never a path a renderer or tab chose). */
export type Revealer = (path: string) => Promise<void>;
