/** The signature approval queue: pending filings with their evidence; approve / reject with a reason (operators). */
import { z } from "@hono/zod-openapi";
import { decodeCursor, toPage } from "../../lib/pagination.ts";
import { approveSignature, listSignatures, rejectSignature, type Signature } from "../../signatures/signatures.service.ts";
import { signatureStatuses } from "../../signatures/signature-lists.ts";
import type { ServiceContext } from "../../context.ts";
import { may, type ConsoleContext } from "../auth.ts";
import { enterpriseName, loadDirectory, options, portNumber, spName, type Directory } from "../directory.ts";
import { optionalCursor, optionalText, optionalUuid, parseQuery, uuidParam } from "../filters.ts";
import { FilterForm, SelectField, TextField } from "../forms.tsx";
import { formatTime, labelOf, type Translate } from "../i18n.ts";
import { CsrfField, frameOf, type PageFrame } from "../layout.tsx";
import { Badge, DataTable, ListControls, collectPages, exportFormat, exportResponse, type Column } from "../lists.tsx";
import { Notice, errorPage, redirectWithNotice, render, serviceContextOf } from "../page.tsx";

const signaturesQuery = z.object({
  // The queue: pending unless another status (or "all") is asked for.
  status: z.preprocess((value) => (value === undefined ? "pending" : value === "" ? "all" : value), z.enum([...signatureStatuses, "all"])),
  spId: optionalUuid,
  enterpriseId: optionalUuid,
  text: optionalText(100),
  cursor: optionalCursor,
});

export function signatureColumns(t: Translate, directory: Directory): Column<Signature>[] {
  return [
    { key: "text", label: "col.signature", value: (s) => `【${s.text}】` },
    { key: "enterprise", label: "col.enterprise", value: (s) => enterpriseName(directory, s.enterpriseId) },
    { key: "sp", label: "col.sp", value: (s) => spName(directory, s.spId), cell: (s) => <a href={`/console/sps/${s.spId}`}>{spName(directory, s.spId)}</a> },
    { key: "status", label: "col.status", value: (s) => s.status, cell: (s) => <Badge kind={s.status}>{labelOf(t, "status", s.status)}</Badge> },
    { key: "scope", label: "col.scope", value: (s) => s.scope.join(" "), cell: (s) => s.scope.map((category) => labelOf(t, "category", category)).join("、") },
    {
      key: "evidence",
      label: "col.evidence",
      value: (s) => (s.evidence ? `${s.evidence.kind}: ${s.evidence.reference}${s.evidence.expiresOn ? ` (→ ${s.evidence.expiresOn})` : ""}` : ""),
      cell: (s) =>
        s.evidence ? (
          <>
            {s.evidence.kind}: <span class="mono">{s.evidence.reference}</span>
            {s.evidence.expiresOn ? <span class="muted"> (→ {s.evidence.expiresOn})</span> : null}
          </>
        ) : (
          <span class="bad">—</span>
        ),
    },
    { key: "ports", label: "col.ports", value: (s) => s.ports.map((p) => `${portNumber(directory, p.portId)}${p.extension}`).join(" ") },
    { key: "filed", label: "col.filed", value: (s) => formatTime(s.createdAt) },
    { key: "expires", label: "col.expires", value: (s) => formatTime(s.expiresAt) },
    { key: "statusReason", label: "col.statusReason", value: (s) => s.statusReason },
  ];
}

/** One decision on a signature (approve or reject) with its own required reason. */
function DecisionForm(props: { frame: PageFrame; id: string; action: "approve" | "reject" }) {
  const { t } = props.frame;
  const { id, action } = props;
  const label = action === "approve" ? t("sig.approve") : t("sig.reject");
  return (
    <form method="post" action={`/console/signatures/${id}/${action}`} class="decide" data-testid={`${action}-${id}`}>
      <CsrfField frame={props.frame} />
      <label>
        <span class="muted">{t("sig.reason")}</span>
        <br />
        <textarea name="reason" required maxlength={500} aria-label={`${label}: ${t("sig.reason")}`} />
      </label>
      <button type="submit" class={action === "reject" ? "danger" : undefined}>
        {label}
      </button>
    </form>
  );
}

/** Approve and reject, each with its own required reason. */
function DecisionForms(props: { frame: PageFrame; signature: Signature }) {
  return (
    <div class="decide">
      <DecisionForm frame={props.frame} id={props.signature.id} action="approve" />
      <DecisionForm frame={props.frame} id={props.signature.id} action="reject" />
    </div>
  );
}

async function signaturesPageOf(ctx: ServiceContext, filter: Parameters<typeof listSignatures>[1], cursor: string | undefined, limit: number) {
  return toPage(await listSignatures(ctx, filter, { limit, after: decodeCursor(cursor) }), limit, (s) => s.id);
}

export async function signaturesPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t } = frame;
  const query = parseQuery(c, signaturesQuery);
  const { cursor, status, ...rest } = query;
  const filter = { ...rest, status: status === "all" ? undefined : status };
  const directory = await loadDirectory(ctx);
  const columns = signatureColumns(t, directory);
  const format = exportFormat(c);
  if (format) return exportResponse(c, format, "signatures", await collectPages((next, limit) => signaturesPageOf(ctx, filter, next, limit)), columns);
  const page = await signaturesPageOf(ctx, filter, cursor, 50);
  const canDecide = may.decideSignatures(ctx.actor);
  const tableColumns: Column<Signature>[] = canDecide
    ? [...columns, { key: "actions", label: "col.actions", value: () => "", cell: (s) => (s.status === "pending" ? <DecisionForms frame={frame} signature={s} /> : null) }]
    : columns;
  return render(
    c,
    t("sig.title"),
    <>
      <Notice c={c} />
      {canDecide ? null : <p class="muted">{t("sig.readOnly")}</p>}
      {ctx.actor.type === "sp" ? null : (
        <p>
          <a href="/console/content">{frame.lang === "en" ? "Link domains, templates and content rules →" : "链接域名、模板与内容规则 →"}</a>
        </p>
      )}
      <FilterForm frame={frame} action="/console/signatures">
        <SelectField frame={frame} name="status" label={t("filter.status")} value={status === "all" ? "" : status} options={signatureStatuses.map((s) => [s, labelOf(t, "status", s)])} />
        <SelectField frame={frame} name="spId" label={t("filter.sp")} value={query.spId} options={options(directory.sps)} />
        <SelectField frame={frame} name="enterpriseId" label={t("filter.enterprise")} value={query.enterpriseId} options={options(directory.enterprises)} />
        <TextField name="text" label={t("filter.text")} value={query.text} />
      </FilterForm>
      <ListControls c={c} frame={frame} nextCursor={page.nextCursor} />
      <DataTable frame={frame} rows={page.items} columns={tableColumns} />
    </>,
  );
}

const decisionBody = z.object({ reason: z.string().trim().min(1).max(500) });

/** POST /console/signatures/:id/approve|reject. Auditors and SPs get the 403 page before the service is asked. */
export async function decideSignature(c: ConsoleContext, action: "approve" | "reject") {
  const ctx = serviceContextOf(c);
  const t = c.get("t");
  if (!may.decideSignatures(ctx.actor)) return errorPage(c, 403, t("error.forbidden"));
  const body = decisionBody.safeParse(await c.req.parseBody());
  if (!body.success) return errorPage(c, 422, t("error.invalid"), [t("sig.reason")]);
  await (action === "approve" ? approveSignature : rejectSignature)(ctx, uuidParam(c, "signature"), body.data.reason);
  return redirectWithNotice(c, "/console/signatures", action === "approve" ? "approved" : "rejected");
}
