/** Refusals (the journal): filters, cursor paging, CSV/JSON export. */
import { z } from "@hono/zod-openapi";
import { listRejections, parseRejectionCursor, reasonAsSpSees } from "../../journal/journal.service.ts";
import type { RejectionsFilter } from "../../journal/journal.schemas.ts";
import type { ServiceContext } from "../../context.ts";
import { REASON_CODES } from "../../policy/reasons.ts";
import type { ConsoleContext } from "../auth.ts";
import { enterpriseName, loadDirectory, portNumber, signatureText, spName, type Directory } from "../directory.ts";
import { dayRange, chinaDayStartIso, nextDay, optionalCursor, optionalEnum, optionalUuid, parseQuery } from "../filters.ts";
import { DateRangeFields, FilterForm, PartyFilterFields, SelectField } from "../forms.tsx";
import { formatTime, labelOf, reasonSentence, translator, type Lang } from "../i18n.ts";
import { frameOf } from "../layout.tsx";
import { DataTable, ListControls, collectPages, exportFormat, exportResponse, type Column } from "../lists.tsx";
import { render, serviceContextOf } from "../page.tsx";

type Rejection = Awaited<ReturnType<typeof listRejections>>["items"][number];

const refusalsQuery = dayRange.and(
  z.object({
    spId: optionalUuid,
    portId: optionalUuid,
    signatureId: optionalUuid,
    enterpriseId: optionalUuid,
    reason: optionalEnum(REASON_CODES as [string, ...string[]]),
    monitor: optionalEnum(["true", "false"]),
    cursor: optionalCursor,
    limit: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(1).max(200).default(50)),
  }),
);
type RefusalsQuery = z.infer<typeof refusalsQuery>;

export function toRejectionsFilter(query: Omit<RefusalsQuery, "cursor" | "limit">): RejectionsFilter {
  const { from, to, ...rest } = query;
  return { ...rest, from: from ? chinaDayStartIso(from) : undefined, to: to ? chinaDayStartIso(nextDay(to)) : undefined };
}

export function refusalColumns(lang: Lang, directory: Directory): Column<Rejection>[] {
  const t = translator(lang);
  return [
    { key: "at", label: "col.at", value: (r) => formatTime(r.at) },
    { key: "reason", label: "col.reason", value: (r) => r.reason, cell: (r) => <span title={r.reason}>{reasonSentence(lang, r.reason)}</span> },
    { key: "monitor", label: "col.monitor", value: (r) => r.monitor },
    { key: "sp", label: "col.sp", value: (r) => spName(directory, r.spId), cell: (r) => (r.spId ? <a href={`/console/sps/${r.spId}`}>{spName(directory, r.spId)}</a> : "") },
    { key: "port", label: "col.port", value: (r) => portNumber(directory, r.portId), cell: (r) => (r.portId ? <a href={`/console/ports/${r.portId}`}>{portNumber(directory, r.portId)}</a> : "") },
    { key: "sourceAddr", label: "col.source", value: (r) => r.sourceAddr },
    { key: "signature", label: "col.signature", value: (r) => r.signatureText ?? signatureText(directory, r.signatureId) },
    { key: "enterprise", label: "col.enterprise", value: (r) => enterpriseName(directory, r.enterpriseId) },
    { key: "category", label: "col.category", value: (r) => r.category, cell: (r) => (r.category ? labelOf(t, "category", r.category) : "") },
    { key: "recipient", label: "col.recipient", value: (r) => r.recipientMask },
    { key: "text", label: "col.text", value: (r) => r.text },
  ];
}

export async function listRefusalsPage(ctx: ServiceContext, filter: RejectionsFilter, cursor: string | undefined, limit: number) {
  return listRejections(ctx, filter, { limit, after: parseRejectionCursor(cursor) });
}

export async function refusalsPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t, lang } = frame;
  const query = parseQuery(c, refusalsQuery);
  const { cursor, limit, ...filters } = query;
  const filter = toRejectionsFilter(filters);
  const directory = await loadDirectory(ctx);
  const columns = refusalColumns(lang, directory);
  const format = exportFormat(c);
  if (format) {
    const rows = await collectPages((next, limit) => listRefusalsPage(ctx, filter, next, limit));
    return exportResponse(c, format, "refusals", rows, columns);
  }
  const page = await listRefusalsPage(ctx, filter, cursor, limit);
  return render(
    c,
    t("refusals.title"),
    <>
      <FilterForm frame={frame} action="/console/refusals">
        <DateRangeFields frame={frame} from={query.from} to={query.to} />
        <PartyFilterFields frame={frame} directory={directory} query={query} />
        <SelectField frame={frame} name="reason" label={t("filter.reason")} value={query.reason} options={REASON_CODES.filter((code) => ctx.actor.type !== "sp" || reasonAsSpSees(code) === code).map((code) => [code, reasonSentence(lang, code)])} />
        <SelectField
          frame={frame}
          name="monitor"
          label={t("filter.monitor")}
          value={query.monitor}
          options={[
            ["false", t("filter.monitorFalse")],
            ["true", t("filter.monitorTrue")],
          ]}
        />
      </FilterForm>
      <ListControls c={c} frame={frame} nextCursor={page.nextCursor} />
      <DataTable frame={frame} rows={page.items} columns={columns} />
      <ListControls c={c} frame={frame} nextCursor={page.nextCursor} exportable={false} />
    </>,
  );
}
