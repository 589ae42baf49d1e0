/** What every page handler needs: the service context of the signed-in actor and a way to render. */
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ServiceContext } from "../context.ts";
import type { ConsoleContext } from "./auth.ts";
import type { MessageKey } from "./i18n.ts";
import { Layout, frameOf } from "./layout.tsx";

/** The same context the API builds for a request: database, actor and the time, once. */
export function serviceContextOf(c: ConsoleContext): ServiceContext {
  const deps = c.get("deps");
  return { db: deps.database.db, actor: c.get("actor"), now: deps.clock(), pii: deps.pii, secrets: deps.secrets };
}

export function render(c: ConsoleContext, title: string, body: Child, status: ContentfulStatusCode = 200) {
  return c.html(
    <Layout frame={frameOf(c)} title={title}>
      {body}
    </Layout>,
    status,
  );
}

/** After a POST the console redirects (303) with `?notice=<one of these>`; the text comes from i18n, never from the URL. */
const notices = {
  approved: "sig.approved",
  rejected: "sig.rejected",
  decided: "reviews.decided",
  closed: "reviews.closed",
  started: "reviews.started",
} as const satisfies Record<string, MessageKey>;
export type NoticeCode = keyof typeof notices;

export function Notice(props: { c: ConsoleContext }) {
  const code = props.c.req.query("notice");
  if (!code || !(code in notices)) return null;
  return (
    <p class="notice" role="status">
      {props.c.get("t")(notices[code as NoticeCode])}
    </p>
  );
}

export function redirectWithNotice(c: ConsoleContext, path: string, notice: NoticeCode) {
  return c.redirect(`${path}${path.includes("?") ? "&" : "?"}notice=${notice}`, 303);
}

export function errorPage(c: ConsoleContext, status: ContentfulStatusCode, message: string, details?: string[]) {
  const t = c.get("t");
  return render(
    c,
    t("error.title"),
    <div class="error" role="alert">
      <p>{message}</p>
      {details?.length ? (
        <ul>
          {details.map((detail) => (
            <li>{detail}</li>
          ))}
        </ul>
      ) : null}
      <p>
        <a href="/console/dashboard">{t("error.back")}</a>
      </p>
    </div>,
    status,
  );
}
