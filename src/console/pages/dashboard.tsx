/** Dashboard: traffic and refusals per day, top refusal reasons, and the approval queue's length. */
import { countRejections, trafficByDay } from "../../journal/journal.service.ts";
import type { RejectionsFilter, TrafficFilter } from "../../journal/journal.schemas.ts";
import { listSignatures } from "../../signatures/signatures.service.ts";
import type { ServiceContext } from "../../context.ts";
import type { ConsoleContext } from "../auth.ts";
import { HorizontalBarChart, StackedBarChart, daysBetween } from "../charts.tsx";
import { chartRange, chinaDayStartIso, nextDay } from "../filters.ts";
import { DateRangeFields, FilterForm } from "../forms.tsx";
import { reasonSentence, type Translate } from "../i18n.ts";
import { frameOf } from "../layout.tsx";
import { Notice, render, serviceContextOf } from "../page.tsx";

const ACCEPTED_COLOR = "#2e7d32";
const REFUSED_COLOR = "#c62828";

export interface TrafficScope {
  spId?: string;
  portId?: string;
}

/**
 * The charts for a range and an optional SP or port: used by the dashboard and by the SP and port
 * pages, so all three count the same way.
 */
export async function loadCharts(ctx: ServiceContext, range: { from: string; to: string }, scope: TrafficScope = {}) {
  const trafficFilter: TrafficFilter = { from: range.from, to: range.to, groupBy: "sp", ...scope };
  // Enforced refusals only: a monitor-mode refusal let its message pass (the rule-modes page counts those).
  const rejectionFilter: RejectionsFilter = { from: chinaDayStartIso(range.from), to: chinaDayStartIso(nextDay(range.to)), monitor: "false", ...scope };
  const [traffic, perDay, perReason] = await Promise.all([
    trafficByDay(ctx, trafficFilter),
    countRejections(ctx, rejectionFilter, "day"),
    countRejections(ctx, rejectionFilter, "reason"),
  ]);
  const days = daysBetween(range.from, range.to);
  const accepted = new Map<string, number>();
  const refused = new Map<string, number>();
  for (const row of traffic) {
    accepted.set(row.day, (accepted.get(row.day) ?? 0) + row.accepted);
    refused.set(row.day, (refused.get(row.day) ?? 0) + row.refused);
  }
  const refusalsPerDay = new Map(perDay.map((row) => [row.key, row.count]));
  return {
    days,
    accepted: days.map((day) => accepted.get(day) ?? 0),
    refusedSigned: days.map((day) => refused.get(day) ?? 0),
    refusals: days.map((day) => refusalsPerDay.get(day) ?? 0),
    reasons: perReason,
  };
}

export type Charts = Awaited<ReturnType<typeof loadCharts>>;

export function ChartCards(props: { t: Translate; lang: "zh" | "en"; charts: Charts; idPrefix: string }) {
  const { t, charts } = props;
  const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return (
    <>
      <div class="card stats" aria-label={t("dash.totals")}>
        <div>
          {total(charts.accepted)}
          <span>{t("col.accepted")}</span>
        </div>
        <div>
          {total(charts.refusals)}
          <span>{t("col.refused")}</span>
        </div>
      </div>
      <div class="grid">
        <section class="card" aria-labelledby={`${props.idPrefix}-traffic-h`}>
          <h2 id={`${props.idPrefix}-traffic-h`}>{t("dash.traffic")}</h2>
          <StackedBarChart
            id={`${props.idPrefix}-traffic`}
            title={t("dash.traffic")}
            labels={charts.days}
            series={[
              { name: t("col.accepted"), color: ACCEPTED_COLOR, values: charts.accepted },
              { name: t("col.refused"), color: REFUSED_COLOR, values: charts.refusedSigned },
            ]}
          />
        </section>
        <section class="card" aria-labelledby={`${props.idPrefix}-refusals-h`}>
          <h2 id={`${props.idPrefix}-refusals-h`}>{t("dash.refusals")}</h2>
          <StackedBarChart
            id={`${props.idPrefix}-refusals`}
            title={t("dash.refusals")}
            labels={charts.days}
            series={[{ name: t("col.refused"), color: REFUSED_COLOR, values: charts.refusals }]}
          />
        </section>
        <section class="card" aria-labelledby={`${props.idPrefix}-reasons-h`}>
          <h2 id={`${props.idPrefix}-reasons-h`}>{t("dash.topReasons")}</h2>
          {charts.reasons.length === 0 ? (
            <p class="muted">{t("dash.noData")}</p>
          ) : (
            <HorizontalBarChart
              id={`${props.idPrefix}-reasons`}
              title={t("dash.topReasons")}
              color={REFUSED_COLOR}
              rows={charts.reasons.slice(0, 10).map((row) => ({ label: `${reasonSentence(props.lang, row.key)} (${row.key})`, value: row.count }))}
            />
          )}
        </section>
      </div>
    </>
  );
}

export async function dashboardPage(c: ConsoleContext) {
  const ctx = serviceContextOf(c);
  const frame = frameOf(c);
  const { t } = frame;
  const range = chartRange(c, ctx.now);
  const [charts, pending] = await Promise.all([loadCharts(ctx, range), listSignatures(ctx, { status: "pending" }, { limit: 99 })]);
  return render(
    c,
    t("dash.title"),
    <>
      <Notice c={c} />
      <FilterForm frame={frame} action="/console/dashboard">
        <DateRangeFields frame={frame} from={range.from} to={range.to} />
      </FilterForm>
      <p>
        <a href="/console/signatures?status=pending">
          {t("dash.pending")}: <strong>{pending.length > 99 ? "99+" : String(pending.length)}</strong>
        </a>
      </p>
      <ChartCards t={t} lang={frame.lang} charts={charts} idPrefix="dash" />
    </>,
  );
}
