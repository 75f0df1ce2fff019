import { describe, expect, it } from 'vitest'
import { TokenImRest, type Conversation, type Message } from '../sdk'
import { ChangeSync, withChanged, withHidden } from './messageChanges'
import type { ChatState } from './chatState'

const msg = (seq: number, changeSeq?: number, text = `t${seq}`): Message => ({
  id: `m${seq}`, conversationId: 'c1', seq, senderId: 'bob', clientMsgId: `k${seq}`, text, createdAt: '2026-11-27T10:00:00.000Z', changeSeq,
})
const conv = (lastChangeSeq: number): Conversation => ({
  id: 'c1', type: 'direct', memberIds: ['alice', 'bob'], lastSeq: 2, readSeq: 2, unreadCount: 0,
  updatedAt: '2026-11-27T10:00:00.000Z', createdAt: '2026-11-27T10:00:00.000Z', role: 'member',
  lastChangeSeq, mentionCount: 0, muted: false, pinned: false, archived: false, lastMessage: msg(2),
})

/** A REST client whose changes route answers from `pages` by afterChangeSeq, recording each ask. */
function restWith(pages: Record<number, { messages: Message[]; hasMore: boolean }>, asked: number[]) {
  return new TokenImRest({
    fetch: async (url) => {
      const after = Number(new URL(String(url), 'http://x').searchParams.get('afterChangeSeq'))
      asked.push(after)
      return Response.json(pages[after] ?? { messages: [], hasMore: false })
    },
  })
}

describe('ChangeSync', () => {
  it('fetches the changes a reconnect list shows were missed, page by page, then applies live ones in order', async () => {
    const asked: number[] = []
    const applied: Message[] = []
    const rest = restWith({ 0: { messages: [msg(1, 2, 'edited')], hasMore: true }, 2: { messages: [msg(2, 3, 'again')], hasMore: false } }, asked)
    const sync = new ChangeSync(rest, (m) => applied.push(m))

    sync.onConversations([conv(0)]) // first sight: held at 0, nothing to fetch
    expect(asked).toEqual([])
    sync.onConversations([conv(3)])
    await sync.catchUp('c1')
    expect(asked).toEqual([0, 2])
    expect(applied.map((m) => m.changeSeq)).toEqual([2, 3])

    sync.onChanged(msg(1, 4, 'live'))
    sync.onChanged(msg(1, 4, 'live')) // a repeat is stale
    expect(applied.map((m) => m.changeSeq)).toEqual([2, 3, 4])
  })

  it('shows a change that skips ahead at once and fetches the ones before it', async () => {
    const asked: number[] = []
    const applied: Message[] = []
    const rest = restWith({ 1: { messages: [msg(2, 2, 'missed')], hasMore: false } }, asked)
    const sync = new ChangeSync(rest, (m) => applied.push(m))
    sync.onConversations([conv(1)])

    sync.onChanged(msg(1, 3, 'ahead'))
    await sync.catchUp('c1')
    expect(applied.map((m) => m.text)).toEqual(['ahead', 'missed'])
    expect(asked).toEqual([1])
  })
})

describe('message state', () => {
  const state = (): ChatState => ({
    me: { id: 'alice', username: 'alice', displayName: 'Alice' }, connection: 'online', conversations: [conv(0)],
    messages: { c1: [msg(1), msg(2)] }, outbox: {}, users: {}, loadingHistory: {}, hasOlder: {}, activeId: 'c1', typing: {},
    online: {}, peerReads: {}, goneTitle: null,
  })

  it('replaces the held copy, moves the counter and the preview, and keeps an older event from undoing a newer one', () => {
    let s = { ...state(), ...withChanged(state(), msg(2, 2, 'edited')) }
    expect(s.messages.c1!.map((m) => m.text)).toEqual(['t1', 'edited'])
    expect(s.conversations[0]!.lastChangeSeq).toBe(2)
    expect(s.conversations[0]!.lastMessage!.text).toBe('edited')
    s = { ...s, ...withChanged(s, msg(2, 1, 'older')) }
    expect(s.messages.c1![1]!.text).toBe('edited')
  })

  it('updates the quote of a reply when the quoted message is edited or recalled', () => {
    const reply: Message = { ...msg(3), replyTo: { messageId: 'm1', seq: 1, senderId: 'bob', text: 't1' } }
    let s: ChatState = { ...state(), messages: { c1: [msg(1), msg(2), reply] } }
    s = { ...s, ...withChanged(s, msg(1, 1, 'new words')) }
    expect(s.messages.c1![2]!.replyTo).toMatchObject({ text: 'new words' })
    s = { ...s, ...withChanged(s, { ...msg(1, 2, ''), recalled: true }) }
    expect(s.messages.c1![2]!.replyTo).toMatchObject({ text: '', recalled: true })
  })

  it('hides a message deleted for the user', () => {
    const s = { ...state(), ...withHidden(state(), 'c1', 1) }
    expect(s.messages.c1![0]).toMatchObject({ hidden: true, text: '' })
  })
})
