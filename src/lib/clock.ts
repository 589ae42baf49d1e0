/**
 * Clocks, injected rather than read, so tests can pass a fake one.
 *
 * - `Clock` is wall time in epoch milliseconds (`Date.now`): what is recorded (journal rows,
 *   routes, receipts, lockouts) and what China-day arithmetic (src/lib/dates.ts) runs on.
 * - `MonotonicClock` is elapsed milliseconds that never jump back when the system time is set
 *   (`performance.now`): what the SMPP wire layer's timers measure (request timeouts, enquire_link
 *   and inactivity, bind, partial-PDU and write-stall timeouts, queue waits, drain deadlines).
 */
export type Clock = () => number;
export type MonotonicClock = () => number;

export const systemClock: Clock = () => Date.now();
export const monotonicClock: MonotonicClock = () => performance.now();
