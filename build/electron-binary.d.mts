export declare const ELECTRON_PKG_DIR: string;
export declare function findElectronBinary(env?: NodeJS.ProcessEnv, pkgDir?: string): string | null;
export declare const ELECTRON_MISSING_LINE: string;
