// CSV as RFC 4180 (CRLF, quotes doubled) with OWASP formula neutralization, and a strict reader for `verify`.
// Neutralization: a string cell beginning with = + - @ TAB CR LF NUL, or with the escape quote ' itself, gets one leading '.
// Because a leading ' is always added by us, verify removes exactly one and gets the original value back.
// Null and empty string stay distinct: null is an empty unquoted field, "" is an empty quoted field.

const NEEDS_QUOTE = /[",\r\n]/;

export function isFormulaStart(code: number): boolean {
  // = + - @ TAB CR LF NUL and the escape character '
  return code === 61 || code === 43 || code === 45 || code === 64 || code === 9 || code === 13 || code === 10 || code === 0 || code === 39;
}

export function csvString(s: string): string {
  if (s.length === 0) return '""';
  if (isFormulaStart(s.charCodeAt(0))) s = "'" + s;
  return NEEDS_QUOTE.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
}

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return csvString(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return csvString(JSON.stringify(v));
}

export interface CsvField {
  value: string;
  quoted: boolean;
}

/** Strict RFC 4180 reader: CRLF record ends only, no bare quotes, every record the same width. Throws on anything else. */
export function* readCsvStrict(text: string): Generator<CsvField[]> {
  let i = 0;
  const n = text.length;
  let width = -1;
  let line = 1;
  while (i < n) {
    const rec: CsvField[] = [];
    for (;;) {
      if (text.charCodeAt(i) === 34) {
        let j = i + 1;
        let out = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) throw new Error(`record ${line}: unterminated quoted field`);
          out += text.slice(j, q);
          if (text.charCodeAt(q + 1) === 34) {
            out += '"';
            j = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        rec.push({ value: out, quoted: true });
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === 44 || c === 13) break;
          if (c === 34 || c === 10) throw new Error(`record ${line}: bare quote or line feed in an unquoted field`);
          j++;
        }
        rec.push({ value: text.slice(i, j), quoted: false });
        i = j;
      }
      const c = text.charCodeAt(i);
      if (c === 44) {
        i++;
        continue;
      }
      if (c === 13 && text.charCodeAt(i + 1) === 10) {
        i += 2;
        break;
      }
      throw new Error(`record ${line}: expected a comma or CRLF after a field`);
    }
    if (width === -1) width = rec.length;
    else if (rec.length !== width) throw new Error(`record ${line}: ${rec.length} fields, expected ${width}`);
    line++;
    yield rec;
  }
}

/** Reverses csvString for one field read by readCsvStrict. */
export function uncsvString(f: CsvField): string | null {
  if (!f.quoted && f.value === '') return null;
  return f.value.charCodeAt(0) === 39 && f.value.length > 0 ? f.value.slice(1) : f.value;
}
