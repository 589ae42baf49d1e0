/** SMPP over TLS: a throwaway self-signed certificate made with openssl for this test only. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectSmpp } from "../../../smpp/session/client.ts";
import { createSmppServer } from "../../../smpp/session/server.ts";

function throwawayCertificate(): { key: string; cert: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), "smpp-tls-"));
  try {
    const run = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stderr: "pipe" });
    if (run.exitCode !== 0) return undefined;
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } catch {
    return undefined; // no openssl binary
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const certificate = typeof Bun !== "undefined" ? throwawayCertificate() : undefined;
if (!certificate) console.warn("tls.test.ts: openssl is not available; skipping the TLS bind test");

describe("TLS", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it.skipIf(!certificate)("binds and submits over smpps:// while the plain port keeps working", async () => {
    const server = await createSmppServer<unknown>({
      port: 0, host: "127.0.0.1", tls: { port: 0, key: certificate!.key, cert: certificate!.cert },
      handlers: { authenticate: () => ({ ok: true, context: {} }), submitSm: (session) => ({ status: 0, messageId: `TLS-${session.systemId}` }) },
    });
    cleanups.push(() => server.stop(300));
    expect(server.tlsPort).toBeGreaterThan(0);
    expect(server.tlsPort).not.toBe(server.port);

    const secure = await connectSmpp({ url: `smpps://sp_tls:pw@localhost:${server.tlsPort}`, tls: { ca: certificate!.cert } });
    cleanups.push(() => secure.close());
    expect(await secure.submitSm({ destinationAddr: "13800000001", shortMessage: Buffer.from("hi") })).toEqual({ status: 0, messageId: "TLS-sp_tls" });

    const plain = await connectSmpp({ url: `smpp://sp_plain:pw@127.0.0.1:${server.port}` });
    cleanups.push(() => plain.close());
    expect((await plain.submitSm({ destinationAddr: "13800000002" })).messageId).toBe("TLS-sp_plain");
  });

  it.skipIf(!certificate)("refuses a client that does not trust the certificate", async () => {
    const server = await createSmppServer<unknown>({
      port: 0, host: "127.0.0.1", tls: { port: 0, key: certificate!.key, cert: certificate!.cert },
      handlers: { authenticate: () => ({ ok: true, context: {} }) },
    });
    cleanups.push(() => server.stop(300));
    await expect(connectSmpp({ url: `smpps://sp:pw@localhost:${server.tlsPort}`, connectTimeoutMs: 2000 })).rejects.toThrow();
  });
});
