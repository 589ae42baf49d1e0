import { stringify } from "csv-stringify/sync";

/**
 * CSV for spreadsheets, safe against formula injection (CSV injection, OWASP): a cell that
 * starts with = + - @ (or a tab or carriage return, which some spreadsheets skip before one) is
 * prefixed with a single quote, so Excel, LibreOffice and WPS show it as text instead of running
 * it. Message text and sender addresses in the journal come from SPs, i.e. from outside.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = value instanceof Date ? value.toISOString() : String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

export function toCsv<T extends Record<string, unknown>>(columns: (keyof T & string)[], rows: T[]): string {
  // A BOM so spreadsheets in zh-CN locales read UTF-8 (signature text is Chinese).
  return "\uFEFF" + stringify(rows.map((row) => columns.map((column) => neutraliseCell(row[column]))), { header: true, columns, record_delimiter: "\r\n" });
}
