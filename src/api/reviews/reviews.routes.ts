import { bearerSecurity, createRoute, createRouter, decodeCursor, idParam, jsonBody, operatorOnly, pageQuery, pageSchema, problemResponses, requireRole, serviceContext, staffOnly, toPage } from "../route-kit.ts";
import { z } from "@hono/zod-openapi";
import { reportCsv, reportHtml } from "../../reviews/report.ts";
import { getReviewSettings, reviewSettingsSchema, updateReviewSettings } from "../../reviews/settings.ts";
import { decideFinding } from "../../reviews/reviews.decisions.ts";
import {
  closeReviewBody,
  createReviewBody,
  createScheduleBody,
  decisionBody,
  findingSchema,
  listFindingsQuery,
  listReviewsQuery,
  reportSchema,
  reviewForSpSchema,
  reviewSchema,
  scheduleSchema,
} from "../../reviews/reviews.schemas.ts";
import { closeReview, getFinding, getReview, getReviewReport, listFindings, listReviews, createReview } from "../../reviews/reviews.service.ts";
import { createSchedule, listSchedules } from "../../reviews/schedules.service.ts";

const tags = ["Reviews"];
const reviewers = staffOnly;
/** The read routes an SP may use too, scoped by the service to the findings about itself. */
const readers = requireRole("operator", "auditor", "system", "sp");
const eitherReview = z.union([reviewSchema, reviewForSpSchema]);
const findingParams = z.object({ id: z.uuid(), findingId: z.uuid() });
const json = <T extends z.ZodTypeAny>(description: string, schema: T) => ({ description, content: { "application/json": { schema } } });

