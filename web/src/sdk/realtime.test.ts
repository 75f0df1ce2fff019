import { afterEach, describe, expect, it, vi } from 'vitest'
import { TokenImRealtime, type RealtimeHandlers, type WebSocketLike } from './realtime'
import { TokenImRest } from './rest'
import type { Conversation, Message } from './types'

class FakeSocket implements WebSocketLike {
  readyState = 0
  sent: Record<string, unknown>[] = []
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null
  onclose: ((event: { code: number; reason?: string }) => void) | null = null
  onerror: ((event: unknown) => void) | null = null
  constructor(readonly url: string, readonly protocol: string) {}
  send(data: string) { this.sent.push(JSON.parse(data) as Record<string, unknown>) }
  close(code = 1000) { this.onclose?.({ code }) }
  open() { this.readyState = 1; this.onopen?.({}) }
  receive(frame: object) { this.onmessage?.({ data: JSON.stringify(frame) }) }
  ops() { return this.sent.map((f) => f.op) }
  last(op: string) { return [...this.sent].reverse().find((f) => f.op === op)! }
}

const msg = (seq: number, text = `t${seq}`): Message => ({
  id: `m${seq}`, conversationId: 'c1', seq, senderId: 'bob', clientMsgId: `k${seq}`, text, createdAt: '2026-11-27T10:00:00.000Z',
})
const conv = (lastSeq: number): Conversation => ({
  id: 'c1', type: 'direct', memberIds: ['alice', 'bob'], lastSeq, readSeq: 0, unreadCount: lastSeq,
  updatedAt: '2026-11-27T10:00:00.000Z', createdAt: '2026-11-27T10:00:00.000Z', role: 'member',
  lastChangeSeq: 0, mentionCount: 0, muted: false, pinned: false, archived: false,
})

async function setup(lastSeq: () => number, handlers: Omit<RealtimeHandlers, 'message'> = {}) {
  const rest = new TokenImRest({
    fetch: async (url) => String(url).endsWith('/conversations')
      ? Response.json({ conversations: [conv(lastSeq())] })
      : Response.json({ user: { id: 'alice', username: 'alice', displayName: 'Alice' }, accessToken: 'tok', refreshToken: '', expiresIn: 900, sessionId: 's' }),
  })
  await rest.login('alice', 'pw')
  const sockets: FakeSocket[] = []
  const delivered: Message[] = []
  const rt = new TokenImRealtime(
    { rest, url: 'ws://x/ws', random: () => 0, initialCursor: () => 0, createSocket: (u, p) => { const s = new FakeSocket(u, p); sockets.push(s); return s } },
    { message: (m) => delivered.push(m), ...handlers },
  )
  return { rest, rt, sockets, delivered }
}

const flush = () => new Promise((r) => setTimeout(r, 0))

afterEach(() => vi.useRealTimers())

