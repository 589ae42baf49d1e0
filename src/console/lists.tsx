/**
 * Lists: one column definition drives the HTML table and both exports (CSV and JSON), so what a
 * reviewer sees and what they download cannot drift apart.
 */
import { stringify } from "csv-stringify/sync";
import type { Child } from "hono/jsx";
import type { ConsoleContext } from "./auth.ts";
import type { MessageKey, Translate } from "./i18n.ts";
import type { PageFrame } from "./layout.tsx";

export type CellValue = string | number | boolean | null | undefined;

export interface Column<T> {
  /** The machine name: JSON property and the key for tests. */
  key: string;
  label: MessageKey;
  value: (row: T) => CellValue;
  /** How the HTML table shows it, when not as the plain value (links, badges). */
  cell?: (row: T) => Child;
  numeric?: boolean;
}

/** At most this many rows leave in one export (the filters narrow it further). */
export const EXPORT_LIMIT = 10_000;

export const exportFormats = ["csv", "json"] as const;
export type ExportFormat = (typeof exportFormats)[number];

export function exportFormat(c: ConsoleContext): ExportFormat | undefined {
  const format = c.req.query("format");
  return format === "csv" || format === "json" ? format : undefined;
}

/**
 * CSV for spreadsheets: a BOM so Excel reads UTF-8 Chinese, labels in the reader's language, and
 * formula injection defused (a cell starting with = + - @ tab or CR gets a leading ').
 */
export function toCsv<T>(rows: T[], columns: Column<T>[], t: Translate): string {
  return stringify(
    rows.map((row) => columns.map((column) => column.value(row) ?? "")),
    { header: true, columns: columns.map((column) => t(column.label)), bom: true, escape_formulas: true, cast: { boolean: (value) => (value ? "true" : "false") } },
  );
}

export function toJson<T>(rows: T[], columns: Column<T>[]): string {
  return JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((column) => [column.key, column.value(row) ?? null]))));
}

export function exportResponse<T>(c: ConsoleContext, format: ExportFormat, name: string, rows: T[], columns: Column<T>[]): Response {
  const stamp = new Date().toISOString().slice(0, 10);
  const filename = `${name}-${stamp}.${format}`;
  const body = format === "csv" ? toCsv(rows, columns, c.get("t")) : toJson(rows, columns);
  return c.body(body, 200, {
    "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    "content-disposition": `attachment; filename="${filename}"`,
  });
}

/** Follows a cursor through pages until `limit` rows or the end. */
export async function collectPages<T>(fetchPage: (cursor: string | undefined, limit: number) => Promise<{ items: T[]; nextCursor: string | null }>, limit = EXPORT_LIMIT): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor, Math.min(500, limit - out.length));
    out.push(...page.items);
    if (!page.nextCursor || out.length >= limit) return out.slice(0, limit);
    cursor = page.nextCursor;
  }
}

/** The current URL with some query parameters replaced (undefined removes one); `lang` and `cursor` never carry over implicitly. */
export function hrefWith(c: ConsoleContext, changes: Record<string, string | undefined>): string {
  const url = new URL(c.req.url);
  const query = new URLSearchParams(url.search);
  query.delete("lang");
  query.delete("notice");
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined || value === "") query.delete(name);
    else query.set(name, value);
  }
  const text = query.toString();
  return text ? `${url.pathname}?${text}` : url.pathname;
}

export function DataTable<T>(props: { frame: PageFrame; caption?: string; rows: T[]; columns: Column<T>[] }) {
  const { t } = props.frame;
  if (props.rows.length === 0) return <p class="muted">{t("list.empty")}</p>;
  return (
    <table>
      {props.caption ? <caption>{props.caption}</caption> : null}
      <thead>
        <tr>
          {props.columns.map((column) => (
            <th scope="col" class={column.numeric ? "num" : undefined}>
              {t(column.label)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr>
            {props.columns.map((column) => (
              <td class={column.numeric ? "num" : undefined}>{column.cell ? column.cell(row) : String(column.value(row) ?? "")}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Next-page link (cursor paging) and the export links for the same filters. */
export function ListControls(props: { c: ConsoleContext; frame: PageFrame; nextCursor: string | null; exportable?: boolean }) {
  const { c, frame } = props;
  const { t } = frame;
  const onLaterPage = !!c.req.query("cursor");
  return (
    <div class="pager">
      {onLaterPage ? <a href={hrefWith(c, { cursor: undefined })}>{t("list.first")}</a> : null}
      {props.nextCursor ? (
        <a href={hrefWith(c, { cursor: props.nextCursor })} rel="next">
          {t("list.next")} →
        </a>
      ) : null}
      {props.exportable === false ? null : (
        <span class="exports">
          {t("list.export")}:
          <a href={hrefWith(c, { cursor: undefined, format: "csv" })} download>
            CSV
          </a>
          <a href={hrefWith(c, { cursor: undefined, format: "json" })} download>
            JSON
          </a>
          <span class="muted">{t("list.exportNote", { n: EXPORT_LIMIT })}</span>
        </span>
      )}
    </div>
  );
}

export function Badge(props: { kind: string; children?: Child }) {
  return <span class={`badge ${props.kind}`}>{props.children}</span>;
}
