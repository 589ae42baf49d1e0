/**
 * Runs the SMSC simulator on its own: `bun smpp/simulator/cli.ts`.
 * SIMULATOR_PORT (default 2776), SIMULATOR_HOST (default 0.0.0.0), SIMULATOR_RECEIPT_DELAY_MS (200).
 */
import { startSimulator } from "./simulator.ts";

if (import.meta.main) {
  const simulator = await startSimulator({
    host: process.env.SIMULATOR_HOST ?? "0.0.0.0",
    port: Number(process.env.SIMULATOR_PORT ?? 2776),
    receiptDelayMs: Number(process.env.SIMULATOR_RECEIPT_DELAY_MS ?? 200),
  });
  console.log(`SMSC simulator listening on ${simulator.host}:${simulator.port} (any credentials bind)`);
  const shutdown = () => void simulator.stop().then(() => process.exit(0));
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}
