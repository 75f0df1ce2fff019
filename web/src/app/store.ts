import {
  TokenImRealtime, type ConnectionState, type Conversation, type Message, type PendingSend, type TokenImRest, type User,
} from '../sdk'
import { activeTypists, deliveredStatus, shouldSendTyping, typingShowMs, typingStarted, typingStopped, withPeerRead, type Typists } from './live'

const historyPage = 50

/** A message shown in the chat: a delivered one (has `seq`), or one of the user's sends still in flight. */
export interface ChatItem {
  key: string
  seq?: number
  senderId: string
  text: string
  createdAt?: string
  status: 'pending' | 'sent' | 'read' | 'failed'
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
}

/**
 * The app's state: the SDK's events folded into an immutable snapshot for `useSyncExternalStore`. History comes from
 * a REST page when a conversation opens; live messages from the realtime client; both merge by seq.
 */
export class ChatStore {
  private state: ChatState
  private readonly listeners = new Set<() => void>()
  private readonly realtime: TokenImRealtime
  private readonly fetchingUsers = new Set<string>()
  private readonly typingSentAt = new Map<string, number>()
  private readonly fetchedReads = new Set<string>()
  private readonly typingTimers = new Set<ReturnType<typeof setTimeout>>()

  constructor(private readonly rest: TokenImRest, me: User) {
    this.state = {
      me, connection: 'connecting', conversations: [], messages: {}, outbox: {}, users: { [me.id]: me },
      loadingHistory: {}, hasOlder: {}, activeId: null, typing: {}, online: {}, peerReads: {},
    }
    this.realtime = new TokenImRealtime({ rest }, {
      message: (m) => this.onMessage(m),
      conversations: (list) => this.mergeConversations(list),
      conversation: (frame) => this.mergeConversations([frame.conversation]),
      receipt: (r) => {
        if (r.userId === this.state.me.id) this.updateConversation(r.conversationId, (c) => withRead(c, r.seq))
        else this.setPeerRead(r.conversationId, r.userId, r.seq)
      },
      typing: (f) => {
        if (f.userId !== this.state.me.id) this.onTyping(f.conversationId, f.userId)
      },
      presence: (p) => this.set({ online: { ...this.state.online, [p.userId]: p.online } }),
      state: (connection) => {
        this.set({ connection })
        if (connection !== 'online') return
        // Receipts sent while the socket was down are lost: read the markers again.
        this.fetchedReads.clear()
        if (this.state.activeId) this.loadPeerReads(this.state.activeId)
      },
      sendFailed: (send) => this.markFailed(send),
    })
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): ChatState => this.state

  start(): void {
    this.realtime.start()
  }

  stop(): void {
    this.realtime.stop()
    for (const timer of this.typingTimers) clearTimeout(timer)
    this.typingTimers.clear()
  }

  /** The name to show for a conversation: the group's title, or the other person's display name. */
  title(c: Conversation): string {
    if (c.type === 'group') return c.title ?? ''
    const peer = c.memberIds.find((id) => id !== this.state.me.id) ?? this.state.me.id
    return this.state.users[peer]?.displayName ?? '…'
  }

  /** The other person of a direct chat (undefined for a group). */
  peerId(c: Conversation): string | undefined {
    if (c.type !== 'direct') return undefined
    return c.memberIds.find((id) => id !== this.state.me.id) ?? this.state.me.id
  }

  /** Tells the other members the user is typing, at most every 3 s per conversation. */
  userTyping(conversationId: string): void {
    const now = Date.now()
    if (!shouldSendTyping(this.typingSentAt.get(conversationId), now)) return
    this.typingSentAt.set(conversationId, now)
    this.realtime.typing(conversationId)
  }

  /** The display names of the people typing in a conversation now. */
  typingNames(conversationId: string): string[] {
    return activeTypists(this.state.typing[conversationId], Date.now()).map((id) => this.displayName(id))
  }

  displayName(userId: string): string {
    return this.state.users[userId]?.displayName ?? '…'
  }

  async open(conversationId: string | null): Promise<void> {
    this.set({ activeId: conversationId })
    if (!conversationId) return
    this.markRead(conversationId)
    this.loadPeerReads(conversationId)
    if (this.state.messages[conversationId] || this.state.loadingHistory[conversationId]) return
    this.set({ loadingHistory: { ...this.state.loadingHistory, [conversationId]: true } })
    try {
      const page = await this.rest.messages(conversationId, { limit: historyPage })
      for (const m of page.messages) this.insert(m)
      if (!this.state.messages[conversationId]) this.set({ messages: { ...this.state.messages, [conversationId]: [] } })
      this.set({ hasOlder: { ...this.state.hasOlder, [conversationId]: page.hasMore } })
    } finally {
      this.set({ loadingHistory: { ...this.state.loadingHistory, [conversationId]: false } })
    }
  }

