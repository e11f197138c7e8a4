// An embedded columnar engine (DuckDB): Parquet files written and read with SQL. Implemented by adapters/duckdb.ts;
// the audit archive (services/audit/archive*.ts) depends on this port only.

export type ColumnarValue = string | number | boolean | null;
export type ColumnarType = 'VARCHAR' | 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN';

export interface ColumnarSession {
  /** rows as arrays, in the SELECT's column order; integers come back as numbers (exact up to 2^53) */
  all(sql: string, params?: readonly ColumnarValue[]): Promise<ColumnarValue[][]>;
  run(sql: string, params?: readonly ColumnarValue[]): Promise<void>;
  /** a table of these columns (in this session's memory), replacing one of the same name */
  createTable(name: string, columns: readonly { name: string; type: ColumnarType }[]): Promise<void>;
  /** appends rows (column-major: one array per column, all of one length) to a table createTable made */
  append(table: string, columns: readonly (readonly ColumnarValue[])[]): Promise<void>;
  /** a SQL string literal: file paths go into COPY and read_parquet as literals, never as text spliced in raw */
  literal(text: string): string;
  close(): void;
}

export interface ColumnarEngine {
  /** a fresh in-memory session that may read and write files only inside these folders (and nothing else on disk) */
  open(opts: { folders: readonly string[] }): Promise<ColumnarSession>;
}
