/** Reviews (回头看) and complaints, through the ReviewsBackend (see reviews-backend.ts). */
import { z } from "@hono/zod-openapi";
import { ServiceError } from "../../lib/errors.ts";
import { may, type ConsoleContext } from "../auth.ts";
import { enterpriseName, loadDirectory, options, portNumber, signatureText, spName, type Directory } from "../directory.ts";
import { dayRange, chinaDayStartIso, defaultRange, nextDay, optionalCursor, optionalEnum, optionalUuid, parseQuery } from "../filters.ts";
import { DateRangeFields, FilterForm, PartyFilterFields, SelectField } from "../forms.tsx";
import { formatTime, labelOf, type Translate } from "../i18n.ts";
import { CsrfField, frameOf, type PageFrame } from "../layout.tsx";
import { Badge, DataTable, ListControls, collectPages, exportFormat, exportResponse, type Column } from "../lists.tsx";
import { Notice, errorPage, redirectWithNotice, render, serviceContextOf } from "../page.tsx";
import {
  complaintStatuses,
  findingOutcomes,
  reviewStatuses,
  reviewSubjectKinds,
  type Complaint,
  type Finding,
  type ReviewDetail,
  type ReviewSummary,
  type ReviewsBackend,
} from "../reviews-backend.ts";

/** Report links come from the backend; only same-site paths become links (no javascript: or other hosts). */
export function safeRelativeHref(href: string | null | undefined): string | undefined {
  return href && /^\/(?!\/)[^\s\\]*$/.test(href) ? href : undefined;
}

function reviewColumns(t: Translate): Column<ReviewSummary>[] {
  return [
    { key: "title", label: "col.title", value: (r) => r.title, cell: (r) => <a href={`/console/reviews/${encodeURIComponent(r.id)}`}>{r.title}</a> },
    { key: "subjectKind", label: "reviews.subjectKind", value: (r) => r.subject.kind, cell: (r) => labelOf(t, "subject", r.subject.kind) },
    { key: "subject", label: "col.subject", value: (r) => r.subject.label },
    { key: "period", label: "col.period", value: (r) => `${r.periodFrom} – ${r.periodTo}` },
    { key: "status", label: "col.status", value: (r) => r.status, cell: (r) => <Badge kind={r.status}>{labelOf(t, "status", r.status)}</Badge> },
    { key: "findings", label: "col.findings", value: (r) => r.findingCount, numeric: true },
    { key: "undecided", label: "col.undecided", value: (r) => r.undecidedCount, numeric: true },
    { key: "openedAt", label: "col.opened", value: (r) => formatTime(r.openedAt) },
  ];
}

const reviewsQuery = z.object({ status: optionalEnum(reviewStatuses), subjectKind: optionalEnum(reviewSubjectKinds), spId: optionalUuid, cursor: optionalCursor });

function unavailable(c: ConsoleContext) {
  const t = c.get("t");
  return render(c, t("reviews.title"), <p class="muted">{t("reviews.unavailable")}</p>);
}

