/**
 * A seeded random stream (mulberry32): the same seed gives the same draws on every
 * platform. Its whole state is one 32-bit number (`state`), so it can be saved and
 * restored (a trial's checkpoint does). Random search draws its points from it, and a
 * trial its weight initialisation, per-epoch shuffles and dropout masks.
 */
export class SeededRandom {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Uniform in [0, 2^32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** `count` values uniform in [low, high). */
  uniform(count: number, low: number, high: number): Float32Array {
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = low + (high - low) * this.next();
    return values;
  }

  /** Fisher–Yates shuffle in place. */
  shuffle(indices: Uint32Array): Uint32Array {
    for (let i = indices.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const swap = indices[i] as number;
      indices[i] = indices[j] as number;
      indices[j] = swap;
    }
    return indices;
  }
}

/** `SeededRandom(seed).next` as a function: uniform draws on [0, 1). */
export function seededRandom(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}