  /** Loads the page before the oldest loaded message (scrolling up). */
  async loadOlder(conversationId: string): Promise<void> {
    const oldest = this.state.messages[conversationId]?.[0]
    if (!oldest || !this.state.hasOlder[conversationId] || this.state.loadingHistory[conversationId]) return
    this.set({ loadingHistory: { ...this.state.loadingHistory, [conversationId]: true } })
    try {
      const page = await this.rest.messages(conversationId, { beforeSeq: oldest.seq, limit: historyPage })
      for (const m of page.messages) this.insert(m)
      this.set({ hasOlder: { ...this.state.hasOlder, [conversationId]: page.hasMore && oldest.seq > 1 } })
    } finally {
      this.set({ loadingHistory: { ...this.state.loadingHistory, [conversationId]: false } })
    }
  }

  send(conversationId: string, text: string): void {
    this.typingSentAt.delete(conversationId)
    const clientMsgId = this.realtime.send(conversationId, text)
    const list = this.state.outbox[conversationId] ?? []
    this.set({ outbox: { ...this.state.outbox, [conversationId]: [...list, { conversationId, clientMsgId, text }] } })
  }

  /** Sends a refused message again (a new send: the server refused the old clientMsgId for good). */
  retry(conversationId: string, clientMsgId: string): void {
    const list = this.state.outbox[conversationId] ?? []
    const item = list.find((p) => p.clientMsgId === clientMsgId)
    if (!item) return
    this.set({ outbox: { ...this.state.outbox, [conversationId]: list.filter((p) => p !== item) } })
    this.send(conversationId, item.text)
  }

  async startDirect(user: User): Promise<string> {
    this.set({ users: { ...this.state.users, [user.id]: user } })
    const conversation = await this.rest.createDirect(user.id)
    this.mergeConversations([conversation])
    return conversation.id
  }

  async createGroup(title: string, members: User[]): Promise<string> {
    const users = { ...this.state.users }
    for (const u of members) users[u.id] = u
    this.set({ users })
    const conversation = await this.rest.createGroup(title, members.map((u) => u.id))
    this.mergeConversations([conversation])
    return conversation.id
  }

  searchUsers(query: string): Promise<User[]> {
    return this.rest.searchUsers(query, 20).then((r) => r.users.filter((u) => u.id !== this.state.me.id))
  }

  /** Messages and sends of a conversation in display order. */
  items(conversationId: string): ChatItem[] {
    const reads = this.state.peerReads[conversationId]
    const delivered: ChatItem[] = (this.state.messages[conversationId] ?? []).map((m) => ({
      key: `s${m.seq}`, seq: m.seq, senderId: m.senderId, text: m.text, createdAt: m.createdAt,
      status: deliveredStatus(m.senderId === this.state.me.id, m.seq, reads),
    }))
    const pending: ChatItem[] = (this.state.outbox[conversationId] ?? []).map((p) => ({
      key: `p${p.clientMsgId}`, senderId: this.state.me.id, text: p.text, status: p.failed ? 'failed' : 'pending',
    }))
    return [...delivered, ...pending]
  }

  // ---- event folding ----

  private onMessage(m: Message): void {
    this.insert(m)
    const typists = this.state.typing[m.conversationId]
    const remaining = typingStopped(typists, m.senderId)
    if (remaining !== typists) this.set({ typing: { ...this.state.typing, [m.conversationId]: remaining ?? {} } })
    const mine = m.senderId === this.state.me.id
    if (mine) {
      const list = this.state.outbox[m.conversationId]
      if (list?.some((p) => p.clientMsgId === m.clientMsgId))
        this.set({ outbox: { ...this.state.outbox, [m.conversationId]: list.filter((p) => p.clientMsgId !== m.clientMsgId) } })
    }
    this.updateConversation(m.conversationId, (c) => {
      const lastSeq = Math.max(c.lastSeq, m.seq)
      const readSeq = mine ? Math.max(c.readSeq, m.seq) : c.readSeq
      const newer = !c.lastMessage || m.seq >= c.lastMessage.seq
      return {
        ...c, lastSeq, readSeq, unreadCount: Math.max(0, lastSeq - readSeq),
        lastMessage: newer ? m : c.lastMessage, updatedAt: newer && m.createdAt > c.updatedAt ? m.createdAt : c.updatedAt,
      }
    })
    if (!this.state.conversations.some((c) => c.id === m.conversationId))
      void this.rest.getConversation(m.conversationId).then((c) => this.mergeConversations([c]), () => undefined)
    if (!mine && this.state.activeId === m.conversationId && document.visibilityState === 'visible') this.markRead(m.conversationId)
  }

