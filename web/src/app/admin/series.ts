import type { ServerStats } from './adminApi'

/** One poll of the cluster's figures, reduced to what the Overview charts draw. */
export interface StatsSample {
  /** When the answering node took its figures (ms since the epoch). */
  at: number
  sockets: number
  users: number
  messagesPerSecond: number
  framesInPerSecond: number
  framesOutPerSecond: number
  /** Mean group-commit transaction time over the nodes, weighted by their transactions; null when none ran. */
  storeLatencyMs: number | null
  /** Messages per group-commit transaction since the previous sample; null when none ran in between. */
  batchSize: number | null
  gcHeapMb: number
  threadPoolQueue: number
  /** Counters kept for the next sample's batch size. */
  messagesStored: number
  batches: number
}

/** How long the Overview keeps samples: about five minutes at one poll every two seconds. */
export const windowMs = 5 * 60 * 1000
export const pollMs = 2000
export const capacity = windowMs / pollMs

/** Reduces an answer of GET /server/stats to a sample; `previous` gives the counters the batch size is a rate of. */
export function toSample(stats: ServerStats, previous?: StatsSample): StatsSample {
  const total = stats.total
  const batches = total.groupCommitBatches
  let latencyWeight = 0
  let latencySum = 0
  for (const node of stats.nodes) {
    if (node.storeLatencyMs == null || node.batchesPerSecond <= 0) continue
    latencyWeight += node.batchesPerSecond
    latencySum += node.storeLatencyMs * node.batchesPerSecond
  }
  return {
    at: Date.parse(stats.at),
    sockets: total.openSockets,
    users: total.connectedUsers,
    messagesPerSecond: total.messagesPerSecond,
    framesInPerSecond: total.framesInPerSecond,
    framesOutPerSecond: total.framesOutPerSecond,
    storeLatencyMs: latencyWeight > 0 ? latencySum / latencyWeight : null,
    batchSize: previous ? ratio(total.messagesStored - previous.messagesStored, batches - previous.batches) : null,
    gcHeapMb: total.gcHeapBytes / (1024 * 1024),
    threadPoolQueue: stats.nodes.reduce((sum, n) => sum + n.threadPoolQueueLength, 0),
    messagesStored: total.messagesStored,
    batches,
  }
}

/**
 * Change per unit of a counter between two samples; null when the divisor did not move or a counter went back (a
 * node restarted or left: its counters start again, so the difference means nothing).
 */
export function ratio(delta: number, per: number): number | null {
  return per > 0 && delta >= 0 ? delta / per : null
}

/** A fixed-size buffer of the newest items: pushing onto a full one drops the oldest. */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[]
  private start = 0
  private count = 0

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new RangeError('capacity must be positive')
    this.items = new Array<T | undefined>(capacity)
  }

  get size(): number {
    return this.count
  }

  get last(): T | undefined {
    return this.count ? this.items[(this.start + this.count - 1) % this.capacity] : undefined
  }

  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item
      this.count++
    } else {
      this.items[this.start] = item
      this.start = (this.start + 1) % this.capacity
    }
  }

  /** Oldest first. */
  toArray(): T[] {
    const out: T[] = []
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity] as T)
    return out
  }
}

/** The smallest 1, 2 or 5 × 10ⁿ at or above `max`: a y-axis top that reads well. 1 for an empty or flat-zero chart. */
export function niceMax(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1
  const magnitude = 10 ** Math.floor(Math.log10(max))
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max * (1 - 1e-12)) return step * magnitude
  return 10 * magnitude
}

/** `count` + 1 evenly spaced values from 0 to `top`, for gridlines. */
export function ticks(top: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => (top * i) / count)
}

export interface Plot {
  /** SVG path data; a null value breaks the line (no point is invented for it). */
  d: string
  points: number
  top: number
  /** The time the x axis spans, ending at the newest sample (ms). */
  span: number
}

/** The shortest x span: the first few samples are not stretched over the whole width. */
export const minSpanMs = 60 * 1000

/**
 * Places values on a chart of `width` × `height`: x by time, ending at the newest sample and going back to the oldest
 * one kept (at least a minute, at most the five-minute window); y from 0 at the bottom to `top` (shared by every
 * series of the chart) at the top.
 */
export function plot(times: number[], values: (number | null)[], width: number, height: number, top: number): Plot {
  const end = times.length ? times[times.length - 1]! : 0
  const span = Math.min(windowMs, Math.max(minSpanMs, end - (times[0] ?? end)))
  const startAt = end - span
  let d = ''
  let points = 0
  let pen = false
  for (let i = 0; i < values.length; i++) {
    const v = values[i]
    if (v == null || !Number.isFinite(v) || times[i]! < startAt) {
      pen = false
      continue
    }
    const x = ((times[i]! - startAt) / span) * width
    const y = height - (Math.min(v, top) / top) * height
    d += `${pen ? 'L' : 'M'}${round(x)} ${round(y)} `
    pen = true
    points++
  }
  return { d: d.trimEnd(), points, top, span }
}

/** The y-axis top for several series: the nice ceiling of their largest value. */
export function topOf(...series: (number | null)[][]): number {
  let max = 0
  for (const s of series) for (const v of s) if (v != null && v > max) max = v
  return niceMax(max)
}

/** A figure for a label: up to three significant digits, with k/M above a thousand. */
export function compact(value: number | null): string {
  if (value == null || !Number.isFinite(value)) return '–'
  const abs = Math.abs(value)
  if (abs >= 1e6) return `${trimZeros((value / 1e6).toFixed(1))}M`
  if (abs >= 1e4) return `${Math.round(value / 1e3)}k`
  if (abs >= 1e3) return `${trimZeros((value / 1e3).toFixed(1))}k`
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value))
  return trimZeros(value.toFixed(abs >= 10 ? 1 : 2))
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}
