// The CSV line of one stored event as a SQL expression over `e` (audit_events), evaluated by SQLite: the exporter runs it
// for rows that have no precomputed line, and the indexer (indexer.ts) stores its result in audit_csv_lines behind the
// sync (migration 25), so both paths give the same bytes by construction. Same rules as csv.ts (csvString/csvCell).
// Changing what a line holds (a column, a rule) makes the stored lines stale: ship it with a migration that empties
// audit_csv_lines and sets csv_from_seq = indexed_seq, so every earlier row is formatted on the fly again.
const SENT_SURFACE = '(CASE WHEN e.surface_sent = 1 THEN e.surface END)';
const SENT_TOOL = '(CASE WHEN e.surface_sent = 1 THEN e.mcp_tool END)';

/** first bytes csvString neutralizes: = + - @ TAB CR LF NUL and the escape quote ' itself */
const FORMULA_START = ["X'3D'", "X'2B'", "X'2D'", "X'40'", "X'09'", "X'0D'", "X'0A'", "X'00'", "X'27'"];
/**
 * One CSV field built by SQLite itself (C speed, one JS string per batch): the same rules as csvString/csvCell.
 * Byte-wise checks on the BLOB cast so embedded NULs cannot hide a trigger character or a quote.
 */
function sqlCsvText(col: string): string {
  const b = `CAST(${col} AS BLOB)`;
  // CASE, not IN (...): SQLite builds an in-memory table for every IN list at each run of the statement (~1 ms for a line)
  const v = `(CASE substr(${b}, 1, 1) ${FORMULA_START.map((x) => `WHEN ${x} THEN '''' || ${col}`).join(' ')} ELSE ${col} END)`;
  return `(CASE WHEN ${col} IS NULL THEN '' WHEN ${col} = '' THEN '""' WHEN instr(${b}, X'22') > 0 OR instr(${b}, X'2C') > 0 OR instr(${b}, X'0D') > 0 OR instr(${b}, X'0A') > 0 THEN '"' || replace(${v}, '"', '""') || '"' ELSE ${v} END)`;
}
// concat_ws builds each line with one allocation (a chain of || copies the growing string once per field)
const SQL_CSV_LINE_FIELDS = [
  sqlCsvText('e.workspace_id'), 'e.seq', sqlCsvText('e.event_id'), sqlCsvText('e.occurred_at'), sqlCsvText('e.credential_id'), sqlCsvText('e.credential_type'),
  sqlCsvText('e.caller_ip'), sqlCsvText('e.method'), sqlCsvText('e.endpoint'), sqlCsvText(SENT_SURFACE), sqlCsvText(SENT_TOOL), "ifnull(e.status, '')", "ifnull(e.duration_ms, '')",
  "(CASE e.pii_accessed WHEN 1 THEN 'true' ELSE 'false' END)", sqlCsvText('e.params_json'), sqlCsvText('e.extra_json'), 'e.prev_hash', 'e.hash',
];
/** The same line for rows flagged csv_plain (see migration 21): text verbatim, only params_json may need quoting. */
const SQL_CSV_LINE_PLAIN_FIELDS = [
  'e.workspace_id', 'e.seq', 'e.event_id', 'e.occurred_at', "ifnull(e.credential_id, '')", "ifnull(e.credential_type, '')", "ifnull(e.caller_ip, '')",
  "ifnull(e.method, '')", "ifnull(e.endpoint, '')", `ifnull(${SENT_SURFACE}, '')`, `ifnull(${SENT_TOOL}, '')`, "ifnull(e.status, '')", "ifnull(e.duration_ms, '')", "(CASE e.pii_accessed WHEN 1 THEN 'true' ELSE 'false' END)",
  // params_json is JCS of an object: starts with '{', no raw CR/LF (JCS escapes them), so only a quote or comma matters
  `(CASE WHEN instr(e.params_json, '"') > 0 OR instr(e.params_json, ',') > 0 THEN '"' || replace(e.params_json, '"', '""') || '"' ELSE e.params_json END)`, "''", 'e.prev_hash', 'e.hash',
];
const line = (fields: string[]) => `concat(concat_ws(',', ${fields.join(', ')}), char(13, 10))`;
/** one CSV line (CRLF included) of the row `e` */
export const SQL_CSV_ROW = `(CASE WHEN e.csv_plain = 1 THEN ${line(SQL_CSV_LINE_PLAIN_FIELDS)} ELSE ${line(SQL_CSV_LINE_FIELDS)} END)`;
