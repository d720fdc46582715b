/**
 * A small seeded pseudo-random generator (32-bit state, Weyl sequence plus an integer mix), so
 * that the same seed always gives the same demo data. Not for anything secret.
 */
export class Random {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** A copy in the same state: replays exactly what this one will produce next. */
  fork(): Random {
    return new Random(this.state)
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0
    let z = this.state
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
    return ((z ^ (z >>> 15)) >>> 0) / 4294967296
  }

  /** A whole number from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** A float from min (included) to max (excluded). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min)
  }

  chance(probability: number): boolean {
    return this.next() < probability
  }

  pick<T>(list: readonly T[]): T {
    if (!list.length) throw new RangeError('pick from an empty list')
    return list[Math.floor(this.next() * list.length)]
  }

  /** One of the choices, each as likely as its weight says. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0
    for (const [, weight] of choices) total += weight
    let r = this.next() * total
    for (const [value, weight] of choices) {
      r -= weight
      if (r < 0) return value
    }
    return choices[choices.length - 1][0]
  }
}

/**
 * Picks indexes 0..n-1 with the given weights in O(log n) per pick (a cumulative table
 * searched by bisection): for choosing among thousands of clients a million times.
 */
export class WeightedIndex {
  private readonly cumulative: Float64Array

  constructor(weights: ArrayLike<number>) {
    this.cumulative = new Float64Array(weights.length)
    let sum = 0
    for (let i = 0; i < weights.length; i++) {
      sum += weights[i]
      this.cumulative[i] = sum
    }
  }

  pick(rng: Random): number {
    const c = this.cumulative
    const r = rng.next() * c[c.length - 1]
    let lo = 0
    let hi = c.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (c[mid] > r) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}
