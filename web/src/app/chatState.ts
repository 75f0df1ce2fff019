import type { ConnectionState, Conversation, Message, PendingSend, User } from '../sdk'
import { deliveredStatus, type Typists } from './live'

/** A message shown in the chat: a delivered one (has `seq`), or one of the user's sends still in flight. */
export interface ChatItem {
  key: string
  seq?: number
  /** For a send in flight (pending or failed): its clientMsgId, to retry it. */
  clientMsgId?: string
  senderId: string
  text: string
  createdAt?: string
  status: 'pending' | 'sent' | 'read' | 'failed'
  /** The delivered message itself (its reply, reactions, file, edit and recall state). */
  message?: Message
}

export interface ChatState {
  me: User
  connection: ConnectionState
  /** Most recently active first. */
  conversations: Conversation[]
  /** Delivered messages by conversation, ascending by seq. */
  messages: Record<string, Message[]>
  /** The user's unacknowledged or refused sends, by conversation, in order. */
  outbox: Record<string, (PendingSend & { failed?: boolean })[]>
  users: Record<string, User>
  loadingHistory: Record<string, boolean>
  /** Whether older history than what is loaded exists, by conversation. */
  hasOlder: Record<string, boolean>
  activeId: string | null
  /** Who is typing, by conversation (user id → expiry, epoch ms). */
  typing: Record<string, Typists>
  /** Presence by user id (absent: unknown, shown as offline). */
  online: Record<string, boolean>
  /** The other members' read markers, by conversation (user id → seq). */
  peerReads: Record<string, Record<string, number>>
  /** The title of the open conversation the user just left or was removed from (shown instead of it). */
  goneTitle: string | null
  /** Users the user has blocked (by id). */
  blocked?: Record<string, boolean>
}

/** A snapshot store for `useSyncExternalStore`: every change makes a new snapshot object and tells the listeners. */
export abstract class ExternalStore<S> {
  private readonly listeners = new Set<() => void>()

  protected constructor(protected state: S) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): S => this.state

  protected set(change: Partial<S>): void {
    this.state = { ...this.state, ...change }
    for (const l of this.listeners) l()
  }
}

/** Messages and sends of a conversation in display order: the delivered ones by seq, then the sends in flight. */
export function chatItems(state: ChatState, conversationId: string): ChatItem[] {
  const reads = state.peerReads[conversationId]
  // A message the user deleted for themselves is not shown; its seq stays known, so no gap is fetched for it.
  const delivered: ChatItem[] = (state.messages[conversationId] ?? []).filter((m) => !m.hidden).map((m) => ({
    key: `s${m.seq}`, seq: m.seq, senderId: m.senderId, text: m.text, createdAt: m.createdAt,
    status: deliveredStatus(m.senderId === state.me.id, m.seq, reads), message: m,
  }))
  const pending: ChatItem[] = (state.outbox[conversationId] ?? []).map((p) => ({
    key: `p${p.clientMsgId}`, clientMsgId: p.clientMsgId, senderId: state.me.id, text: p.text, status: p.failed ? 'failed' : 'pending',
  }))
  return [...delivered, ...pending]
}

/** The state without a conversation the user is no longer in; when it was open, `title` is kept to say so. */
export function withoutConversation(state: ChatState, id: string, title: string): Partial<ChatState> {
  const without = <T,>(record: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(record).filter(([k]) => k !== id))
  const wasOpen = state.activeId === id
  return {
    conversations: state.conversations.filter((c) => c.id !== id),
    messages: without(state.messages), outbox: without(state.outbox), hasOlder: without(state.hasOlder),
    typing: without(state.typing), peerReads: without(state.peerReads),
    activeId: wasOpen ? null : state.activeId, goneTitle: wasOpen ? title : state.goneTitle,
  }
}
