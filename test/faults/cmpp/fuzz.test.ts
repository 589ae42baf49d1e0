/** The CMPP fuzz (fuzz-runner.ts) against the bare CMPP layer: a server whose application accepts everything. */
import { createCmppServer } from "../../../cmpp/session/server.ts";
import { defineCmppFuzz } from "./fuzz-runner.ts";

const SECRET = "fuzz-secret";

defineCmppFuzz("malformed CMPP fuzz", async () => {
  let asyncFlip = 0;
  const server = await createCmppServer<unknown>({
    port: 0,
    host: "127.0.0.1",
    activeTestIntervalMs: 0,
    partialFrameTimeoutMs: 200,
    maxConnectionsPerAddress: 1000,
    handlers: {
      authenticate: ({ sourceAddr }) => ({ ok: true, secret: SECRET, context: sourceAddr }),
      // Every other answer is asynchronous, so the inbound window fills and Result 8 gets exercised.
      submit: () => (asyncFlip++ % 2 === 0 ? { result: 0, msgId: 1n } : new Promise((r) => setImmediate(() => r({ result: 0, msgId: 2n })))),
    },
  });
  return {
    server,
    stop: () => server.stop(500),
    secret: SECRET,
    workerCode: (index) => `9${String(index).padStart(5, "0")}`,
    control: { code: "100000", submit: { srcId: "1069000", dest: ["13800000001"], content: Buffer.from("control") } },
  };
});
