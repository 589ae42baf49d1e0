/**
 * Abuse of the CMPP session that takes seconds: a peer that floods requests without reading
 * the answers. The server must stop reading rather than buffer answers without bound.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createCmppServer, type CmppServer } from "../../../cmpp/session/server.ts";
import * as spec from "../../cmpp/spec-client.ts";
import { SpecClient } from "../../cmpp/spec-client.ts";

const servers: CmppServer[] = [];
const clients: SpecClient[] = [];
const secrets: Record<string, string> = { "900001": "888888", "900002": "s3cr3t" };

async function start(options: { maxOutputBufferBytes: number }) {
  const server = await createCmppServer({
    port: 0, host: "127.0.0.1", activeTestIntervalMs: 0, ...options,
    handlers: {
      authenticate: ({ sourceAddr }) => (secrets[sourceAddr] ? { ok: true, secret: secrets[sourceAddr]!, context: sourceAddr } : { ok: false, status: 2 }),
      submit: () => ({ result: 0, msgId: 1n }),
    },
  });
  servers.push(server);
  return server;
}

async function connected(port: number, versionByte: number, sourceAddr = "900001") {
  const c = await SpecClient.open(port);
  clients.push(c);
  expect((await c.connect({ sourceAddr, secret: secrets[sourceAddr]!, versionByte })).status).toBe(0);
  return c;
}

const sms = (text: string): spec.SubmitSpec => ({ srcId: "1069000", dest: ["13800000001"], content: Buffer.from(text) });

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.stop(200)));
});

describe("CMPP back-pressure", () => {
  it("an SP that sends without reading its answers: the server stops reading instead of buffering them", async () => {
    const server = await start({ maxOutputBufferBytes: 64 * 1024 });
    const c = await connected(server.port, 0x30);
    const [session] = [...server.sessions()];
    c.socket.pause(); // never read
    const burst = Buffer.concat(Array.from({ length: 20_000 }, (_, i) => spec.activeTestFrame(i + 1)));
    let maxBuffered = 0;
    // Send until the kernel's socket buffers are full and answers start to queue in the process
    // (a few MB on loopback), then 10 bursts more.
    let more = 10;
    for (let i = 0; i < 200 && more > 0; i++) {
      c.send(burst); // 20,000 ACTIVE_TESTs (240 kB) → 260 kB of answers
      await new Promise((r) => setTimeout(r, 5));
      maxBuffered = Math.max(maxBuffered, session!.outputBuffered);
      if (maxBuffered > 0) more--;
    }
    await new Promise((r) => setTimeout(r, 100));
    maxBuffered = Math.max(maxBuffered, session!.outputBuffered);
    console.log(`largest output buffer: ${maxBuffered} bytes`);
    // One socket chunk of requests (≤ 64 kB → ≤ 70 kB of answers) past the limit at most.
    expect(maxBuffered).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThan(64 * 1024 + 80 * 1024);
    c.socket.resume();
    const other = await connected(server.port, 0x20, "900002");
    expect((await other.submit(1, 2, sms("fine"))).result).toBe(0);
  });

});