export const reviewRoutes = createRouter()
  // The schedules come before /reviews/{id}, which would otherwise take "schedules" for an id.
  .openapi(
    createRoute({
      method: "post",
      path: "/reviews/schedules",
      tags,
      security: bearerSecurity,
      summary: "Schedule recurring reviews (monthly or quarterly); each opens at a period start over the period just ended",
      middleware: [reviewers] as const,
      request: { body: jsonBody(createScheduleBody) },
      responses: { 201: json("Scheduled", scheduleSchema), ...problemResponses },
    }),
    async (c) => c.json(await createSchedule(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reviews/schedules",
      tags,
      security: bearerSecurity,
      middleware: [reviewers] as const,
      request: { query: pageQuery },
      responses: { 200: json("A page", pageSchema(scheduleSchema)), ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      return c.json(toPage(await listSchedules(serviceContext(c), { limit, after: decodeCursor(cursor) }), limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/reviews",
      tags,
      security: bearerSecurity,
      summary: "Open a review campaign (回头看) over a scope and period; findings are computed at once",
      middleware: [reviewers] as const,
      request: { body: jsonBody(createReviewBody) },
      responses: { 201: json("Opened, with a summary of its findings", reviewSchema), ...problemResponses },
    }),
    async (c) => c.json(await createReview(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reviews",
      tags,
      security: bearerSecurity,
      summary: "List reviews (an SP: only those holding a finding about it, as ReviewForSp)",
      description:
        "Operators and auditors see every review with its summary. An SP sees only the reviews that hold at least one finding whose spId is its own, in a minimal view (ReviewForSp: no title, scope or authors) whose summary counts its own findings only.",
      middleware: [readers] as const,
      request: { query: pageQuery.extend(listReviewsQuery.shape) },
      responses: { 200: json("A page", pageSchema(eitherReview)), ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      return c.json(toPage(await listReviews(serviceContext(c), filter, { limit, after: decodeCursor(cursor) }), limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reviews/{id}",
      tags,
      security: bearerSecurity,
      summary: "A review with its summary (an SP: ReviewForSp, 404 unless it holds a finding about the SP)",
      middleware: [readers] as const,
      request: { params: idParam },
      responses: { 200: json("The review with its summary (overdue rectifications reopened first); for an SP the minimal view", eitherReview), ...problemResponses },
    }),
    async (c) => c.json(await getReview(serviceContext(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reviews/{id}/findings",
      tags,
      security: bearerSecurity,
      summary: "A review's findings (an SP: only those whose spId is its own, read-only)",
      description:
        "An SP gets only the findings about itself (spId is its own), so it can rectify; evidence is cut to its own data (see the evidence field), decidedBy is null. A review holding none of its findings answers 404, like another SP's object.",
      middleware: [readers] as const,
      request: { params: idParam, query: pageQuery.extend(listFindingsQuery.shape) },
      responses: { 200: json("A page", pageSchema(findingSchema)), ...problemResponses },
    }),
    async (c) => {
      const { limit, cursor, ...filter } = c.req.valid("query");
      const rows = await listFindings(serviceContext(c), c.req.valid("param").id, filter, { limit, after: decodeCursor(cursor) });
      return c.json(toPage(rows, limit, (row) => row.id), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reviews/{id}/findings/{findingId}",
      tags,
      security: bearerSecurity,
      summary: "One finding (an SP: only one about itself; another SP's answers 404)",
      middleware: [readers] as const,
      request: { params: findingParams },
      responses: { 200: json("The finding", findingSchema), ...problemResponses },
    }),
    async (c) => {
      const { id, findingId } = c.req.valid("param");
      return c.json(await getFinding(serviceContext(c), id, findingId), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/reviews/{id}/findings/{findingId}/decision",
      tags,
      security: bearerSecurity,
      summary: "Decide a finding: no_action, rectify (dueDate), suspend or revoke (operator; applied through the audited registry services)",
      middleware: [reviewers] as const,
      request: { params: findingParams, body: jsonBody(decisionBody) },
      responses: { 200: json("Decided", findingSchema), ...problemResponses },
    }),
    async (c) => {
      const { id, findingId } = c.req.valid("param");
      return c.json(await decideFinding(serviceContext(c), id, findingId, c.req.valid("json")), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/reviews/{id}/close",
      tags,
      security: bearerSecurity,
      middleware: [reviewers] as const,
      request: { params: idParam, body: { required: false, content: { "application/json": { schema: closeReviewBody } } } },
      responses: { 200: json("Closed", reviewSchema), ...problemResponses },
    }),
    async (c) => c.json(await closeReview(serviceContext(c), c.req.valid("param").id, c.req.valid("json")?.reason), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reviews/{id}/report",
      tags,
      security: bearerSecurity,
      middleware: [reviewers] as const,
      request: { params: idParam },
      responses: { 200: json("Counts by finding type, actions taken, and every finding", reportSchema), ...problemResponses },
    }),
    async (c) => c.json(await getReviewReport(serviceContext(c), c.req.valid("param").id), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reviews/{id}/report.csv",
      tags,
      security: bearerSecurity,
      middleware: [reviewers] as const,
      request: { params: idParam },
      responses: { 200: { description: "One row per finding (UTF-8 with BOM; formula-like cells prefixed with ')", content: { "text/csv": { schema: z.string() } } }, ...problemResponses },
    }),
    async (c) => {
      const id = c.req.valid("param").id;
      const csv = reportCsv(await getReviewReport(serviceContext(c), id));
      return c.body(csv, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="review-${id}.csv"` });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reviews/{id}/report.html",
      tags,
      security: bearerSecurity,
      middleware: [reviewers] as const,
      request: { params: idParam },
      responses: { 200: { description: "A printable page", content: { "text/html": { schema: z.string() } } }, ...problemResponses },
    }),
    async (c) => {
      const html = reportHtml(await getReviewReport(serviceContext(c), c.req.valid("param").id));
      return c.body(html, 200, { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/settings/reviews",
      tags: ["Settings"],
      security: bearerSecurity,
      middleware: [operatorOnly] as const,
      responses: { 200: json("Complaint-rate thresholds and review settings", reviewSettingsSchema), ...problemResponses },
    }),
    async (c) => c.json(await getReviewSettings(serviceContext(c)), 200),
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/settings/reviews",
      tags: ["Settings"],
      security: bearerSecurity,
      middleware: [operatorOnly] as const,
      request: { body: { required: true, content: { "application/json": { schema: reviewSettingsSchema.extend({ reason: z.string().trim().min(1).max(500) }).strict() } } } },
      responses: { 200: json("Saved", reviewSettingsSchema), ...problemResponses },
    }),
    async (c) => {
      const { reason, ...settings } = c.req.valid("json");
      return c.json(await updateReviewSettings(serviceContext(c), settings, reason), 200);
    },
  );
