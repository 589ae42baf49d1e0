/**
 * Strings numbered in the order first seen (0, 1, 2 …), for typed-array tables that store an
 * ordinal where a Map would hold the string: enterprise and port ids, bounded by the registry and
 * kept for the life of the process.
 */
export class Interned {
  private readonly ordinals = new Map<string, number>();
  private readonly ids: string[] = [];

  /** The string's ordinal, numbering it if it is new. */
  ordinal(id: string): number {
    let ordinal = this.ordinals.get(id);
    if (ordinal === undefined) {
      ordinal = this.ids.push(id) - 1;
      this.ordinals.set(id, ordinal);
    }
    return ordinal;
  }

  /** The string's ordinal, or undefined when it was never numbered. */
  known(id: string): number | undefined {
    return this.ordinals.get(id);
  }

  id(ordinal: number): string {
    return this.ids[ordinal]!;
  }
}
