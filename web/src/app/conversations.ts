import { mentionsUser, type Conversation, type Message } from '../sdk'

/** Pure rules for the conversation list: read markers, a new message's effect, the order, and own removal. */

/** Raises the caller's read marker to `seq` (never back). */
export function withRead(c: Conversation, seq: number): Conversation {
  const readSeq = Math.max(c.readSeq, seq)
  const unreadCount = Math.max(0, c.lastSeq - readSeq)
  // Which unread messages mention the user is not known here; all read clears the count, the next list corrects it.
  return { ...c, readSeq, unreadCount, mentionCount: unreadCount === 0 ? 0 : Math.min(c.mentionCount, unreadCount) }
}

/** Whether a message mentions the user: by id, or @all (never their own message). */
export function mentionsMe(m: Message, meId: string): boolean {
  return m.senderId !== meId && mentionsUser(m, meId)
}

/**
 * A delivered message moves the conversation on (the user's own one also moves their read marker; one that mentions
 * `meId` and is new counts as a mention).
 */
export function withMessage(c: Conversation, m: Message, mine: boolean, meId?: string): Conversation {
  const lastSeq = Math.max(c.lastSeq, m.seq)
  const readSeq = mine ? Math.max(c.readSeq, m.seq) : c.readSeq
  const newer = !c.lastMessage || m.seq >= c.lastMessage.seq
  const fresh = m.seq > c.lastSeq && m.seq > readSeq
  return {
    ...c, lastSeq, readSeq, unreadCount: Math.max(0, lastSeq - readSeq),
    // Sending moves the sender's marker past everything: nothing unread, no mention left.
    mentionCount: lastSeq === readSeq ? 0 : (c.mentionCount ?? 0) + (fresh && meId !== undefined && mentionsMe(m, meId) ? 1 : 0),
    lastMessage: newer ? m : c.lastMessage, updatedAt: newer && m.createdAt > c.updatedAt ? m.createdAt : c.updatedAt,
  }
}

/** Pinned first, then most recently active first. Sorts in place and returns the list. */
export function sortByActivity(list: Conversation[]): Conversation[] {
  return list.sort((a, b) =>
    a.pinned !== b.pinned ? (a.pinned ? -1 : 1) : a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0)
}

/** `known` updated with `list` (from the server), most recently active first. */
export function mergeConversations(known: readonly Conversation[], list: readonly Conversation[]): Conversation[] {
  const byId = new Map(known.map((c) => [c.id, c]))
  for (const c of list) {
    const had = byId.get(c.id)
    // Live events may have moved a conversation further than a slightly older list says.
    byId.set(c.id, had && had.lastSeq > c.lastSeq ? { ...c, lastSeq: had.lastSeq, lastMessage: had.lastMessage, updatedAt: had.updatedAt } : c)
  }
  return sortByActivity([...byId.values()])
}

/**
 * A `conversation` event that tells the user they are out: `member_removed` whose `memberIds` no longer hold them
 * (they left or were removed). docs/protocol.md, reconnect contract step 9: stop tracking the conversation.
 */
export function isOwnRemoval(event: string, c: Conversation, meId: string): boolean {
  return event === 'member_removed' && !c.memberIds.includes(meId)
}
