/**
 * A typed wrapper over EventEmitter. The wire layer never emits an event named "error", so a
 * missing listener can never crash the process (Node throws on unhandled "error" events).
 */
import { EventEmitter } from "node:events";

export type EventMap = { [name: string]: (...args: never[]) => void };

export class TypedEmitter<Events extends EventMap> {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Many sessions may listen on one pool or server; silence the leak warning, not the bug.
    this.emitter.setMaxListeners(0);
  }

  on<K extends keyof Events & string>(name: K, listener: Events[K]): this {
    this.emitter.on(name, listener as unknown as (...args: unknown[]) => void);
    return this;
  }

  once<K extends keyof Events & string>(name: K, listener: Events[K]): this {
    this.emitter.once(name, listener as unknown as (...args: unknown[]) => void);
    return this;
  }

  off<K extends keyof Events & string>(name: K, listener: Events[K]): this {
    this.emitter.off(name, listener as unknown as (...args: unknown[]) => void);
    return this;
  }

  protected emit<K extends keyof Events & string>(name: K, ...args: Parameters<Events[K]>): void {
    // A throwing listener must not unwind into socket handling code: isolate it.
    try {
      this.emitter.emit(name, ...args);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}
