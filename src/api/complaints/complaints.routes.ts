import { bearerSecurity, createRoute, createRouter, idParam, jsonBody, jsonResponse, operatorOnly, pageOf, pageQuery, pageSchema, problemResponses, serviceContext } from "../route-kit.ts";
import { complaintSchema, createComplaintBody, listComplaintsQuery } from "../../complaints/complaints.schemas.ts";
import { createComplaint, getComplaint, listComplaints } from "../../complaints/complaints.service.ts";

const tags = ["Complaints"];
const one = (description: string) => ({ description, content: { "application/json": { schema: complaintSchema } } });

export const complaintRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/complaints",
      tags,
      security: bearerSecurity,
      summary: "Take in one complaint (operator); attributed to port, SP, signature and enterprise at intake",
      description:
        "Unwanted-marketing complaints opt the recipient out of the attributed enterprise. Complaint-rate thresholds are evaluated afterwards (see /settings/reviews). Bulk: POST /imports/complaints.",
      middleware: [operatorOnly] as const,
      request: { body: jsonBody(createComplaintBody) },
      responses: { 201: one("Recorded and attributed"), ...problemResponses },
    }),
    async (c) => c.json(await createComplaint(serviceContext(c), c.req.valid("json")), 201),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/complaints",
      tags,
      security: bearerSecurity,
      summary: "List complaints (an SP sees those attributed to it; attribution=none lists the unmatched)",
      request: { query: pageQuery.extend(listComplaintsQuery.shape) },
      responses: { 200: jsonResponse("A page", pageSchema(complaintSchema)), ...problemResponses },
    }),
    async (c) => c.json(await pageOf(c.req.valid("query"), (filter, page) => listComplaints(serviceContext(c), filter, page)), 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/complaints/{id}",
      tags,
      security: bearerSecurity,
      request: { params: idParam },
      responses: { 200: one("The complaint"), ...problemResponses },
    }),
    async (c) => c.json(await getComplaint(serviceContext(c), c.req.valid("param").id), 200),
  );
