/** The connection's timers run on the injected monotonic clock, not on the wall clock. */
import { afterEach, describe, expect, it } from "vitest";
import { createSmppServer, type SmppServer } from "../../../smpp/session/server.ts";
import { encodeBind } from "../../../smpp/wire/index.ts";
import { rawPeer, waitFor } from "../../helpers/raw-peer.ts";

let server: SmppServer | undefined;
afterEach(async () => {
  await server?.stop(300);
  server = undefined;
});

describe("connection timers on an injected clock", () => {
  it("closes a silent peer when the fake clock passes the inactivity timeout, and not before", async () => {
    let now = 1_000_000;
    server = await createSmppServer<unknown>({
      port: 0, host: "127.0.0.1", inactivityTimeoutMs: 60_000, now: () => now,
      handlers: { authenticate: () => ({ ok: true, context: {} }) },
    });
    const peer = await rawPeer(server.port);
    peer.send(encodeBind("transceiver", 1, { systemId: "sp", password: "pw" }));
    await peer.next();
    const session = [...server.sessions()][0]!;
    // Real time passes (the timer ticks every second here), the fake clock stays 1 ms short.
    now += 59_999;
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(session.state).not.toBe("closed");
    now += 1;
    await waitFor(() => session.state === "closed", 3000, "the inactivity close");
    expect(session.closeReason).toBe("inactivity timeout");
    peer.socket.destroy();
  });
});
