import { describe, expect, it } from 'vitest'
import type { Conversation, Message } from '../sdk'
import { isOwnRemoval, mergeConversations, sortByActivity, withMessage, withRead } from './conversations'

const conv = (id: string, updatedAt: string, over: Partial<Conversation> = {}): Conversation => ({
  id, type: 'group', title: id, memberIds: ['alice', 'bob'], lastSeq: 3, readSeq: 1, unreadCount: 2,
  updatedAt, createdAt: updatedAt, role: 'member', lastChangeSeq: 0, mentionCount: 0, muted: false, pinned: false,
  archived: false, ...over,
})
const msg = (seq: number, senderId: string, createdAt: string): Message => ({
  id: `m${seq}`, conversationId: 'c', seq, senderId, clientMsgId: `k${seq}`, text: 'hi', createdAt,
})

describe('conversation rules', () => {
  it('moves the read marker forward only', () => {
    const c = conv('c', '2026-11-27T10:00:00.000Z')
    expect(withRead(c, 3)).toMatchObject({ readSeq: 3, unreadCount: 0 })
    expect(withRead(c, 0)).toMatchObject({ readSeq: 1, unreadCount: 2 })
  })

  it('counts another member’s message as unread and the user’s own as read', () => {
    const c = conv('c', '2026-11-27T10:00:00.000Z')
    expect(withMessage(c, msg(4, 'bob', '2026-11-27T10:01:00.000Z'), false))
      .toMatchObject({ lastSeq: 4, readSeq: 1, unreadCount: 3, updatedAt: '2026-11-27T10:01:00.000Z' })
    expect(withMessage(c, msg(4, 'alice', '2026-11-27T10:01:00.000Z'), true)).toMatchObject({ lastSeq: 4, readSeq: 4, unreadCount: 0 })
  })

  it('keeps the newest message as the preview when an older one arrives late', () => {
    const c = withMessage(conv('c', '2026-11-27T10:00:00.000Z'), msg(5, 'bob', '2026-11-27T10:05:00.000Z'), false)
    expect(withMessage(c, msg(4, 'bob', '2026-11-27T10:04:00.000Z'), false).lastMessage?.seq).toBe(5)
  })

  it('sorts the most recently active first', () => {
    const list = sortByActivity([conv('a', '2026-11-27T10:00:00.000Z'), conv('b', '2026-11-27T11:00:00.000Z')])
    expect(list.map((c) => c.id)).toEqual(['b', 'a'])
  })

  it('recognises the user’s own removal', () => {
    const without = conv('c', '2026-11-27T10:00:00.000Z', { memberIds: ['bob'] })
    expect(isOwnRemoval('member_removed', without, 'alice')).toBe(true)
    expect(isOwnRemoval('member_removed', without, 'bob')).toBe(false)
    expect(isOwnRemoval('updated', without, 'alice')).toBe(false)
  })

  it('merges a server list without undoing what live events already moved on', () => {
    const live = withMessage(conv('a', '2026-11-27T10:00:00.000Z'), msg(4, 'bob', '2026-11-27T12:00:00.000Z'), false)
    const merged = mergeConversations([live], [conv('a', '2026-11-27T10:00:00.000Z', { title: 'renamed' }), conv('b', '2026-11-27T11:00:00.000Z')])
    expect(merged.map((c) => c.id)).toEqual(['a', 'b'])
    expect(merged[0]).toMatchObject({ title: 'renamed', lastSeq: 4, updatedAt: '2026-11-27T12:00:00.000Z' })
  })
})

describe('mentions and pins', () => {
  const base = conv('c', '2026-11-27T10:00:00.000Z', { lastSeq: 3, readSeq: 3, unreadCount: 0 })
  const mention = (seq: number, over: Partial<Message> = {}): Message => ({ ...msg(seq, 'bob', '2026-11-27T10:01:00.000Z'), ...over })

  it('counts a new message that mentions me, by id or @all, but not my own or a plain one', () => {
    let c = withMessage(base, mention(4, { mentions: ['alice'] }), false, 'alice')
    c = withMessage(c, mention(5, { mentionsAll: true }), false, 'alice')
    c = withMessage(c, mention(6), false, 'alice')
    expect(c.mentionCount).toBe(2)
    // A repeat of an event already counted counts nothing.
    expect(withMessage(c, mention(5, { mentionsAll: true }), false, 'alice').mentionCount).toBe(2)
    expect(withRead(c, 6).mentionCount).toBe(0)
    // My own message (even with @all) reads everything above it.
    expect(withMessage(c, { ...mention(7, { mentionsAll: true }), senderId: 'alice' }, true, 'alice').mentionCount).toBe(0)
  })

  it('lists pinned conversations first, then by activity', () => {
    const list = [conv('a', '2026-11-27T12:00:00.000Z'), conv('p', '2026-11-27T09:00:00.000Z', { pinned: true }), conv('b', '2026-11-27T11:00:00.000Z')]
    expect(sortByActivity(list).map((c) => c.id)).toEqual(['p', 'a', 'b'])
  })
})
