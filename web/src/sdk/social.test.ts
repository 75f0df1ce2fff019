import { describe, expect, it } from 'vitest'
import { TokenImRest } from './rest'
import { applySettings, blockUser, forwardMessage, listBlockedUsers, mentionsUser, sendReply, unblockUser, updateConversationSettings } from './social'
import type { Conversation, Message } from './types'

interface Call { method: string; url: string; body?: unknown; auth?: string }

const tokens = {
  user: { id: 'u1', username: 'alice', displayName: 'Alice' },
  accessToken: 'a.b.c',
  refreshToken: '',
  expiresIn: 900,
  sessionId: 's1',
}

/** A fetch that records each call and answers the sign-in with tokens, everything else with `reply` (204 when undefined). */
function recorder(calls: Call[], reply?: unknown, status = 200): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input)
    const headers = (init?.headers ?? {}) as Record<string, string>
    calls.push({ method: init?.method ?? 'GET', url, body: init?.body ? JSON.parse(String(init.body)) : undefined, auth: headers.Authorization })
    if (url.endsWith('/auth/login')) return new Response(JSON.stringify(tokens), { status: 200, headers: { 'content-type': 'application/json' } })
    if (reply === undefined && status === 200) return new Response(null, { status: 204 })
    return new Response(JSON.stringify(reply), { status, headers: { 'content-type': status === 200 ? 'application/json' : 'application/problem+json' } })
  }) as typeof fetch
}

async function signedIn(calls: Call[], reply?: unknown, status = 200): Promise<TokenImRest> {
  const rest = new TokenImRest({ fetch: recorder(calls, reply, status) })
  await rest.login('alice', 'pw')
  calls.length = 0
  return rest
}

const conversation = (id: string, updatedAt: string, pinned = false): Conversation => ({
  id, type: 'group', memberIds: [], lastSeq: 0, readSeq: 0, unreadCount: 0, updatedAt, createdAt: updatedAt, role: 'owner',
  lastChangeSeq: 0, mentionCount: 0, muted: false, pinned, archived: false,
})

describe('social REST functions', () => {
  it('sends only the settings given, with the access token, to the conversation\'s settings', async () => {
    const calls: Call[] = []
    const rest = await signedIn(calls, conversation('c/1', '2026-01-01T00:00:00Z', true))

    const updated = await updateConversationSettings(rest, 'c/1', { pinned: true })

    expect(updated.pinned).toBe(true)
    expect(calls).toEqual([{ method: 'PATCH', url: '/api/v1/conversations/c%2F1/settings', body: { pinned: true }, auth: 'Bearer a.b.c' }])
  })

  it('blocks, unblocks and lists through the users routes', async () => {
    const calls: Call[] = []
    const rest = await signedIn(calls)
    await blockUser(rest, 'u2')
    await unblockUser(rest, 'u2')

    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['PUT /api/v1/users/u2/block', 'DELETE /api/v1/users/u2/block'])

    const listing = await signedIn(calls, { users: [{ id: 'u2', username: 'bob', displayName: 'Bob' }] })
    expect((await listBlockedUsers(listing)).map((u) => u.id)).toEqual(['u2'])
    expect(calls.at(-1)?.url).toBe('/api/v1/users/me/blocks')
  })

  it('throws the server\'s code when a blocked send is refused', async () => {
    const calls: Call[] = []
    const rest = await signedIn(calls, { status: 403, code: 'blocked_by_user', title: 'x' }, 403)

    await expect(sendReply(rest, 'c1', 'm1', 'hi', 'q1')).rejects.toMatchObject({ code: 'blocked_by_user', status: 403 })
    expect(calls[0]?.body).toEqual({ clientMsgId: 'm1', text: 'hi', replyToId: 'q1' })
  })

  it('forwards without a text of its own', async () => {
    const calls: Call[] = []
    const rest = await signedIn(calls, { id: 'm2' })

    await forwardMessage(rest, 'c2', 'k1', { conversationId: 'c1', messageId: 'm1' })

    expect(calls[0]).toMatchObject({ method: 'POST', url: '/api/v1/conversations/c2/messages', body: { clientMsgId: 'k1', forwardOf: { conversationId: 'c1', messageId: 'm1' } } })
  })
})

describe('mentionsUser', () => {
  const message = (extra: Partial<Message>): Message =>
    ({ id: 'm', conversationId: 'c', seq: 1, senderId: 's', clientMsgId: 'k', text: '', createdAt: '', ...extra }) as Message

  it('is true for a named mention or @all, false otherwise', () => {
    expect(mentionsUser(message({ mentions: ['u1'] }), 'u1')).toBe(true)
    expect(mentionsUser(message({ mentionsAll: true }), 'u1')).toBe(true)
    expect(mentionsUser(message({ mentions: ['u2'] }), 'u1')).toBe(false)
    expect(mentionsUser(message({}), 'u1')).toBe(false)
  })
})

describe('applySettings', () => {
  it('puts a newly pinned conversation first and an unpinned one back among the rest by activity', () => {
    const a = conversation('a', '2026-01-03T00:00:00Z')
    const b = conversation('b', '2026-01-02T00:00:00Z', true)
    const c = conversation('c', '2026-01-01T00:00:00Z')

    const pinnedC = applySettings([b, a, c], { ...c, pinned: true })
    expect(pinnedC.map((x) => x.id)).toEqual(['c', 'b', 'a'])

    const unpinnedB = applySettings(pinnedC, { ...b, pinned: false })
    expect(unpinnedB.map((x) => x.id)).toEqual(['c', 'a', 'b'])
  })
})
