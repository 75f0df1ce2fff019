import { describe, expect, it } from 'vitest'
import { ConversationStream } from './stream'
import type { Message } from './types'

const m = (seq: number): Message => ({
  id: `m${seq}`, conversationId: 'c', seq, senderId: 'u', clientMsgId: `k${seq}`, text: `t${seq}`, createdAt: '2026-11-27T10:00:00.000Z',
})
const seqs = (ms: Message[]) => ms.map((x) => x.seq)

describe('ConversationStream', () => {
  it('delivers the next seq and advances the cursor', () => {
    const s = new ConversationStream('c', 0)
    expect(seqs(s.offer(m(1)).delivered)).toEqual([1])
    expect(s.cursor).toBe(1)
  })

  it('drops repeats at or below the cursor', () => {
    const s = new ConversationStream('c', 5)
    expect(s.offer(m(5)).delivered).toEqual([])
    expect(s.offer(m(3)).delivered).toEqual([])
    expect(s.cursor).toBe(5)
  })

  it('buffers ahead of a gap, reports it, and releases in order once filled', () => {
    const s = new ConversationStream('c', 0)
    expect(s.offer(m(3))).toEqual({ delivered: [], gap: true })
    expect(s.offer(m(2))).toEqual({ delivered: [], gap: true })
    expect(s.heldCount).toBe(2)
    const r = s.offer(m(1))
    expect(seqs(r.delivered)).toEqual([1, 2, 3])
    expect(r.gap).toBe(false)
    expect(s.cursor).toBe(3)
    expect(s.heldCount).toBe(0)
  })

  it('keeps reporting a gap while one remains after partial delivery', () => {
    const s = new ConversationStream('c', 0)
    s.offer(m(4))
    const r = s.offer(m(1))
    expect(seqs(r.delivered)).toEqual([1])
    expect(r.gap).toBe(true)
  })

  it('delivers each seq exactly once when pages overlap and arrive unsorted', () => {
    const s = new ConversationStream('c', 0)
    s.offer(m(2))
    const r = s.offerAll([m(3), m(1), m(2), m(2)])
    expect(seqs(r.delivered)).toEqual([1, 2, 3])
    expect(seqs(s.offerAll([m(1), m(2), m(3), m(4)]).delivered)).toEqual([4])
  })

  it('does not buffer a repeat of a held message twice', () => {
    const s = new ConversationStream('c', 0)
    s.offer(m(3))
    s.offer(m(3))
    expect(s.heldCount).toBe(1)
  })
})