/** Everything a review can be about, as one select with a group per kind ("kind:id" values). */
function subjectOptions(t: Translate, directory: Directory) {
  const groups: [string, [string, string][]][] = [
    ["sp", options(directory.sps)],
    ["port", options([...directory.ports].map(([id, p]) => [id, p.number]))],
    ["signature", options([...directory.signatures].map(([id, s]) => [id, `【${s.text}】`]))],
    ["enterprise", options(directory.enterprises)],
  ];
  return (
    <select name="subject" required>
      {groups.map(([kind, entries]) => (
        <optgroup label={labelOf(t, "subject", kind)}>
          {entries.map(([id, label]) => (
            <option value={`${kind}:${id}`}>{label}</option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

function StartReviewForm(props: { frame: PageFrame; directory: Directory; now: Date }) {
  const { t } = props.frame;
  const range = defaultRange(props.now, 30);
  return (
    <details class="card">
      <summary>{t("reviews.open")}</summary>
      <form method="post" action="/console/reviews" class="filters">
        <CsrfField frame={props.frame} />
        <label>
          {t("reviews.subjectId")}
          {subjectOptions(t, props.directory)}
        </label>
        <label>
          {t("reviews.periodFrom")}
          <input type="date" name="periodFrom" value={range.from} required />
        </label>
        <label>
          {t("reviews.periodTo")}
          <input type="date" name="periodTo" value={range.to} required />
        </label>
        <label>
          {t("col.title")}
          <input type="text" name="title" maxlength={200} />
        </label>
        <button type="submit">{t("reviews.start")}</button>
      </form>
    </details>
  );
}

export async function reviewsPage(c: ConsoleContext, reviews: ReviewsBackend | undefined) {
  if (!reviews) return unavailable(c);
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t } = frame;
  const { cursor, ...filter } = parseQuery(c, reviewsQuery);
  const columns = reviewColumns(t);
  const format = exportFormat(c);
  if (format) return exportResponse(c, format, "reviews", await collectPages((next, limit) => reviews.listReviews(ctx, filter, { limit, cursor: next })), columns);
  const [page, directory] = await Promise.all([reviews.listReviews(ctx, filter, { limit: 50, cursor }), loadDirectory(ctx)]);
  return render(
    c,
    t("reviews.title"),
    <>
      <Notice c={c} />
      {may.decideReviews(ctx.actor) ? <StartReviewForm frame={frame} directory={directory} now={ctx.now} /> : null}
      <FilterForm frame={frame} action="/console/reviews">
        <SelectField frame={frame} name="status" label={t("filter.status")} value={filter.status} options={reviewStatuses.map((s) => [s, labelOf(t, "status", s)])} />
        <SelectField frame={frame} name="subjectKind" label={t("reviews.subjectKind")} value={filter.subjectKind} options={reviewSubjectKinds.map((k) => [k, labelOf(t, "subject", k)])} />
        {may.seeAllSps(ctx.actor) ? <SelectField frame={frame} name="spId" label={t("filter.sp")} value={filter.spId} options={options(directory.sps)} /> : null}
      </FilterForm>
      <ListControls c={c} frame={frame} nextCursor={page.nextCursor} />
      <DataTable frame={frame} rows={page.items} columns={columns} />
    </>,
  );
}

function FindingDecisionForm(props: { frame: PageFrame; review: ReviewDetail; finding: Finding }) {
  const { t } = props.frame;
  const action = `/console/reviews/${encodeURIComponent(props.review.id)}/findings/${encodeURIComponent(props.finding.id)}/decision`;
  return (
    <form method="post" action={action} class="decide">
      <CsrfField frame={props.frame} />
      <textarea name="reason" required maxlength={1000} aria-label={t("reviews.decisionReason")} placeholder={t("reviews.decisionReason")} />
      {findingOutcomes.map((outcome) => (
        <button type="submit" name="outcome" value={outcome} class={outcome === "suspend" || outcome === "revoke" ? "danger" : outcome === "no_action" ? "secondary" : undefined}>
          {t(`outcome.${outcome}`)}
        </button>
      ))}
    </form>
  );
}

/** The review's subject, period, status and conclusion. */
function ReviewSummary(props: { t: Translate; review: ReviewDetail }) {
  const { t, review } = props;
  return (
    <dl>
      <dt>{t("col.subject")}</dt>
      <dd>
        {labelOf(t, "subject", review.subject.kind)}: {review.subject.label}
      </dd>
      <dt>{t("col.period")}</dt>
      <dd>
        {review.periodFrom} – {review.periodTo}
      </dd>
      <dt>{t("col.status")}</dt>
      <dd>
        <Badge kind={review.status}>{labelOf(t, "status", review.status)}</Badge> · {t("col.opened")} {formatTime(review.openedAt)} ({review.openedBy})
      </dd>
      {review.conclusion ? (
        <>
          <dt>{t("reviews.closeSummary")}</dt>
          <dd>{review.conclusion}</dd>
        </>
      ) : null}
    </dl>
  );
}

/** One finding: severity, summary, evidence links, and its decision or the form to decide it. */
function FindingRow(props: { frame: PageFrame; review: ReviewDetail; finding: Finding; canDecide: boolean }) {
  const { frame, review, finding, canDecide } = props;
  const { t } = frame;
  return (
    <tr data-finding={finding.id} data-finding-kind={finding.kind}>
      <td>
        <Badge kind={finding.severity}>{t(`severity.${finding.severity}`)}</Badge>
      </td>
      <td>{finding.summary}</td>
      <td>
        <ul>
          {finding.evidence.map((item) => {
            const href = safeRelativeHref(item.href);
            return <li>{href ? <a href={href}>{item.label}</a> : item.label}</li>;
          })}
        </ul>
      </td>
      <td>
        {finding.decision ? (
          <p>
            <strong>{t(`outcome.${finding.decision.outcome}`)}</strong> — {finding.decision.reason}
            <br />
            <span class="muted">
              {finding.decision.decidedBy} · {formatTime(finding.decision.decidedAt)}
            </span>
          </p>
        ) : null}
        {/* A decided finding stays decided; the backend reopens it if a rectification deadline passes. */}
        {canDecide && !finding.decision ? <FindingDecisionForm frame={frame} review={review} finding={finding} /> : null}
      </td>
    </tr>
  );
}

export async function reviewPage(c: ConsoleContext, reviews: ReviewsBackend | undefined) {
  if (!reviews) return unavailable(c);
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t } = frame;
  const review = await reviews.getReview(ctx, c.req.param("id") ?? "");
  const canDecide = may.decideReviews(ctx.actor) && review.status === "open";
  const report = safeRelativeHref(review.reportUrl);
  return render(
    c,
    `${t("reviews.title")}: ${review.title}`,
    <>
      <Notice c={c} />
      <ReviewSummary t={t} review={review} />
      {report ? (
        <p>
          <a href={report}>{t("reviews.report")}</a>
        </p>
      ) : null}
      {may.decideReviews(ctx.actor) ? null : <p class="muted">{t("reviews.readOnly")}</p>}
      <h2>{t("col.findings")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("col.severity")}</th>
            <th scope="col">{t("col.summary")}</th>
            <th scope="col">{t("reviews.evidence")}</th>
            <th scope="col">{t("col.decision")}</th>
          </tr>
        </thead>
        <tbody>
          {review.findings.map((finding) => (
            <FindingRow frame={frame} review={review} finding={finding} canDecide={canDecide} />
          ))}
        </tbody>
      </table>
      {canDecide ? (
        <form method="post" action={`/console/reviews/${encodeURIComponent(review.id)}/close`} class="card decide">
          <CsrfField frame={frame} />
          <label>
            {t("reviews.closeSummary")}
            <br />
            <textarea name="conclusion" required maxlength={2000} />
          </label>
          <button type="submit">{t("reviews.close")}</button>
        </form>
      ) : null}
    </>,
  );
}

const startBody = z.object({
  subject: z.string().regex(/^(sp|port|signature|enterprise):[0-9a-f-]{36}$/),
  periodFrom: z.iso.date(),
  periodTo: z.iso.date(),
  title: z.preprocess((v) => (v === "" ? undefined : v), z.string().trim().max(200).optional()),
});
const decisionBody = z.object({ outcome: z.enum(findingOutcomes), reason: z.string().trim().min(1).max(1000) });
const closeBody = z.object({ conclusion: z.string().trim().min(1).max(2000) });

/** POST handlers share this: role check first (403 page), then the body (422 page), then the port. */
async function reviewAction<T extends z.ZodTypeAny>(c: ConsoleContext, reviews: ReviewsBackend | undefined, schema: T, act: (body: z.infer<T>) => Promise<Response>) {
  if (!reviews) return unavailable(c);
  const t = c.get("t");
  if (!may.decideReviews(c.get("actor"))) return errorPage(c, 403, t("error.forbidden"));
  const body = schema.safeParse(await c.req.parseBody());
  if (!body.success) return errorPage(c, 422, t("error.invalid"), body.error.issues.map((issue) => issue.path.join(".")));
  return act(body.data);
}

export function startReview(c: ConsoleContext, reviews: ReviewsBackend | undefined) {
  return reviewAction(c, reviews, startBody, async (body) => {
    const [kind, id] = body.subject.split(":") as [(typeof reviewSubjectKinds)[number], string];
    if (body.periodFrom > body.periodTo) throw new ServiceError("VALIDATION_FAILED", "periodFrom must not be after periodTo");
    const review = await reviews!.startReview(serviceContextOf(c), { subject: { kind, id }, periodFrom: body.periodFrom, periodTo: body.periodTo, title: body.title });
    return redirectWithNotice(c, `/console/reviews/${encodeURIComponent(review.id)}`, "started");
  });
}

export function decideFinding(c: ConsoleContext, reviews: ReviewsBackend | undefined) {
  return reviewAction(c, reviews, decisionBody, async (body) => {
    const id = c.req.param("id") ?? "";
    await reviews!.decideFinding(serviceContextOf(c), id, c.req.param("findingId") ?? "", body);
    return redirectWithNotice(c, `/console/reviews/${encodeURIComponent(id)}`, "decided");
  });
}

export function closeReview(c: ConsoleContext, reviews: ReviewsBackend | undefined) {
  return reviewAction(c, reviews, closeBody, async (body) => {
    const id = c.req.param("id") ?? "";
    await reviews!.closeReview(serviceContextOf(c), id, body);
    return redirectWithNotice(c, `/console/reviews/${encodeURIComponent(id)}`, "closed");
  });
}

function complaintColumns(t: Translate, directory: Directory): Column<Complaint>[] {
  return [
    { key: "receivedAt", label: "col.received", value: (r) => formatTime(r.receivedAt) },
    { key: "source", label: "col.origin", value: (r) => r.source },
    { key: "reference", label: "col.reference", value: (r) => r.reference },
    { key: "status", label: "col.status", value: (r) => r.status, cell: (r) => <Badge kind={r.status}>{labelOf(t, "status", r.status)}</Badge> },
    { key: "sp", label: "col.sp", value: (r) => spName(directory, r.spId), cell: (r) => (r.spId ? <a href={`/console/sps/${r.spId}`}>{spName(directory, r.spId)}</a> : "") },
    { key: "port", label: "col.port", value: (r) => portNumber(directory, r.portId), cell: (r) => (r.portId ? <a href={`/console/ports/${r.portId}`}>{portNumber(directory, r.portId)}</a> : "") },
    { key: "signature", label: "col.signature", value: (r) => signatureText(directory, r.signatureId) },
    { key: "enterprise", label: "col.enterprise", value: (r) => enterpriseName(directory, r.enterpriseId) },
    { key: "recipient", label: "col.recipient", value: (r) => r.recipientMask },
    { key: "excerpt", label: "col.text", value: (r) => r.excerpt },
  ];
}

const complaintsQuery = dayRange.and(
  z.object({ spId: optionalUuid, portId: optionalUuid, signatureId: optionalUuid, enterpriseId: optionalUuid, status: optionalEnum(complaintStatuses), cursor: optionalCursor }),
);

export async function complaintsPage(c: ConsoleContext, reviews: ReviewsBackend | undefined) {
  if (!reviews) return unavailable(c);
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t } = frame;
  const query = parseQuery(c, complaintsQuery);
  const { cursor, from, to, ...rest } = query;
  const filter = { ...rest, from: from ? new Date(chinaDayStartIso(from)) : undefined, to: to ? new Date(chinaDayStartIso(nextDay(to))) : undefined };
  const directory = await loadDirectory(ctx);
  const columns = complaintColumns(t, directory);
  const format = exportFormat(c);
  if (format) return exportResponse(c, format, "complaints", await collectPages((next, limit) => reviews.listComplaints(ctx, filter, { limit, cursor: next })), columns);
  const page = await reviews.listComplaints(ctx, filter, { limit: 50, cursor });
  return render(
    c,
    t("complaints.title"),
    <>
      <FilterForm frame={frame} action="/console/complaints">
        <DateRangeFields frame={frame} from={from} to={to} />
        <PartyFilterFields frame={frame} directory={directory} query={query} />
        <SelectField frame={frame} name="status" label={t("filter.status")} value={query.status} options={complaintStatuses.map((s) => [s, labelOf(t, "status", s)])} />
      </FilterForm>
      <ListControls c={c} frame={frame} nextCursor={page.nextCursor} />
      <DataTable frame={frame} rows={page.items} columns={columns} />
    </>,
  );
}
