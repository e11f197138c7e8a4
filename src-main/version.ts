// Inlined by the bundler in the Electron build; read through tsx in the CLI.
import pkg from '../package.json' with { type: 'json' };
export const APP_VERSION: string = pkg.version;
