/** Our outstanding requests: the window, Sequence_Id allocation and wrap, timeouts, matching. */
import { describe, expect, it } from "vitest";
import { PendingRequests } from "../../../cmpp/session/pending.ts";

describe("PendingRequests", () => {
  it("allocates 1, 2, ... wraps after 0xFFFFFFFF to 1 and skips numbers still in flight", () => {
    const p = new PendingRequests(16, 1000);
    expect([p.nextSequence(), p.nextSequence()]).toEqual([1, 2]);
    void p.add(3, 0x80000005, 0).catch(() => {});
    expect(p.nextSequence()).toBe(4);
    (p as unknown as { last: number }).last = 0xfffffffe;
    expect(p.nextSequence()).toBe(0xffffffff);
    expect(p.nextSequence()).toBe(1);
    expect(p.nextSequence()).toBe(2);
    expect(p.nextSequence()).toBe(4); // 3 is still waiting
  });

  it("a response settles only the request with its Sequence_Id and the matching Command_Id", async () => {
    const p = new PendingRequests(16, 1000);
    const waiting = p.add(7, 0x80000005, 0);
    expect(p.take(7, 0x80000004)).toBeUndefined(); // a SUBMIT_RESP does not answer a DELIVER
    const entry = p.take(7, 0x80000005);
    entry!.resolve(Uint8Array.of(1));
    expect(await waiting).toEqual(Uint8Array.of(1));
    expect(p.size).toBe(0);
  });

  it("the window counts what is in flight; sweep rejects in deadline order", async () => {
    const p = new PendingRequests(2, 100);
    const a = p.add(1, 0x80000005, 0);
    const b = p.add(2, 0x80000005, 50);
    expect(p.hasRoom).toBe(false);
    p.sweep(120);
    await expect(a).rejects.toMatchObject({ reason: "timeout" });
    expect(p.size).toBe(1);
    p.rejectAll("closed", "bye");
    await expect(b).rejects.toMatchObject({ reason: "closed" });
  });
});