describe('TokenImRealtime', () => {
  it('authenticates with the first frame, catches up with sync, then resends pending sends with the same clientMsgId', async () => {
    const { rt, sockets, delivered, rest } = await setup(() => 2)
    rt.send('c1', 'queued while connecting', 'cm-1')
    rt.start()
    const s = sockets[0]!
    expect(s.protocol).toBe('tokenim.v1')
    s.open()
    expect(s.sent[0]).toEqual({ op: 'auth', token: 'tok' })
    s.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '' })
    await flush()
    const sync = s.last('sync')
    expect(sync).toMatchObject({ conversationId: 'c1', afterSeq: 0 })
    expect(s.ops()).not.toContain('send') // sends wait for the catch-up
    s.receive({ op: 'synced', re: sync.id, conversationId: 'c1', messages: [msg(1), msg(2)], hasMore: false })
    await flush()
    expect(delivered.map((m) => m.seq)).toEqual([1, 2])
    const send = s.last('send')
    expect(send).toMatchObject({ conversationId: 'c1', clientMsgId: 'cm-1', text: 'queued while connecting' })
    expect(rt.state).toBe('online')

    // The socket drops before the ack: the resend after the next ready carries the same clientMsgId.
    s.close(1006)
    expect(rt.state).toBe('reconnecting')
    await new Promise((r) => setTimeout(r, 5))
    const s2 = sockets[1]!
    s2.open()
    s2.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '' })
    await flush()
    expect(s2.ops()).not.toContain('sync') // lastSeq 2 = cursor: nothing to catch up
    const resend = s2.last('send')
    expect(resend.clientMsgId).toBe('cm-1')
    s2.receive({ op: 'ack', re: resend.id, conversationId: 'c1', clientMsgId: 'cm-1', messageId: 'm3', seq: 3, createdAt: '2026-11-27T10:00:01.000Z' })
    expect(delivered.map((m) => m.seq)).toEqual([1, 2, 3])
    expect(delivered[2]).toMatchObject({ senderId: 'alice', text: 'queued while connecting', clientMsgId: 'cm-1' })
    expect(rt.pendingSends).toHaveLength(0)
    rt.stop()
    await rest.logout().catch(() => undefined)
  })

  it('drops repeats and fills a gap with sync from the cursor', async () => {
    const { rt, sockets, delivered, rest } = await setup(() => 0)
    rt.start()
    const s = sockets[0]!
    s.open()
    s.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '' })
    await flush()
    s.receive({ op: 'message', message: msg(1) })
    s.receive({ op: 'message', message: msg(1) })
    s.receive({ op: 'message', message: msg(4) })
    const sync = s.last('sync')
    expect(sync).toMatchObject({ afterSeq: 1 })
    s.receive({ op: 'synced', re: sync.id, conversationId: 'c1', messages: [msg(2), msg(3), msg(4)], hasMore: false })
    await flush()
    expect(delivered.map((m) => m.seq)).toEqual([1, 2, 3, 4])
    rt.stop()
    await rest.logout().catch(() => undefined)
  })

  it('forgets its cursors when a ready names another epoch, so the restored store’s reused seqs are delivered', async () => {
    let lastSeq = 3
    const epochs: [string, string][] = []
    const { rt, sockets, delivered, rest } = await setup(() => lastSeq, { epochChanged: (epoch, previous) => epochs.push([epoch, previous]) })
    rt.start()
    const s = sockets[0]!
    s.open()
    s.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '', epoch: 'e1' })
    await flush()
    s.receive({ op: 'synced', re: s.last('sync').id, conversationId: 'c1', messages: [msg(1), msg(2), msg(3)], hasMore: false })
    await flush()
    expect(rt.epoch).toBe('e1')

    // Restored to a backup holding seqs 1–2: the next message is seq 3 again, a different one.
    lastSeq = 2
    s.close(1006)
    await new Promise((r) => setTimeout(r, 5))
    const s2 = sockets[1]!
    s2.open()
    s2.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '', epoch: 'e2' })
    await flush()
    expect(epochs).toEqual([['e2', 'e1']])
    expect(rt.epoch).toBe('e2')
    s2.receive({ op: 'synced', re: s2.last('sync').id, conversationId: 'c1', messages: [msg(1), msg(2)], hasMore: false })
    await flush()
    s2.receive({ op: 'message', message: msg(3, 'after the restore') })
    expect(delivered.map((m) => `${m.seq}:${m.text}`)).toEqual(['1:t1', '2:t2', '3:t3', '1:t1', '2:t2', '3:after the restore'])
    rt.stop()
    await rest.logout().catch(() => undefined)
  })

  it('sends a reply, forward or file with its fields, also when the send waited for the connection', async () => {
    const { rt, sockets } = await setup(() => 2)
    rt.send('c1', 'yes', 'cm-r', { replyToId: 'm9', attachmentId: 'a1' })
    rt.start()
    const s = sockets[0]!
    s.open()
    s.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '' })
    await flush()
    s.receive({ op: 'synced', re: s.last('sync').id, conversationId: 'c1', messages: [msg(1), msg(2)], hasMore: false })
    await flush()
    expect(s.last('send')).toMatchObject({ clientMsgId: 'cm-r', text: 'yes', replyToId: 'm9', attachmentId: 'a1' })
    expect(s.last('send')).not.toHaveProperty('forwardOf')
    rt.send('c1', '', 'cm-f', { forwardOf: { conversationId: 'c2', messageId: 'm1' } })
    expect(s.last('send')).toMatchObject({ clientMsgId: 'cm-f', text: '', forwardOf: { conversationId: 'c2', messageId: 'm1' } })
  })

  it('sends a refresh frame when the tokens are refreshed', async () => {
    const { rt, sockets, rest } = await setup(() => 0)
    rt.start()
    const s = sockets[0]!
    s.open()
    s.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '' })
    await flush()
    await rest.refresh()
    expect(s.last('refresh')).toMatchObject({ token: 'tok' })
    rt.stop()
    await rest.logout().catch(() => undefined)
  })

  it('stops tracking a conversation on the user’s own removal, and keeps tracking one that only lost another member', async () => {
    const { rt, sockets, rest } = await setup(() => 0)
    rt.start()
    const s = sockets[0]!
    s.open()
    s.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '' })
    await flush()
    expect(rt.cursor('c1')).toBe(0)
    s.receive({ op: 'conversation', event: 'member_removed', conversation: { ...conv(0), id: 'c1', memberIds: ['alice'] } })
    expect(rt.cursor('c1')).toBe(0)
    s.receive({ op: 'conversation', event: 'member_removed', conversation: { ...conv(0), id: 'c1', memberIds: ['bob'] } })
    expect(rt.cursor('c1')).toBeUndefined()
    rt.stop()
    await rest.logout().catch(() => undefined)
  })

  it('does not send a rate-limited send again after a reconnect has already resent it', async () => {
    const { rt, sockets, rest } = await setup(() => 0)
    rt.start()
    const s = sockets[0]!
    s.open()
    s.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '' })
    await flush()
    rt.send('c1', 'hi', 'cm-9')
    s.receive({ op: 'error', re: s.last('send').id, code: 'rate_limited', message: 'slow down', retryAfterMs: 20 })
    s.close(1006)
    await new Promise((r) => setTimeout(r, 5))
    const s2 = sockets[1]!
    s2.open()
    s2.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '' })
    await flush()
    const sends = () => s2.sent.filter((f) => f.op === 'send')
    expect(sends()).toHaveLength(1)
    expect(sends()[0]).toMatchObject({ clientMsgId: 'cm-9' })
    await new Promise((r) => setTimeout(r, 40))
    expect(sends()).toHaveLength(1)
    rt.stop()
    await rest.logout().catch(() => undefined)
  })

  it('sends again after hook_unavailable with the same clientMsgId, and gives a message_rejected send up', async () => {
    const failed: { clientMsgId: string; code: string }[] = []
    const { rt, sockets, rest } = await setup(() => 0, {
      sendFailed: (send, error) => failed.push({ clientMsgId: send.clientMsgId, code: String(error.code) }),
    })
    rt.start()
    const s = sockets[0]!
    s.open()
    s.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '' })
    await flush()
    const sends = () => s.sent.filter((f) => f.op === 'send')
    rt.send('c1', 'checked later', 'cm-hook')
    s.receive({ op: 'error', re: s.last('send').id, code: 'hook_unavailable', message: 'check unavailable', retryAfterMs: 10 })
    await new Promise((r) => setTimeout(r, 30))
    expect(sends().map((f) => f.clientMsgId)).toEqual(['cm-hook', 'cm-hook'])
    rt.send('c1', 'not allowed', 'cm-bad')
    s.receive({ op: 'error', re: s.last('send').id, code: 'message_rejected', message: 'not here' })
    await new Promise((r) => setTimeout(r, 30))
    expect(sends().filter((f) => f.clientMsgId === 'cm-bad')).toHaveLength(1)
    expect(failed).toEqual([{ clientMsgId: 'cm-bad', code: 'message_rejected' }])
    rt.stop()
    await rest.logout().catch(() => undefined)
  })
})

describe('TokenImRealtime changes', () => {
  it('hands changed and hidden events to their handlers', async () => {
    const changed: Message[] = []
    const hidden: string[] = []
    const { rt, sockets } = await setup(() => 0, { changed: (m) => changed.push(m), hidden: (f) => hidden.push(f.messageId) })
    rt.start()
    const s = sockets[0]!
    s.open()
    s.receive({ op: 'ready', userId: 'alice', sessionId: 's', serverTime: '' })

    s.receive({ op: 'changed', message: { ...msg(1, 'edited'), changeSeq: 1 } })
    s.receive({ op: 'hidden', conversationId: 'c1', messageId: 'm1', seq: 1 })

    expect(changed.map((m) => [m.text, m.changeSeq])).toEqual([['edited', 1]])
    expect(hidden).toEqual(['m1'])
    rt.stop()
  })
})
