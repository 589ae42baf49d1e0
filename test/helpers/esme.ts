// node-smpp is the independent, real ESME in these tests: it checks our wire format against
// another implementation.
import smpp from "smpp";

export interface EsmeMessage {
  command: string;
  source_addr: string;
  destination_addr: string;
  esm_class: number;
  short_message: { message?: string | Buffer; udh?: Buffer[] } | Buffer | string;
  receipted_message_id?: string;
  message_state?: number;
}

export interface Esme {
  session: any;
  /** deliver_sm received (receipts and MO), in order. */
  delivered: EsmeMessage[];
  submit(fields: Record<string, unknown>): Promise<{ status: number; messageId: string; pdu: any }>;
  submitMulti(fields: Record<string, unknown>): Promise<{ status: number; messageId: string; unsuccess: { destination_addr: string; error_status_code: number }[] }>;
  waitForDelivery(predicate: (message: EsmeMessage) => boolean, timeoutMs?: number): Promise<EsmeMessage>;
  close(): Promise<void>;
}

export interface EsmeOptions {
  /** Answer each deliver_sm after this many ms (a slow SP); default at once. */
  ackDelayMs?: () => number;
  /** The deliver_sm_resp command_status (default 0). */
  ackStatus?: (message: EsmeMessage) => number;
}

export async function connectEsme(
  port: number,
  credentials: { systemId: string; password: string },
  mode: "transceiver" | "transmitter" | "receiver" = "transceiver",
  options: EsmeOptions = {},
): Promise<Esme> {
  const session = smpp.connect({ url: `smpp://127.0.0.1:${port}`, auto_enquire_link_period: 0 });
  session.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    session.once("connect", () => resolve());
    session.once("error", reject);
  });
  const delivered: EsmeMessage[] = [];
  const waiters = new Set<{ predicate: (m: EsmeMessage) => boolean; resolve: (m: EsmeMessage) => void }>();
  session.on("deliver_sm", (pdu: any) => {
    const status = options.ackStatus?.(pdu as EsmeMessage) ?? 0;
    const respond = () => session.send(pdu.response({ command_status: status }));
    const delay = options.ackDelayMs?.() ?? 0;
    if (delay > 0) setTimeout(respond, delay);
    else respond();
    if (status !== 0) return; // refused: the SMSC side sends it again
    const message = pdu as EsmeMessage;
    delivered.push(message);
    for (const waiter of waiters) if (waiter.predicate(message)) {
      waiters.delete(waiter);
      waiter.resolve(message);
    }
  });
  // Bound only now, with the deliver_sm handler in place: a held receipt may come in the same
  // read as the bind_resp (node-smpp emits it at once), as a real SP's handler would take it.
  const bind = await new Promise<any>((resolve) => session[`bind_${mode}`]({ system_id: credentials.systemId, password: credentials.password }, resolve));
  if (bind.command_status !== 0) {
    session.close();
    const error = new Error(`bind refused: 0x${bind.command_status.toString(16)}`) as Error & { status: number };
    error.status = bind.command_status;
    throw error;
  }
  return {
    session,
    delivered,
    submit: (fields) =>
      new Promise((resolve) => session.submit_sm(fields, (pdu: any) => resolve({ status: pdu.command_status, messageId: pdu.message_id ?? "", pdu }))),
    submitMulti: (fields) =>
      new Promise((resolve) =>
        session.submit_multi(fields, (pdu: any) => resolve({ status: pdu.command_status, messageId: pdu.message_id ?? "", unsuccess: pdu.unsuccess_sme ?? [] })),
      ),
    waitForDelivery(predicate, timeoutMs = 5000) {
      const found = delivered.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error(`no matching deliver_sm within ${timeoutMs} ms (got ${delivered.length})`));
        }, timeoutMs).unref?.();
      });
    },
    async close() {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          session.destroy?.();
          resolve();
        }, 1000);
        session.unbind(() => {
          clearTimeout(timer);
          session.close();
          resolve();
        });
      });
    },
  };
}

export function shortMessageText(message: EsmeMessage): string {
  const sm = message.short_message as any;
  const value = sm?.message ?? sm;
  return Buffer.isBuffer(value) ? value.toString("latin1") : String(value ?? "");
}
