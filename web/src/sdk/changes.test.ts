import { describe, expect, it } from 'vitest'
import { ChangeCursor, addReaction, editMessage, getChanges, hideMessage, mergeChanged, recallMessage, removeReaction } from './changes'
import { TokenImRest } from './rest'
import type { Conversation, Message } from './types'

const msg = (seq: number, changeSeq?: number, text = `t${seq}`, conversationId = 'c1'): Message => ({
  id: `m${seq}`, conversationId, seq, senderId: 'bob', clientMsgId: `k${seq}`, text, createdAt: '2026-11-27T10:00:00.000Z', changeSeq,
})
const conv = (id: string, lastChangeSeq: number): Conversation => ({
  id, type: 'direct', memberIds: ['alice', 'bob'], lastSeq: 3, readSeq: 0, unreadCount: 3,
  updatedAt: '2026-11-27T10:00:00.000Z', createdAt: '2026-11-27T10:00:00.000Z', role: 'member',
  lastChangeSeq, mentionCount: 0, muted: false, pinned: false, archived: false,
})

describe('ChangeCursor', () => {
  it('applies the next change, reports a gap for one that skips ahead, and drops one applied already', () => {
    const cursor = new ChangeCursor({ c1: 2 })

    expect(cursor.offer(msg(1, 3))).toBe('apply')
    expect(cursor.held('c1')).toBe(3)
    expect(cursor.offer(msg(2, 5))).toBe('gap')
    expect(cursor.held('c1')).toBe(3)
    expect(cursor.offer(msg(1, 3))).toBe('stale')
    expect(cursor.offer(msg(3, 1))).toBe('stale')
  })

  it('starts an untracked conversation at its first event', () => {
    const cursor = new ChangeCursor()

    expect(cursor.offer(msg(1, 7, 'x', 'c9'))).toBe('apply')
    expect(cursor.snapshot()).toEqual({ c9: 7 })
  })

  it('moves to the last changeSeq of a fetched page, which may skip superseded changes, and never back', () => {
    const cursor = new ChangeCursor({ c1: 3 })

    cursor.applyPage('c1', { messages: [msg(1, 5), msg(2, 8)], hasMore: false })
    expect(cursor.held('c1')).toBe(8)
    cursor.applyPage('c1', { messages: [], hasMore: false })
    expect(cursor.held('c1')).toBe(8)
    expect(cursor.offer(msg(3, 9))).toBe('apply')
  })

  it('after a reconnect names the conversations behind and starts new ones at their lastChangeSeq', () => {
    const cursor = new ChangeCursor({ c1: 4, c2: 6 })

    expect(cursor.behind([conv('c1', 5), conv('c2', 6), conv('c3', 9)])).toEqual(['c1'])
    expect(cursor.snapshot()).toEqual({ c1: 4, c2: 6, c3: 9 })
  })
})

describe('mergeChanged', () => {
  it('keeps the newer copy by changeSeq', () => {
    expect(mergeChanged(msg(1, 4, 'newer'), msg(1, 3, 'older')).text).toBe('newer')
    expect(mergeChanged(msg(1, 3, 'older'), msg(1, 4, 'newer')).text).toBe('newer')
    expect(mergeChanged(undefined, msg(1, 1, 'first')).text).toBe('first')
  })

  it('keeps a copy hidden for the user hidden', () => {
    const held = { ...msg(1, 1, ''), hidden: true }
    const merged = mergeChanged(held, { ...msg(1, 2, 'edited'), reactions: [{ emoji: '👍', count: 1, userIds: ['bob'] }] })

    expect(merged).toMatchObject({ hidden: true, text: '', changeSeq: 2 })
    expect(merged.reactions).toBeUndefined()
  })
})

describe('change routes', () => {
  it('call the documented method and path, with the emoji URL-encoded', async () => {
    const calls: string[] = []
    const rest = new TokenImRest({
      fetch: async (url, init) => {
        calls.push(`${init?.method ?? 'GET'} ${String(url)}${init?.body ? ` ${String(init.body)}` : ''}`)
        return String(url).endsWith('/auth/login')
          ? Response.json({ user: { id: 'alice', username: 'alice', displayName: 'Alice' }, accessToken: 'tok', refreshToken: '', expiresIn: 900, sessionId: 's' })
          : String(url).endsWith('/hide') ? new Response(null, { status: 204 }) : Response.json({ messages: [], hasMore: false })
      },
    })
    await rest.login('alice', 'pw')
    calls.length = 0

    await editMessage(rest, 'c 1', 'm1', 'new text')
    await recallMessage(rest, 'c1', 'm1')
    await hideMessage(rest, 'c1', 'm1')
    await addReaction(rest, 'c1', 'm1', '👍')
    await removeReaction(rest, 'c1', 'm1', '❤️')
    await getChanges(rest, 'c1', 4, 20)

    expect(calls).toEqual([
      'PATCH /api/v1/conversations/c%201/messages/m1 {"text":"new text"}',
      'DELETE /api/v1/conversations/c1/messages/m1',
      'POST /api/v1/conversations/c1/messages/m1/hide',
      'PUT /api/v1/conversations/c1/messages/m1/reactions/%F0%9F%91%8D',
      'DELETE /api/v1/conversations/c1/messages/m1/reactions/%E2%9D%A4%EF%B8%8F',
      'GET /api/v1/conversations/c1/changes?afterChangeSeq=4&limit=20',
    ])
  })
})
