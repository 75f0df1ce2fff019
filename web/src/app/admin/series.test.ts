import { describe, expect, it } from 'vitest'
import type { NodeStats, ServerStats } from './adminApi'
import { RingBuffer, compact, minSpanMs, niceMax, plot, ratio, ticks, toSample, topOf, windowMs } from './series'

function node(over: Partial<NodeStats> = {}): NodeStats {
  return {
    nodeId: 'n1', host: 'h', version: '1', startedAt: '2026-01-01T00:00:00Z', uptimeSeconds: 10, openSockets: 3,
    authenticatedSockets: 3, connectedUsers: 2, messagesPerSecond: 5, framesInPerSecond: 6, framesOutPerSecond: 7,
    messagesStored: 100, groupCommitBatches: 10, batchesPerSecond: 1, storeLatencyMs: 4, gcHeapBytes: 2 * 1024 * 1024,
    workingSetBytes: 0, threadPoolThreads: 4, threadPoolQueueLength: 1, ...over,
  }
}

function stats(at: string, nodes: NodeStats[]): ServerStats {
  const sum = (f: (n: NodeStats) => number) => nodes.reduce((s, n) => s + f(n), 0)
  return {
    at,
    total: {
      nodes: nodes.length, openSockets: sum((n) => n.openSockets), authenticatedSockets: sum((n) => n.authenticatedSockets),
      connectedUsers: sum((n) => n.connectedUsers), messagesPerSecond: sum((n) => n.messagesPerSecond),
      framesInPerSecond: sum((n) => n.framesInPerSecond), framesOutPerSecond: sum((n) => n.framesOutPerSecond),
      messagesStored: sum((n) => n.messagesStored), groupCommitBatches: sum((n) => n.groupCommitBatches), gcHeapBytes: sum((n) => n.gcHeapBytes),
    },
    nodes,
  }
}

describe('RingBuffer', () => {
  it('keeps the newest items, oldest first, once full', () => {
    const ring = new RingBuffer<number>(3)
    for (const n of [1, 2, 3, 4, 5]) ring.push(n)
    expect(ring.toArray()).toEqual([3, 4, 5])
    expect(ring.size).toBe(3)
    expect(ring.last).toBe(5)
  })

  it('is empty at first and refuses no capacity', () => {
    expect(new RingBuffer<number>(2).toArray()).toEqual([])
    expect(new RingBuffer<number>(2).last).toBeUndefined()
    expect(() => new RingBuffer<number>(0)).toThrow(RangeError)
  })
})

describe('toSample', () => {
  it('sums the nodes, weights store latency by transactions, and takes batch size from the counters', () => {
    const first = toSample(stats('2026-01-01T00:00:00Z', [node(), node({ nodeId: 'n2', storeLatencyMs: 10, batchesPerSecond: 3 })]))
    const second = toSample(stats('2026-01-01T00:00:02Z', [
      node({ messagesStored: 130, groupCommitBatches: 13 }), node({ nodeId: 'n2', messagesStored: 130, groupCommitBatches: 12 }),
    ]), first)

    expect(first.sockets).toBe(6)
    expect(first.users).toBe(4)
    expect(first.storeLatencyMs).toBeCloseTo((4 * 1 + 10 * 3) / 4)
    expect(first.batchSize).toBeNull()
    expect(first.gcHeapMb).toBe(4)
    expect(first.threadPoolQueue).toBe(2)
    // 60 more messages in 5 more transactions.
    expect(second.batchSize).toBe(12)
    expect(second.at - first.at).toBe(2000)
  })

  it('has no store latency when no transaction ran', () => {
    expect(toSample(stats('2026-01-01T00:00:00Z', [node({ storeLatencyMs: null, batchesPerSecond: 0 })])).storeLatencyMs).toBeNull()
  })
})

describe('ratio', () => {
  it('is a rate only when the divisor moved and no counter went back', () => {
    expect(ratio(60, 5)).toBe(12)
    expect(ratio(10, 0)).toBeNull()
    expect(ratio(-5, 2)).toBeNull()
  })
})

describe('scales', () => {
  it('rounds a top up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.3, 1, 1.2, 3, 7, 10, 11, 4200, 50_001].map(niceMax)).toEqual([1, 0.5, 1, 2, 5, 10, 10, 20, 5000, 100_000])
    expect(niceMax(Number.NaN)).toBe(1)
  })

  it('spreads gridlines evenly from zero to the top', () => {
    expect(ticks(20)).toEqual([0, 5, 10, 15, 20])
  })

  it('takes the top over every series, skipping gaps', () => {
    expect(topOf([1, null, 3], [7])).toBe(10)
    expect(topOf([null], [])).toBe(1)
  })
})

describe('plot', () => {
  const end = Date.parse('2026-01-01T00:10:00Z')

  it('puts the newest sample at the right edge and zero at the bottom', () => {
    const p = plot([end - windowMs - windowMs / 2, end - windowMs / 2, end], [0, 0, 10], 100, 50, 10)
    expect(p.d).toBe('M50 50 L100 0')
    expect(p.points).toBe(2)
    expect(p.span).toBe(windowMs)
  })

  it('spans only the samples kept while they cover less than the window, but at least a minute', () => {
    expect(plot([end - 120_000, end - 60_000, end], [1, 1, 1], 100, 10, 1).d).toBe('M0 0 L50 0 L100 0')
    const young = plot([end - 10_000, end], [1, 1], 60, 10, 1)
    expect(young.span).toBe(minSpanMs)
    expect(young.d).toBe('M50 0 L60 0')
  })

  it('breaks the line at a gap and drops samples older than the window', () => {
    const p = plot([end - 2 * windowMs, end - windowMs - 1, end - 2000, end - 1000, end], [5, 5, 1, null, 2], 100, 10, 2)
    expect(p.points).toBe(2)
    expect(p.d.match(/M/g)?.length).toBe(2)
    expect(p.d.startsWith('M99.3 5')).toBe(true)
  })

  it('draws nothing without samples', () => {
    expect(plot([], [], 100, 10, 1)).toEqual({ d: '', points: 0, top: 1, span: minSpanMs })
  })
})

describe('compact', () => {
  it('keeps labels short', () => {
    expect([null, 0, 3, 2.345, 12.34, 150.6, 1500, 12_345, 2_500_000].map(compact)).toEqual(['–', '0', '3', '2.35', '12.3', '151', '1.5k', '12k', '2.5M'])
  })
})
