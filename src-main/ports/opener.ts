/** Opens a URL in the user's system browser (Electron's shell.openExternal, a CLI command, or printing it). */
export type Opener = (url: string) => Promise<void>;
