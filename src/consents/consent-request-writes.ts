import type { Logger } from "pino";
import type { ServiceContext } from "../context.ts";
import { noteConsentRequest, recordConsentReply, type ConsentReply, type ConsentRequestSent } from "./consent-requests.service.ts";

/**
 * The proxy's two consent-request hooks, so that a reply never overtakes its own request. The
 * proxy refuses a second request at once from its snapshot, but writes the request to the database
 * in the background (the SP's answer does not wait for it). A 是/Y arriving before that write has
 * committed would find no request and record nothing; so a reply first waits for any write of a
 * request to the same recipient × enterprise still under way on this proxy. (A reply reaching
 * another proxy within those milliseconds is not covered: it sees the request once announced.)
 */
export function consentRequestWrites(
  contexts: { request: () => ServiceContext; reply: () => ServiceContext },
  logger: Logger,
  services: { note: typeof noteConsentRequest; answer: typeof recordConsentReply } = { note: noteConsentRequest, answer: recordConsentReply },
) {
  const pending = new Map<string, Promise<void>>();
  const keyOf = (recipientHash: string, enterpriseId: string) => `${recipientHash}|${enterpriseId}`;
  return {
    sent(sent: Omit<ConsentRequestSent, "at"> & { at: number }): void {
      const key = keyOf(sent.recipientHash, sent.enterpriseId);
      const write: Promise<void> = services.note(contexts.request(), { ...sent, at: new Date(sent.at) })
        .catch((error) => logger.warn({ err: error }, "could not persist a consent request; other proxies learn of it only on their next reload"))
        .finally(() => {
          if (pending.get(key) === write) pending.delete(key);
        });
      pending.set(key, write);
    },
    async reply(reply: ConsentReply): Promise<boolean> {
      await pending.get(keyOf(reply.recipientHash, reply.enterpriseId));
      return services.answer(contexts.reply(), reply);
    },
  };
}
