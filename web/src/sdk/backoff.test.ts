import { describe, expect, it } from 'vitest'
import { backoffDelay, maxBackoffMs } from './backoff'

const almostOne = () => 0.999999

describe('backoffDelay', () => {
  it('is zero at the low end of the jitter', () => {
    for (let n = 0; n < 40; n++) expect(backoffDelay(n, () => 0)).toBe(0)
  })

  it('is bounded by 0.5 s × 2ⁿ', () => {
    expect(backoffDelay(0, almostOne)).toBeLessThan(500)
    expect(backoffDelay(0, almostOne)).toBeGreaterThanOrEqual(499)
    expect(backoffDelay(1, almostOne)).toBeLessThan(1000)
    expect(backoffDelay(2, almostOne)).toBeLessThan(2000)
    expect(backoffDelay(5, almostOne)).toBeLessThan(16000)
    expect(backoffDelay(5, almostOne)).toBeGreaterThanOrEqual(15999)
  })

  it('never exceeds 30 s, even for huge attempt counts', () => {
    for (const n of [6, 7, 10, 100, 2000, Number.MAX_SAFE_INTEGER]) {
      const d = backoffDelay(n, almostOne)
      expect(d).toBeLessThan(maxBackoffMs)
      expect(d).toBeGreaterThanOrEqual(maxBackoffMs - 1)
    }
  })

  it('stays within bounds with real randomness', () => {
    for (let i = 0; i < 1000; i++) {
      const n = i % 12
      const d = backoffDelay(n)
      expect(d).toBeGreaterThanOrEqual(0)
      expect(d).toBeLessThan(Math.min(maxBackoffMs, 500 * 2 ** n))
    }
  })

  it('treats a negative count as zero', () => {
    expect(backoffDelay(-3, almostOne)).toBeLessThan(500)
  })
})
