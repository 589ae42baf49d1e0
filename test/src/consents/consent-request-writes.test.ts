import { expect, it } from "vitest";
import pino from "pino";
import { consentRequestWrites } from "../../../src/consents/consent-request-writes.ts";
import type { ServiceContext } from "../../../src/context.ts";
import { sleep } from "../../helpers/wait.ts";

/**
 * The request's write runs in the background; a 是/Y for the same recipient × enterprise must not
 * be judged before it has committed (on PostgreSQL's pool the reply's transaction could run first
 * and find no request: the SMPP consent test failed so under load).
 */
it("a reply waits for its request's write still under way on this proxy; other pairs do not wait", async () => {
  const events: string[] = [];
  const context = () => ({}) as ServiceContext;
  const writes = consentRequestWrites({ request: context, reply: context }, pino({ level: "silent" }), {
    note: async (_ctx, sent) => {
      await sleep(sent.recipientHash === "slow" ? 200 : 0);
      events.push(`written ${sent.recipientHash}`);
    },
    answer: async (_ctx, reply) => {
      events.push(`judged ${reply.recipientHash}`);
      return true;
    },
  });
  const request = (recipientHash: string) => ({ recipientHash, recipientMask: "138****0001", enterpriseId: "ent", at: Date.now() });
  const reply = (recipientHash: string) => ({ recipientHash, recipientMask: "138****0001", enterpriseId: "ent", evidenceRef: "mo:1069:1" });

  writes.sent(request("slow"));
  const slowReply = writes.reply(reply("slow"));
  await writes.reply(reply("other"));
  await slowReply;
  expect(events).toEqual(["judged other", "written slow", "judged slow"]);
  // A failed write does not block the reply for ever.
  const failing = consentRequestWrites({ request: context, reply: context }, pino({ level: "silent" }), {
    note: async () => Promise.reject(new Error("database down")),
    answer: async () => false,
  });
  failing.sent(request("x"));
  expect(await failing.reply(reply("x"))).toBe(false);
});
