/** Ports: the list, and one port's page with its traffic, refusals and the signatures bound to it. */
import { z } from "@hono/zod-openapi";
import { portStatuses } from "../../ports/ports.schemas.ts";
import { decodeCursor, toPage } from "../../lib/pagination.ts";
import { getPort, listPorts } from "../../ports/ports.service.ts";
import { listSignatures } from "../../signatures/signatures.service.ts";
import type { ConsoleContext } from "../auth.ts";
import { loadDirectory, options, spName } from "../directory.ts";
import { chartRange, optionalCursor, optionalEnum, optionalUuid, parseQuery, uuidParam } from "../filters.ts";
import { FilterForm, SelectField, TextField } from "../forms.tsx";
import { labelOf } from "../i18n.ts";
import { frameOf } from "../layout.tsx";
import { Badge, DataTable, ListControls, collectPages, exportFormat, exportResponse } from "../lists.tsx";
import { render, serviceContextOf } from "../page.tsx";
import { loadCharts } from "./dashboard.tsx";
import { listRefusalsPage } from "./refusals.tsx";
import { portColumns } from "./service-providers.tsx";
import { signatureColumns } from "./signatures.tsx";
import { ObjectActivity } from "./activity.tsx";

const portsQuery = z.object({
  spId: optionalUuid,
  status: optionalEnum(portStatuses),
  numberPrefix: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^\d{1,20}$/).optional()),
  cursor: optionalCursor,
});

export async function portsPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t } = frame;
  const { cursor, ...filter } = parseQuery(c, portsQuery);
  const directory = await loadDirectory(ctx);
  const fetchPage = async (next: string | undefined, limit: number) => toPage(await listPorts(ctx, filter, { limit, after: decodeCursor(next) }), limit, (p) => p.id);
  const columns = portColumns(t, directory.sps);
  const format = exportFormat(c);
  if (format) return exportResponse(c, format, "ports", await collectPages(fetchPage), columns);
  const page = await fetchPage(cursor, 50);
  return render(
    c,
    t("ports.title"),
    <>
      <FilterForm frame={frame} action="/console/ports">
        <SelectField frame={frame} name="spId" label={t("filter.sp")} value={filter.spId} options={options(directory.sps)} />
        <SelectField frame={frame} name="status" label={t("filter.status")} value={filter.status} options={portStatuses.map((s) => [s, labelOf(t, "status", s)])} />
        <TextField name="numberPrefix" label={t("col.number")} value={filter.numberPrefix} size={12} />
      </FilterForm>
      <ListControls c={c} frame={frame} nextCursor={page.nextCursor} />
      <DataTable frame={frame} rows={page.items} columns={columns} />
    </>,
  );
}

/** One port: an SP sees only its own ports (another SP's port is a 404, as in the API). */
export async function portPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t } = frame;
  const id = uuidParam(c, "port");
  const port = await getPort(ctx, id);
  const range = chartRange(c, ctx.now);
  const [charts, refusals, ownerSignatures, directory] = await Promise.all([
    loadCharts(ctx, range, { portId: port.id }),
    listRefusalsPage(ctx, { portId: port.id }, undefined, 20),
    listSignatures(ctx, { spId: port.spId }, { limit: 500 }),
    loadDirectory(ctx),
  ]);
  // Signatures have no port filter in the service; the owner's signatures are few, so pick here.
  const signatures = ownerSignatures.filter((s) => s.ports.some((binding) => binding.portId === port.id));
  return render(
    c,
    `${t("port.title")}: ${port.number}`,
    <>
      <p>
        {t("col.sp")}: <a href={`/console/sps/${port.spId}`}>{spName(directory, port.spId)}</a> · <Badge kind={port.status}>{labelOf(t, "status", port.status)}</Badge>
      </p>
      <ObjectActivity frame={frame} action={`/console/ports/${port.id}`} range={range} charts={charts} idPrefix="port" refusals={refusals.items} directory={directory} allRefusals={`/console/refusals?portId=${port.id}`}>
        <h2>{t("section.signatures")}</h2>
        <DataTable frame={frame} rows={signatures} columns={signatureColumns(t, directory)} />
      </ObjectActivity>
    </>,
  );
}
