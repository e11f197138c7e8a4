// Lint with import boundaries: only src-main/electron (and the entry src-main/index.ts, the preload) import electron;
// the renderer imports only types from the contract; services never import native modules or undici; the sandbox
// and the app share no code. Later blocks override earlier ones for the same rule.
import tseslint from 'typescript-eslint';

const nativeOrNet = ['better-sqlite3', 'keytar', 'undici', 'electron', '@duckdb/node-api'];
const nodeBuiltins = ['node:*', 'fs', 'path', 'child_process', 'http', 'https', 'net', 'os', 'crypto'];
const noSandbox = { group: ['**/sandbox/**'], message: 'The app never imports the sandbox: it plays the remote platform.' };
const electronOnlyInShell = { name: 'electron', message: 'Only src-main/electron/, src-main/index.ts and the preload may import electron.' };
const rendererPaths = nativeOrNet.map((name) => ({ name, message: 'The renderer is a hostile browser tab.' }));
const rendererPatterns = [
  { group: nodeBuiltins, message: 'The renderer is a browser tab.' },
  { group: ['**/src-main/**', '**/src-preload/**', '**/sandbox/**'], message: 'The renderer talks to main only through the bridge.' },
];
const noApiInUi = 'UI code talks to main only through store actions (src-renderer/src/stores, createAppStores): no api here.';

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-output/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [electronOnlyInShell] }],
    },
  },
  {
    files: ['src-main/**/*.ts', 'src-preload/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [electronOnlyInShell], patterns: [noSandbox] }] },
  },
  {
    files: ['src-main/services/**/*.ts', 'src-main/platform/**/*.ts', 'src-main/handlers/**/*.ts', 'src-main/rpc/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [
          ...nativeOrNet.map((name) => ({ name, message: 'Services depend on ports (src-main/ports); adapters own native modules and undici.', allowTypeImports: true })),
          // a service that started processes itself would bypass the SecretDelivery port's rules (no shell, minimal env, deadline)
          ...['child_process', 'node:child_process'].map((name) => ({ name, message: 'Services run no processes: adapters/deliver-command.ts does, behind the SecretDelivery port.', allowTypeImports: true })),
        ],
        patterns: [noSandbox, { group: ['**/adapters/**', '**/electron/**'], message: 'Services depend on ports, not adapters.', allowTypeImports: true }],
      }],
    },
  },
  {
    files: ['src-common/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: [...nativeOrNet, ...nodeBuiltins, 'react', 'react-dom', 'react/*', '**/src-main/**', '**/src-renderer/**', '**/src-preload/**', '**/sandbox/**'], message: 'The contract is pure TypeScript: no electron, node or react.' }] }],
    },
  },
  {
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.tsx'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: rendererPaths, patterns: rendererPatterns }] },
  },
  {
    // Screens, components and the app frame reach main only through store actions (src-renderer/src/stores, created in
    // createAppStores); only the stores and the bridge hold the api.
    files: ['src-renderer/src/**/*.ts', 'src-renderer/src/**/*.tsx'],
    ignores: ['src-renderer/src/stores/**', 'src-renderer/src/bridge/**'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "MemberExpression[property.name='api']", message: noApiInUi },
        { selector: "ObjectPattern > Property[key.name='api']", message: noApiInUi },
      ],
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: rendererPaths,
        patterns: [...rendererPatterns, { group: ['**/contract/api', '**/contract/api.ts'], message: noApiInUi }],
      }],
    },
  },
  {
    files: ['sandbox/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/src-*/**'], message: 'The sandbox plays the remote platform and shares no code with the app.' }] }] },
  },
  {
    files: ['src-main/electron/**/*.ts', 'src-main/index.ts', 'src-preload/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noSandbox] }] },
  },
  {
    files: ['test/electron/**/*.ts', 'electron.vite.config.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
);
