/**
 * Runs the SMSC simulator on its own: `bun smpp/simulator/cli.ts`.
 * SIMULATOR_PORT (default 2776), SIMULATOR_HOST (default 0.0.0.0), SIMULATOR_RECEIPT_DELAY_MS (200);
 * SIMULATOR_MESSAGE_ID_FORMAT (hex, hex-lower, hex-unpadded, decimal, decimal-padded; default hex) and
 * SIMULATOR_RECEIPT_ID_FORMAT (the receipt text's id: form; default the same) to mimic an SMSC that
 * issues decimal ids or writes another form in its receipts; SIMULATOR_FIRST_MESSAGE_ID;
 * SIMULATOR_RECEIPT_BINDS=rotate spreads receipts over the binds of an account (several proxies).
 */
import type { MessageIdFormat } from "./message-ids.ts";
import { startSimulator } from "./simulator.ts";

const FORMATS: readonly MessageIdFormat[] = ["hex", "hex-lower", "hex-unpadded", "decimal", "decimal-padded"];

function format(name: string): MessageIdFormat | undefined {
  const value = process.env[name];
  if (value === undefined) return undefined;
  if (!(FORMATS as readonly string[]).includes(value)) throw new Error(`${name} must be one of ${FORMATS.join(", ")}`);
  return value as MessageIdFormat;
}

if (import.meta.main) {
  const simulator = await startSimulator({
    host: process.env.SIMULATOR_HOST ?? "0.0.0.0",
    port: Number(process.env.SIMULATOR_PORT ?? 2776),
    receiptDelayMs: Number(process.env.SIMULATOR_RECEIPT_DELAY_MS ?? 200),
    messageIdFormat: format("SIMULATOR_MESSAGE_ID_FORMAT"),
    receiptIdFormat: format("SIMULATOR_RECEIPT_ID_FORMAT"),
    ...(process.env.SIMULATOR_FIRST_MESSAGE_ID && { firstMessageId: Number(process.env.SIMULATOR_FIRST_MESSAGE_ID) }),
    receiptBinds: process.env.SIMULATOR_RECEIPT_BINDS === "rotate" ? "rotate" : "origin",
  });
  console.log(`SMSC simulator listening on ${simulator.host}:${simulator.port} (any credentials bind)`);
  const shutdown = () => void simulator.stop().then(() => process.exit(0));
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
