/** The longest wait between two connection attempts (reconnect contract, step 2). */
export const maxBackoffMs = 30_000
const baseBackoffMs = 500

/**
 * The delay before the next connection attempt: a random value in [0, min(30 s, 0.5 s × 2ⁿ)], where `attempts` (n)
 * counts the attempts since the last `ready`. `random` returns a value in [0, 1), as Math.random does.
 */
export function backoffDelay(attempts: number, random: () => number = Math.random): number {
  const n = Math.max(0, Math.floor(attempts))
  // 2^n overflows to Infinity for large n; min() keeps the ceiling at 30 s.
  const ceiling = Math.min(maxBackoffMs, baseBackoffMs * 2 ** n)
  return Math.floor(random() * ceiling)
}
