import { ChangeCursor, getChanges, mergeChanged, type Conversation, type Message, type TokenImRest } from '../sdk'
import type { ChatState } from './chatState'

/**
 * Keeps edits, recalls and reactions current: live `changed` events go through a change cursor per conversation; a
 * skipped change, and every conversation whose `lastChangeSeq` moved while the socket was down, is fetched with
 * `GET …/changes` (docs/protocol.md, "Changes"). `apply` receives every changed message, in order per conversation.
 */
export class ChangeSync {
  private readonly cursor = new ChangeCursor()
  private readonly running = new Map<string, Promise<void>>()

  constructor(private readonly rest: TokenImRest, private readonly apply: (m: Message) => void) {}

  /** A live `changed` event. */
  onChanged(m: Message): void {
    const verdict = this.cursor.offer(m)
    // A gap's own event is newer than anything held: show it now, then fetch what came before it.
    if (verdict !== 'stale') this.apply(m)
    if (verdict === 'gap') void this.catchUp(m.conversationId)
  }

  /** The conversation list after a (re)connect: fetch the changes of each conversation that moved on. */
  onConversations(list: Conversation[]): void {
    for (const id of this.cursor.behind(list)) void this.catchUp(id)
  }

  /** Fetches every change above the cursor, page by page; one run per conversation at a time. */
  catchUp(conversationId: string): Promise<void> {
    const running = this.running.get(conversationId)
    if (running) return running
    const run = (async () => {
      try {
        for (;;) {
          const page = await getChanges(this.rest, conversationId, this.cursor.held(conversationId) ?? 0)
          for (const m of page.messages) this.apply(m)
          this.cursor.applyPage(conversationId, page)
          if (!page.hasMore) break
        }
      } catch {
        // The next reconnect's list, or the next event's gap, tries again.
      } finally {
        this.running.delete(conversationId)
      }
    })()
    this.running.set(conversationId, run)
    return run
  }
}

/** The state with a changed message in place of its held copy (when loaded), and the conversation's preview and counter moved on. */
export function withChanged(state: ChatState, m: Message): Partial<ChatState> {
  const list = state.messages[m.conversationId]
  const messages = list
    ? { ...state.messages, [m.conversationId]: list.map((x) => (x.seq === m.seq ? mergeChanged(x, m) : withQuoteOf(x, m))) }
    : state.messages
  const conversations = state.conversations.map((c) => c.id !== m.conversationId ? c : {
    ...c,
    lastChangeSeq: Math.max(c.lastChangeSeq, m.changeSeq ?? 0),
    lastMessage: c.lastMessage?.seq === m.seq ? mergeChanged(c.lastMessage, m) : c.lastMessage,
  })
  return { messages, conversations }
}

/** A reply's quote follows the quoted message as the server would show it now: its new text, or recalled. */
function withQuoteOf(x: Message, quoted: Message): Message {
  if (x.replyTo?.messageId !== quoted.id) return x
  const text = quoted.recalled ? '' : [...quoted.text].slice(0, 100).join('')
  return { ...x, replyTo: { ...x.replyTo, text, ...(quoted.recalled ? { recalled: true } : {}) } }
}

/** The state with a message deleted for the user (on another device, or here). */
export function withHidden(state: ChatState, conversationId: string, seq: number): Partial<ChatState> {
  const list = state.messages[conversationId]
  if (!list) return {}
  return { messages: { ...state.messages, [conversationId]: list.map((x) => (x.seq === seq ? { ...x, hidden: true, text: '' } : x)) } }
}
