// The columnar engine port over DuckDB (@duckdb/node-api, its prebuilt binding per platform). Each session is an
// in-memory database fenced to the folders it was opened for (allowed_directories, enable_external_access off, no
// extension autoload or install, configuration locked): an archive folder named by a hostile manifest or filter text
// cannot make it read or write anywhere else. Loaded lazily: only the archive commands pay for the native module.
import type { ColumnarEngine, ColumnarSession, ColumnarType, ColumnarValue } from '../ports/columnar.ts';
import { AppError } from '../rpc/app-error.ts';

type DuckApi = typeof import('@duckdb/node-api');
let api: Promise<DuckApi> | null = null;
const load = (): Promise<DuckApi> =>
  (api ??= import('@duckdb/node-api').catch((err: unknown) => {
    api = null;
    throw new AppError('io_error', `The DuckDB module could not be loaded (${err instanceof Error ? err.message.slice(0, 160) : 'unknown'}); reinstall Grantdesk`);
  }));

const CHUNK = 2048; // DuckDB's vector size: one data chunk holds at most this many rows

function fromDuck(v: unknown): ColumnarValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') {
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new AppError('invalid_response', 'An archived integer is larger than Grantdesk reads exactly');
    return Number(v);
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}

function failure(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  if (/Permission Error|file system operations are disabled/i.test(msg)) return new AppError('invalid_input', `${what}: DuckDB may only touch the archive folder (${msg.slice(0, 200)})`);
  if (/No files found|No such file|Cannot open file|does not exist/i.test(msg)) return new AppError('not_found', `${what}: ${msg.slice(0, 240)}`);
  return new AppError('io_error', `${what} failed in DuckDB: ${msg.slice(0, 240)}`);
}

export function createDuckdbEngine(opts: { threads?: number; memoryLimit?: string } = {}): ColumnarEngine {
  return {
    async open({ folders }): Promise<ColumnarSession> {
      const duck = await load();
      const instance = await duck.DuckDBInstance.create(':memory:', {
        autoload_known_extensions: 'false',
        autoinstall_known_extensions: 'false',
        threads: String(opts.threads ?? 2),
        memory_limit: opts.memoryLimit ?? '1GB',
      });
      const conn = await instance.connect();
      const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;
      const types: Record<ColumnarType, import('@duckdb/node-api').DuckDBType> = {
        VARCHAR: duck.VARCHAR,
        BIGINT: duck.BIGINT,
        INTEGER: duck.INTEGER,
        DOUBLE: duck.DOUBLE,
        BOOLEAN: duck.BOOLEAN,
      };
      try {
        // the fence: set once, before external access is turned off and the configuration locked
        await conn.run(`SET allowed_directories = [${folders.map(literal).join(', ')}]`);
        await conn.run("SET temp_directory = ''");
        await conn.run('SET enable_external_access = false');
        await conn.run('SET lock_configuration = true');
      } catch (err) {
        conn.closeSync();
        instance.closeSync();
        throw failure(err, 'Opening DuckDB');
      }
      const tables = new Map<string, ColumnarType[]>();
      return {
        literal,
        async all(sql, params) {
          try {
            const r = await conn.runAndReadAll(sql, params ? [...params] : undefined);
            return r.getRows().map((row) => row.map(fromDuck));
          } catch (err) {
            throw failure(err, 'Reading the archive');
          }
        },
        async run(sql, params) {
          try {
            await conn.run(sql, params ? [...params] : undefined);
          } catch (err) {
            throw failure(err, 'Writing the archive');
          }
        },
        async createTable(name, columns) {
          if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new AppError('internal', 'bad table name');
          const cols = columns.map((c) => `"${c.name.replace(/"/g, '""')}" ${c.type}`).join(', ');
          await conn.run(`CREATE OR REPLACE TABLE ${name} (${cols})`);
          tables.set(name, columns.map((c) => c.type));
        },
        async append(table, columns) {
          const t = tables.get(table);
          if (!t || t.length !== columns.length) throw new AppError('internal', `append: ${table} has ${t?.length ?? 0} columns`);
          const rows = columns[0]?.length ?? 0;
          if (columns.some((c) => c.length !== rows)) throw new AppError('internal', 'append: columns of different lengths');
          if (rows === 0) return;
          const appender = await conn.createAppender(table);
          try {
            const duckTypes = t.map((x) => types[x]);
            for (let at = 0; at < rows; at += CHUNK) {
              const n = Math.min(CHUNK, rows - at);
              const chunk = duck.DuckDBDataChunk.create(duckTypes, n);
              chunk.setColumns(
                columns.map((col, i) => {
                  const part = col.slice(at, at + n);
                  return t[i] === 'BIGINT' ? part.map((v) => (v === null ? null : BigInt(v as number))) : part;
                }),
              );
              appender.appendDataChunk(chunk);
            }
            appender.flushSync();
          } finally {
            appender.closeSync();
          }
        },
        close() {
          conn.closeSync();
          instance.closeSync();
        },
      };
    },
  };
}
