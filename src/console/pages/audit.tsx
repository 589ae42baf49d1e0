/** The audit trail: filters, seq paging, export, and (operators, auditors) the hash-chain check. */
import { z } from "@hono/zod-openapi";
import { listAuditEntries, verifyAuditChain } from "../../audit/audit.service.ts";
import type { AuditFilter } from "../../audit/audit.service.ts";
import { ServiceError } from "../../lib/errors.ts";
import { decodeCursor, toPage } from "../../lib/pagination.ts";
import type { ServiceContext } from "../../context.ts";
import { may, type ConsoleContext } from "../auth.ts";
import { dayRange, chinaDayStartIso, nextDay, optionalCursor, optionalEnum, optionalText, parseQuery } from "../filters.ts";
import { DateRangeFields, FilterForm, SelectField, TextField } from "../forms.tsx";
import { formatTime, labelOf, type Translate } from "../i18n.ts";
import { frameOf } from "../layout.tsx";
import { DataTable, ListControls, collectPages, exportFormat, exportResponse, type Column } from "../lists.tsx";
import { render, serviceContextOf } from "../page.tsx";

type AuditRow = Awaited<ReturnType<typeof listAuditEntries>>[number];

const actorTypes = ["operator", "auditor", "sp", "system"] as const;
const auditQuery = dayRange.and(
  z.object({
    objectType: optionalText(100),
    objectId: optionalText(100),
    action: optionalText(100),
    actorType: optionalEnum(actorTypes),
    order: z.preprocess((v) => (v === "" || v === undefined ? "desc" : v), z.enum(["asc", "desc"])),
    cursor: optionalCursor,
    verify: optionalEnum(["1"]),
  }),
);

/** Links from an audit row to the console page of its object, when there is one. */
const objectPages: Record<string, string> = { service_provider: "/console/sps/", port: "/console/ports/" };

function auditColumns(t: Translate): Column<AuditRow>[] {
  return [
    { key: "seq", label: "col.seq", value: (r) => r.seq, numeric: true },
    { key: "at", label: "col.at", value: (r) => formatTime(r.at) },
    { key: "actorType", label: "col.actor", value: (r) => r.actorType, cell: (r) => labelOf(t, "role", r.actorType) },
    { key: "actorId", label: "col.actorId", value: (r) => r.actorId },
    { key: "action", label: "col.action", value: (r) => r.action, cell: (r) => <span class="mono">{r.action}</span> },
    { key: "objectType", label: "col.object", value: (r) => r.objectType },
    {
      key: "objectId",
      label: "filter.objectId",
      value: (r) => r.objectId,
      cell: (r) => (objectPages[r.objectType] ? <a class="mono" href={`${objectPages[r.objectType]}${r.objectId}`}>{r.objectId}</a> : <span class="mono">{r.objectId}</span>),
    },
    { key: "reason", label: "col.statusReason", value: (r) => r.reason },
    { key: "before", label: "col.before", value: (r) => (r.before === null ? "" : JSON.stringify(r.before)) },
    { key: "after", label: "col.after", value: (r) => (r.after === null ? "" : JSON.stringify(r.after)) },
    { key: "hash", label: "col.hash", value: (r) => r.hash, cell: (r) => <span class="mono" title={r.hash}>{r.hash.slice(0, 12)}…</span> },
  ];
}

/** Columns too wide for the table; they stay in the exports. */
const exportOnly = new Set(["actorId", "before", "after"]);

async function auditPageOf(ctx: ServiceContext, filter: AuditFilter, cursor: string | undefined, limit: number) {
  const after = decodeCursor(cursor);
  if (after !== undefined && !/^\d{1,18}$/.test(after)) throw new ServiceError("BAD_REQUEST", "cursor is not valid");
  return toPage(await listAuditEntries(ctx, filter, { limit, after: after === undefined ? undefined : Number(after) }), limit, (row) => String(row.seq));
}

export async function auditPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t } = frame;
  const query = parseQuery(c, auditQuery);
  const filter: AuditFilter = {
    objectType: query.objectType,
    objectId: query.objectId,
    action: query.action,
    actorType: query.actorType,
    order: query.order,
    from: query.from ? new Date(chinaDayStartIso(query.from)) : undefined,
    to: query.to ? new Date(chinaDayStartIso(nextDay(query.to))) : undefined,
  };
  const columns = auditColumns(t);
  const format = exportFormat(c);
  if (format) return exportResponse(c, format, "audit", await collectPages((next, limit) => auditPageOf(ctx, filter, next, limit)), columns);
  if (query.verify && !may.verifyAuditChain(ctx.actor)) throw new ServiceError("FORBIDDEN", t("audit.verifyOnlyStaff"));
  const [page, verification] = await Promise.all([
    auditPageOf(ctx, filter, query.cursor, 50),
    query.verify ? verifyAuditChain(ctx.db) : Promise.resolve(undefined),
  ]);
  return render(
    c,
    t("audit.title"),
    <>
      {verification ? (
        <p class={verification.ok ? "notice" : "error"} role="status" data-testid="chain-result">
          {verification.ok
            ? t("audit.chainOk", { n: verification.checked })
            : t("audit.chainBroken", { seq: verification.firstBrokenSeq ?? "?", problem: verification.problem ?? "", n: verification.checked })}
        </p>
      ) : null}
      {may.verifyAuditChain(ctx.actor) && !verification ? (
        <form method="get" action="/console/audit">
          <input type="hidden" name="verify" value="1" />
          <button type="submit" class="secondary">
            {t("audit.verify")}
          </button>
        </form>
      ) : null}
      <FilterForm frame={frame} action="/console/audit">
        <DateRangeFields frame={frame} from={query.from} to={query.to} />
        <TextField name="objectType" label={t("filter.objectType")} value={query.objectType} size={14} />
        <TextField name="objectId" label={t("filter.objectId")} value={query.objectId} size={36} />
        <TextField name="action" label={t("filter.action")} value={query.action} size={18} />
        <SelectField frame={frame} name="actorType" label={t("filter.actorType")} value={query.actorType} options={actorTypes.map((r) => [r, labelOf(t, "role", r)])} />
        <SelectField
          frame={frame}
          name="order"
          label={t("filter.order")}
          value={query.order}
          any={false}
          options={[
            ["desc", t("filter.newest")],
            ["asc", t("filter.oldest")],
          ]}
        />
      </FilterForm>
      <ListControls c={c} frame={frame} nextCursor={page.nextCursor} />
      <DataTable frame={frame} rows={page.items} columns={columns.filter((column) => !exportOnly.has(column.key))} />
    </>,
  );
}
