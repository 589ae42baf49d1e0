/**
 * A small typed event emitter. Listeners that throw are reported on a later tick instead of
 * unwinding into socket code, and no event is ever named "error" (Node would throw when nobody
 * listens to one).
 */
import { EventEmitter } from "node:events";

export type Listener = (...args: never[]) => void;
type Raw = (...args: unknown[]) => void;

export class Emitter<Events extends Record<string, Listener>> {
  readonly #inner = new EventEmitter().setMaxListeners(0);

  on<K extends keyof Events & string>(name: K, listener: Events[K]): this {
    this.#inner.on(name, listener as unknown as Raw);
    return this;
  }

  once<K extends keyof Events & string>(name: K, listener: Events[K]): this {
    this.#inner.once(name, listener as unknown as Raw);
    return this;
  }

  off<K extends keyof Events & string>(name: K, listener: Events[K]): this {
    this.#inner.off(name, listener as unknown as Raw);
    return this;
  }

  protected emit<K extends keyof Events & string>(name: K, ...args: Parameters<Events[K]>): void {
    try {
      this.#inner.emit(name, ...args);
    } catch (error) {
      setImmediate(() => {
        throw error;
      });
    }
  }
}
