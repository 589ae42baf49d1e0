/** Sign-in: a form that posts the bearer token once (never in a URL). */
import type { ConsoleContext } from "../auth.ts";
import { issueLoginNonce } from "../auth.ts";
import type { MessageKey } from "../i18n.ts";
import { frameOf } from "../layout.tsx";
import { render } from "../page.tsx";

export function loginPage(c: ConsoleContext, options: { error?: MessageKey; next?: string; status?: 200 | 401 | 403 | 429 } = {}) {
  const frame = frameOf(c);
  const { t } = frame;
  const nonce = issueLoginNonce(c);
  return render(
    c,
    t("auth.signIn"),
    <form class="login" method="post" action="/console/login" autocomplete="off">
      {options.error ? (
        <p class="error" role="alert">
          {t(options.error)}
        </p>
      ) : null}
      <input type="hidden" name="_login" value={nonce} />
      {options.next ? <input type="hidden" name="next" value={options.next} /> : null}
      <label for="token">{t("auth.token")}</label>
      <input id="token" name="token" type="password" required minlength={8} maxlength={200} autocomplete="off" spellcheck={false} aria-describedby="token-help" />
      <p id="token-help" class="muted">
        {t("auth.tokenHelp")}
      </p>
      <button type="submit">{t("auth.signIn")}</button>
    </form>,
    options.status ?? 200,
  );
}
