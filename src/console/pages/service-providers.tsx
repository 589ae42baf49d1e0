/** Service providers: the list, and one SP's page with its traffic, refusals, ports and signatures. */
import { z } from "@hono/zod-openapi";
import { listPorts, type Port } from "../../ports/ports.service.ts";
import { decodeCursor, toPage } from "../../lib/pagination.ts";
import { getServiceProvider, listServiceProviders, type ServiceProvider } from "../../service-providers/service-providers.service.ts";
import { listSignatures } from "../../signatures/signatures.service.ts";
import type { ConsoleContext } from "../auth.ts";
import { loadDirectory } from "../directory.ts";
import { chartRange, optionalCursor, optionalEnum, optionalText, parseQuery, uuidParam } from "../filters.ts";
import { FilterForm, SelectField, TextField } from "../forms.tsx";
import { formatTime, labelOf, type Translate } from "../i18n.ts";
import { frameOf } from "../layout.tsx";
import { Badge, DataTable, ListControls, collectPages, exportFormat, exportResponse, type Column } from "../lists.tsx";
import { render, serviceContextOf } from "../page.tsx";
import { loadCharts } from "./dashboard.tsx";
import { listRefusalsPage } from "./refusals.tsx";
import { signatureColumns } from "./signatures.tsx";
import { serviceProviderStatuses as spStatuses } from "../../service-providers/service-providers.schemas.ts";
import { ObjectActivity } from "./activity.tsx";

const spsQuery = z.object({ name: optionalText(100), status: optionalEnum(spStatuses), cursor: optionalCursor });

function spColumns(t: Translate): Column<ServiceProvider>[] {
  return [
    { key: "name", label: "col.name", value: (sp) => sp.name, cell: (sp) => <a href={`/console/sps/${sp.id}`}>{sp.name}</a> },
    { key: "licenceNumber", label: "col.licence", value: (sp) => sp.licenceNumber },
    { key: "status", label: "col.status", value: (sp) => sp.status, cell: (sp) => <Badge kind={sp.status}>{labelOf(t, "status", sp.status)}</Badge> },
    { key: "createdAt", label: "col.filed", value: (sp) => formatTime(sp.createdAt) },
  ];
}

export function portColumns(t: Translate, spNames: Map<string, string>): Column<Port>[] {
  return [
    { key: "number", label: "col.number", value: (p) => p.number, cell: (p) => <a href={`/console/ports/${p.id}`}>{p.number}</a> },
    { key: "sp", label: "col.sp", value: (p) => spNames.get(p.spId) ?? p.spId, cell: (p) => <a href={`/console/sps/${p.spId}`}>{spNames.get(p.spId) ?? p.spId}</a> },
    { key: "status", label: "col.status", value: (p) => p.status, cell: (p) => <Badge kind={p.status}>{labelOf(t, "status", p.status)}</Badge> },
    { key: "statusReason", label: "col.statusReason", value: (p) => p.statusReason },
  ];
}

export async function serviceProvidersPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t } = frame;
  const { cursor, ...filter } = parseQuery(c, spsQuery);
  const fetchPage = async (next: string | undefined, limit: number) =>
    toPage(await listServiceProviders(ctx, filter, { limit, after: decodeCursor(next) }), limit, (sp) => sp.id);
  const columns = spColumns(t);
  const format = exportFormat(c);
  if (format) return exportResponse(c, format, "service-providers", await collectPages(fetchPage), columns);
  const page = await fetchPage(cursor, 50);
  return render(
    c,
    t("sps.title"),
    <>
      <FilterForm frame={frame} action="/console/sps">
        <TextField name="name" label={t("col.name")} value={filter.name} />
        <SelectField frame={frame} name="status" label={t("filter.status")} value={filter.status} options={spStatuses.map((s) => [s, labelOf(t, "status", s)])} />
      </FilterForm>
      <ListControls c={c} frame={frame} nextCursor={page.nextCursor} />
      <DataTable frame={frame} rows={page.items} columns={columns} />
    </>,
  );
}

/** One SP: an SP signed in sees only its own page (another SP's id is a 404, as in the API). */
export async function serviceProviderPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t } = frame;
  const id = uuidParam(c, "service provider");
  const sp = await getServiceProvider(ctx, id);
  const range = chartRange(c, ctx.now);
  const [charts, refusals, signatures, ports, directory] = await Promise.all([
    loadCharts(ctx, range, { spId: sp.id }),
    listRefusalsPage(ctx, { spId: sp.id }, undefined, 20),
    listSignatures(ctx, { spId: sp.id }, { limit: 200 }),
    listPorts(ctx, { spId: sp.id }, { limit: 200 }),
    loadDirectory(ctx),
  ]);
  return render(
    c,
    `${t("sp.title")}: ${sp.name}`,
    <>
      <p>
        {t("col.licence")}: <span class="mono">{sp.licenceNumber}</span> · <Badge kind={sp.status}>{labelOf(t, "status", sp.status)}</Badge>
      </p>
      <ObjectActivity frame={frame} action={`/console/sps/${sp.id}`} range={range} charts={charts} idPrefix="sp" refusals={refusals.items} directory={directory} allRefusals={`/console/refusals?spId=${sp.id}`}>
        <h2>{t("section.ports")}</h2>
        <DataTable frame={frame} rows={ports.slice(0, 200)} columns={portColumns(t, directory.sps)} />
        <h2>{t("section.signatures")}</h2>
        <DataTable frame={frame} rows={signatures.slice(0, 200)} columns={signatureColumns(t, directory)} />
      </ObjectActivity>
    </>,
  );
}
