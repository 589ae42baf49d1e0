/** The activity sections an object's page (an SP, a port) shows around its own tables. */
import type { Child } from "hono/jsx";
import type { Directory } from "../directory.ts";
import { DateRangeFields, FilterForm } from "../forms.tsx";
import type { PageFrame } from "../layout.tsx";
import { DataTable } from "../lists.tsx";
import { ChartCards } from "./dashboard.tsx";
import { refusalColumns, type listRefusalsPage } from "./refusals.tsx";

/**
 * The date range form and the traffic charts first, then the page's own tables (children), then
 * the latest refusals with a link to all of them.
 */
export function ObjectActivity(props: {
  frame: PageFrame;
  /** The page's own URL (the date range form submits to it). */
  action: string;
  range: { from: string; to: string };
  charts: Parameters<typeof ChartCards>[0]["charts"];
  idPrefix: string;
  refusals: Awaited<ReturnType<typeof listRefusalsPage>>["items"];
  directory: Directory;
  /** The refusals list filtered to this object. */
  allRefusals: string;
  children?: Child;
}) {
  const { frame } = props;
  const { t, lang } = frame;
  return (
    <>
      <FilterForm frame={frame} action={props.action}>
        <DateRangeFields frame={frame} from={props.range.from} to={props.range.to} />
      </FilterForm>
      <h2>{t("section.traffic")}</h2>
      <ChartCards t={t} lang={lang} charts={props.charts} idPrefix={props.idPrefix} />
      {props.children}
      <h2>{t("section.refusals")}</h2>
      <DataTable frame={frame} rows={props.refusals} columns={refusalColumns(lang, props.directory)} />
      <p>
        <a href={props.allRefusals}>{t("section.allRefusals")} →</a>
      </p>
    </>
  );
}
