/**
 * A small seeded generator (xorshift32) for the randomized tests. The seed comes from
 * CORE_TEST_SEED when set, so a failing run can be replayed, and each test prints the seed it used.
 */
export const DEFAULT_SEED = 0x9e3779b9;

export function testSeed(): number {
  const text = process.env.CORE_TEST_SEED;
  if (text === undefined) return DEFAULT_SEED;

  const seed = Number(text);
  if (!Number.isInteger(seed) || seed <= 0 || seed > 0xffffffff) {
    throw new RangeError(`CORE_TEST_SEED ${text} is not an integer from 1 to 4294967295`);
  }
  return seed;
}

export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }

  /** Returns the next 32-bit value. */
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }

  /** Returns an integer from 0 to `limit` - 1. */
  below(limit: number): number {
    return this.next() % limit;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}
