import type { TokenImRest } from './rest'
import type { ChangePage, Conversation, Message } from './types'

// Edit, recall, delete for me, reactions and the change cursor (docs/protocol.md, "Changes").

const messagePath = (conversationId: string, messageId: string) =>
  `/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(messageId)}`

/** Your own message's new text (within the edit window); resolves to the message with `editedAt` and a new `changeSeq`. */
export function editMessage(rest: TokenImRest, conversationId: string, messageId: string, text: string): Promise<Message> {
  return rest.request('PATCH', messagePath(conversationId, messageId), { text })
}

/** Deletes the message for everyone; resolves to the tombstone (the same one when recalled already). */
export function recallMessage(rest: TokenImRest, conversationId: string, messageId: string): Promise<Message> {
  return rest.request('DELETE', messagePath(conversationId, messageId))
}

/** Deletes the message for you only, on every device (they get `hidden`). */
export function hideMessage(rest: TokenImRest, conversationId: string, messageId: string): Promise<void> {
  return rest.request('POST', `${messagePath(conversationId, messageId)}/hide`)
}

/** Adds your reaction (one of `REACTIONS`); adding it again changes nothing. */
export function addReaction(rest: TokenImRest, conversationId: string, messageId: string, emoji: string): Promise<Message> {
  return rest.request('PUT', `${messagePath(conversationId, messageId)}/reactions/${encodeURIComponent(emoji)}`)
}

/** Removes your reaction; removing one you did not add changes nothing. */
export function removeReaction(rest: TokenImRest, conversationId: string, messageId: string, emoji: string): Promise<Message> {
  return rest.request('DELETE', `${messagePath(conversationId, messageId)}/reactions/${encodeURIComponent(emoji)}`)
}

/** The messages changed above `afterChangeSeq`, ascending by `changeSeq`; page on while `hasMore`. */
export function getChanges(rest: TokenImRest, conversationId: string, afterChangeSeq: number, limit?: number): Promise<ChangePage> {
  const query = new URLSearchParams({ afterChangeSeq: String(afterChangeSeq) })
  if (limit !== undefined) query.set('limit', String(limit))
  return rest.request('GET', `/conversations/${encodeURIComponent(conversationId)}/changes?${query}`)
}

/** What to do with a `changed` event: apply it, fetch the changes missed before it, or drop it (applied already). */
export type ChangeVerdict = 'apply' | 'gap' | 'stale'

/**
 * The change cursor of each conversation: the highest `changeSeq` applied, every change up to it applied. Pure state,
 * no I/O: feed it events and pages, and it says when to fetch (`GET …/changes?afterChangeSeq=held`).
 */
export class ChangeCursor {
  private readonly cursors = new Map<string, number>()

  constructor(initial: Record<string, number> = {}) {
    for (const [conversationId, changeSeq] of Object.entries(initial)) this.cursors.set(conversationId, changeSeq)
  }

  /** The highest change applied, or undefined while the conversation is not tracked. */
  held(conversationId: string): number | undefined {
    return this.cursors.get(conversationId)
  }

  /** Every tracked conversation's cursor, to persist. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.cursors)
  }

  /**
   * A live `changed` event. Held + 1: apply (the cursor moves). Above that: a gap, fetch from `held` (the cursor moves
   * when the page is applied). At or below: stale. A conversation not tracked yet starts just below the event.
   */
  offer(message: Message): ChangeVerdict {
    const changeSeq = message.changeSeq ?? 0
    const held = this.cursors.get(message.conversationId) ?? changeSeq - 1
    if (changeSeq === held + 1) {
      this.cursors.set(message.conversationId, changeSeq)
      return 'apply'
    }
    return changeSeq > held + 1 ? 'gap' : 'stale'
  }

  /** A fetched page, applied by the caller: the cursor moves to its last `changeSeq` (pages skip superseded changes). */
  applyPage(conversationId: string, page: ChangePage): void {
    const last = page.messages.at(-1)?.changeSeq ?? 0
    this.cursors.set(conversationId, Math.max(this.cursors.get(conversationId) ?? 0, last))
  }

  /**
   * After a (re)connect, from `GET /conversations`: the ids whose changes must be fetched. A conversation seen for the
   * first time starts at its `lastChangeSeq` (history pages carry each message as it now is).
   */
  behind(conversations: Conversation[]): string[] {
    const stale: string[] = []
    for (const conversation of conversations) {
      const held = this.cursors.get(conversation.id)
      if (held === undefined) this.cursors.set(conversation.id, conversation.lastChangeSeq)
      else if (conversation.lastChangeSeq > held) stale.push(conversation.id)
    }
    return stale
  }
}

/**
 * The copy to keep when a changed message arrives: the newer by `changeSeq` (events may repeat or come out of order).
 * A copy hidden for you stays hidden: live events carry no one's "deleted for me".
 */
export function mergeChanged(held: Message | undefined, changed: Message): Message {
  if (held && (held.changeSeq ?? 0) >= (changed.changeSeq ?? 0)) return held
  return held?.hidden ? { ...changed, hidden: true, text: '', reactions: undefined, replyTo: undefined, attachment: undefined } : changed
}
