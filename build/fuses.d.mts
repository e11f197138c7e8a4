import type { FuseV1Config } from '@electron/fuses';
export declare function grantdeskFuseConfig(target: { platform: string; arch: string }): FuseV1Config;
export declare function packedElectronPath(target: { appOutDir: string; platform: string; productFilename: string; executableName: string }): string;
