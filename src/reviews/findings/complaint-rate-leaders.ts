import { inArray, like } from "drizzle-orm";
import { escapeLike } from "../../db/errors.ts";
import { ports, signatures } from "../../db/schema/index.ts";
import { complaintRates, ratePer10k } from "../thresholds.ts";
import type { FindingDetector } from "../types.ts";

const LEADERS = 5;

/** The signatures with the highest complaint rates in the period (at least minComplaints complaints). */
export const complaintRateLeaders: FindingDetector = {
  types: ["complaint_rate_leader"],
  async detect({ db, scope, settings }) {
    const portIds = scope.portPrefix
      ? (await db.select({ id: ports.id }).from(ports).where(like(ports.number, `${escapeLike(scope.portPrefix)}%`))).map((p) => p.id)
      : undefined;
    const rows = (await complaintRates({ db }, scope.from, new Date(scope.to.getTime() - 1), { spId: scope.spId, portIds }))
      .filter((row) => row.subjectType === "signature" && row.complaints >= settings.minComplaints)
      .map((row) => ({ ...row, rate: ratePer10k(row.complaints, row.accepted) }))
      .sort((a, b) => b.rate - a.rate || b.complaints - a.complaints)
      .slice(0, LEADERS);
    if (rows.length === 0) return [];
    const signatureRows = await db.select().from(signatures).where(inArray(signatures.id, rows.map((r) => r.subjectId)));
    const byId = new Map(signatureRows.map((s) => [s.id, s]));
    return rows.map((row, index) => {
      const signature = byId.get(row.subjectId);
      const over = row.rate >= settings.ratePer10k;
      return {
        type: "complaint_rate_leader",
        severity: over ? (row.rate >= settings.ratePer10k * 2 ? ("high" as const) : ("medium" as const)) : ("low" as const),
        subjectType: "signature" as const,
        subjectId: row.subjectId,
        subjectLabel: signature ? `【${signature.text}】` : null,
        spId: signature?.spId ?? null,
        evidence: {
          counts: { complaints: row.complaints, accepted: row.accepted },
          rank: index + 1,
          ratePer10k: Number.isFinite(row.rate) ? Math.round(row.rate * 100) / 100 : null,
          threshold: settings.ratePer10k,
        },
        recommendedAction: over ? ("suspend" as const) : ("rectify" as const),
      };
    });
  },
};
