import { listPage } from "../db/list-page.ts";
import { and, eq, lte } from "drizzle-orm";
import { reviewSchedules } from "../db/schema/index.ts";
import { withTransaction } from "../db/transaction.ts";
import { localDate } from "../lib/dates.ts";
import { newId } from "../lib/ids.ts";
import { isOperator, type ServiceContext } from "../context.ts";
import { nextPeriodStart, periodStart, previousPeriodStart } from "./periods.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { forbidden } from "../lib/errors.ts";
import type { CreateScheduleInput } from "./reviews.schemas.ts";
import { assertReviewer, createReview, type Review } from "./reviews.service.ts";

export type ReviewSchedule = typeof reviewSchedules.$inferSelect;

export const SCHEDULE_ACTOR = { type: "system", id: "reviews:schedules" } as const;
/** A schedule that fell far behind catches up at most this many periods per run. */
const MAX_CATCH_UP = 12;

/**
 * A recurring review: the first one opens at the start of the next period (China calendar) and
 * covers the period just ended. Operators and auditors.
 */
export async function createSchedule(ctx: ServiceContext, input: CreateScheduleInput): Promise<ReviewSchedule> {
  assertReviewer(ctx.actor);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(reviewSchedules)
      .values({
        id: newId(),
        cadence: input.cadence,
        scopeSpId: input.scope.spId ?? null,
        scopePortPrefix: input.scope.portPrefix ?? null,
        nextRunAt: nextPeriodStart(input.cadence, periodStart(input.cadence, tx.now)),
        status: "active",
        createdBy: tx.actor.id,
        createdAt: tx.now,
      })
      .returning();
    await recordAudit(tx, { action: "review_schedule.create", objectType: "review_schedule", objectId: row!.id, objectSpId: row!.scopeSpId, after: row });
    return row!;
  });
}

export async function listSchedules(ctx: ServiceContext, page: { limit: number; after?: string }): Promise<ReviewSchedule[]> {
  assertReviewer(ctx.actor);
  // assertReviewer above: SPs never list schedules.
  return listPage(ctx.db.select().from(reviewSchedules).$dynamic(), ctx, { key: reviewSchedules.id, sp: null, page });
}

/**
 * Opens the reviews that are due at `now`: for each active schedule whose next run has come, a
 * campaign over the period that just ended, then the schedule moves on one period (catching up
 * missed periods one review each). Run on a timer by the composition root; safe to run on several
 * instances at once (the schedule row is locked while its review is opened). Returns the reviews.
 */
export async function runDueSchedules(ctx: ServiceContext, now: Date): Promise<Review[]> {
  if (!isOperator(ctx.actor)) throw forbidden("schedules run as the system");
  const system: ServiceContext = { ...ctx, actor: SCHEDULE_ACTOR, now };
  const due = await system.db
    .select({ id: reviewSchedules.id })
    .from(reviewSchedules)
    .where(and(eq(reviewSchedules.status, "active"), lte(reviewSchedules.nextRunAt, now)));
  const opened: Review[] = [];
  for (const { id } of due) {
    for (let i = 0; i < MAX_CATCH_UP; i++) {
      const review = await withTransaction(system, async (tx) => {
        const [schedule] = await tx.db.select().from(reviewSchedules).where(eq(reviewSchedules.id, id)).for("update");
        if (!schedule || schedule.status !== "active" || schedule.nextRunAt > now) return undefined;
        const to = schedule.nextRunAt;
        const from = previousPeriodStart(schedule.cadence, to);
        const created = await createReview(
          tx,
          {
            title: `${schedule.cadence === "monthly" ? "月度" : "季度"}回头看 ${localDate(from)} – ${localDate(new Date(to.getTime() - 1))}`,
            scope: { spId: schedule.scopeSpId ?? undefined, portPrefix: schedule.scopePortPrefix ?? undefined },
            from: from.toISOString(),
            to: to.toISOString(),
          },
          { scheduleId: schedule.id },
        );
        await tx.db.update(reviewSchedules).set({ nextRunAt: nextPeriodStart(schedule.cadence, to), lastRunAt: now }).where(eq(reviewSchedules.id, id));
        return created;
      });
      if (!review) break;
      opened.push(review);
    }
  }
  return opened;
}