  private onTyping(conversationId: string, userId: string): void {
    this.set({ typing: { ...this.state.typing, [conversationId]: typingStarted(this.state.typing[conversationId], userId, Date.now()) } })
    // Re-render when this indicator expires (the snapshot is new, so the view recomputes who is still typing).
    const timer = setTimeout(() => {
      this.typingTimers.delete(timer)
      this.set({ typing: { ...this.state.typing } })
    }, typingShowMs + 50)
    this.typingTimers.add(timer)
  }

  private setPeerRead(conversationId: string, userId: string, seq: number): void {
    this.set({ peerReads: { ...this.state.peerReads, [conversationId]: withPeerRead(this.state.peerReads[conversationId], userId, seq) } })
  }

  /** The other members' read markers as the server has them (live `receipt`s move them on). */
  private loadPeerReads(conversationId: string): void {
    if (this.fetchedReads.has(conversationId)) return
    this.fetchedReads.add(conversationId)
    this.rest.members(conversationId).then(
      (r) => {
        for (const m of r.members) if (m.userId !== this.state.me.id) this.setPeerRead(conversationId, m.userId, m.readSeq)
      },
      () => this.fetchedReads.delete(conversationId),
    )
  }

  private insert(m: Message): void {
    const list = this.state.messages[m.conversationId] ?? []
    if (list.some((x) => x.seq === m.seq)) return
    const next = [...list, m].sort((a, b) => a.seq - b.seq)
    this.set({ messages: { ...this.state.messages, [m.conversationId]: next } })
  }

  private markRead(conversationId: string): void {
    const c = this.state.conversations.find((x) => x.id === conversationId)
    if (!c || c.readSeq >= c.lastSeq) return
    const seq = c.lastSeq
    this.updateConversation(conversationId, (x) => withRead(x, seq))
    void this.rest.markRead(conversationId, seq).catch(() => undefined)
  }

  private markFailed(send: PendingSend): void {
    const list = this.state.outbox[send.conversationId] ?? []
    this.set({
      outbox: {
        ...this.state.outbox,
        [send.conversationId]: list.map((p) => (p.clientMsgId === send.clientMsgId ? { ...p, failed: true } : p)),
      },
    })
  }

  private mergeConversations(list: Conversation[]): void {
    const byId = new Map(this.state.conversations.map((c) => [c.id, c]))
    for (const c of list) {
      const known = byId.get(c.id)
      // Live events may have moved a conversation further than a slightly older list says.
      byId.set(c.id, known && known.lastSeq > c.lastSeq ? { ...c, lastSeq: known.lastSeq, lastMessage: known.lastMessage, updatedAt: known.updatedAt } : c)
    }
    this.set({ conversations: sortByActivity([...byId.values()]) })
    if (this.state.activeId) this.markRead(this.state.activeId)
    for (const c of list) for (const id of c.memberIds) this.ensureUser(id)
  }

  private updateConversation(id: string, change: (c: Conversation) => Conversation): void {
    if (!this.state.conversations.some((c) => c.id === id)) return
    this.set({ conversations: sortByActivity(this.state.conversations.map((c) => (c.id === id ? change(c) : c))) })
  }

  private ensureUser(id: string): void {
    if (this.state.users[id] || this.fetchingUsers.has(id)) return
    this.fetchingUsers.add(id)
    this.rest.getUser(id).then(
      (u) => this.set({ users: { ...this.state.users, [u.id]: u } }),
      () => this.fetchingUsers.delete(id),
    )
  }

  private set(change: Partial<ChatState>): void {
    this.state = { ...this.state, ...change }
    for (const l of this.listeners) l()
  }
}

function withRead(c: Conversation, seq: number): Conversation {
  const readSeq = Math.max(c.readSeq, seq)
  return { ...c, readSeq, unreadCount: Math.max(0, c.lastSeq - readSeq) }
}

function sortByActivity(list: Conversation[]): Conversation[] {
  return list.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0))
}
