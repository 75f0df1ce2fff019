import { TokenImApiError, TokenImRealtime, type Conversation, type Message, type PendingSend, type SendOptions, type TokenImRest, type User } from '../sdk'
import { activeTypists, shouldSendTyping, typingShowMs, typingStarted, typingStopped, withPeerRead } from './live'
import { ExternalStore, chatItems, withoutConversation, type ChatItem, type ChatState } from './chatState'
import { isOwnRemoval, mergeConversations, sortByActivity, withMessage, withRead } from './conversations'
import { DraftStore, sessionStorageOrNull } from './drafts'
import { MembersStore } from './members'
import { ChangeSync, withChanged, withHidden } from './messageChanges'

export type { ChatItem, ChatState } from './chatState'

const historyPage = 50

/**
 * The app's state: the SDK's events folded into an immutable snapshot for `useSyncExternalStore`. History comes from
 * a REST page when a conversation opens; live messages from the realtime client; both merge by seq.
 */
export class ChatStore extends ExternalStore<ChatState> {
  private readonly realtime: TokenImRealtime
  private readonly fetchingUsers = new Set<string>()
  private readonly typingSentAt = new Map<string, number>()
  private readonly fetchedReads = new Set<string>()
  private readonly typingTimers = new Set<ReturnType<typeof setTimeout>>()
  private readonly incoming = new Set<(m: Message) => void>()
  /** Group member lists, for the details panel (a store of its own: it changes apart from the chat). */
  readonly members: MembersStore
  /** Unsent drafts by conversation (see drafts.ts for why sessionStorage). */
  readonly drafts: DraftStore
  /** Edits, recalls and reactions, kept current by their change cursor. */
  readonly changes: ChangeSync

  /**
   * @param reload what to do when the store was restored from a backup (the socket's epoch changed): by default the
   * page reloads, so every conversation, message and cursor is loaded again from the restored store at once.
   */
  constructor(private readonly rest: TokenImRest, me: User, reload: () => void = () => globalThis.location.reload()) {
    super({
      me, connection: 'connecting', conversations: [], messages: {}, outbox: {}, users: { [me.id]: me },
      loadingHistory: {}, hasOlder: {}, activeId: null, typing: {}, online: {}, peerReads: {}, goneTitle: null,
    })
    this.members = new MembersStore(rest, (ids) => ids.forEach((id) => this.ensureUser(id)))
    this.drafts = new DraftStore(sessionStorageOrNull(), `tokenim.drafts.${me.id}`)
    this.changes = new ChangeSync(rest, (m) => this.set(withChanged(this.state, m)))
    this.realtime = new TokenImRealtime({ rest }, {
      message: (m) => this.onMessage(m),
      conversations: (list) => this.onFullList(list),
      conversation: (frame) => {
        if (isOwnRemoval(frame.event, frame.conversation, this.state.me.id)) this.forget(frame.conversation.id)
        else this.applyConversations([frame.conversation])
        this.members.changed(frame.conversation.id)
      },
      receipt: (r) => {
        if (r.userId === this.state.me.id) this.patchConversation(r.conversationId, (c) => withRead(c, r.seq))
        else this.setPeerRead(r.conversationId, r.userId, r.seq)
      },
      typing: (f) => {
        if (f.userId !== this.state.me.id) this.onTyping(f.conversationId, f.userId)
      },
      presence: (p) => this.set({ online: { ...this.state.online, [p.userId]: p.online } }),
      changed: (m) => this.changes.onChanged(m),
      hidden: (f) => this.hideLocally(f.conversationId, f.seq),
      state: (connection) => {
        this.set({ connection })
        if (connection !== 'online') return
        // Receipts sent while the socket was down are lost: read the markers again.
        this.fetchedReads.clear()
        if (this.state.activeId) this.loadPeerReads(this.state.activeId)
      },
      sendFailed: (send) => this.markFailed(send),
      // Reloading is simpler and surer than unpicking every cached list, page and cursor; drafts survive it
      // (sessionStorage), and the session too when the backup holds it (else the sign-in screen shows).
      epochChanged: () => {
        this.realtime.stop()
        reload()
      },
    })
  }

  /** Called for every message delivered live or by catch-up (not for history pages); returns the unsubscribe. */
  onIncoming(listener: (m: Message) => void): () => void {
    this.incoming.add(listener)
    return () => this.incoming.delete(listener)
  }

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
    this.set({ activeId: conversationId, goneTitle: null })
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

  send(conversationId: string, text: string, options?: SendOptions): void {
    this.typingSentAt.delete(conversationId)
    const clientMsgId = this.realtime.send(conversationId, text, undefined, options)
    const list = this.state.outbox[conversationId] ?? []
    this.set({ outbox: { ...this.state.outbox, [conversationId]: [...list, { conversationId, clientMsgId, text, ...(options ? { options } : {}) }] } })
  }

  /** Shows a message as changed at once (the `changed` event that follows finds it applied). */
  applyChanged(m: Message): void {
    this.set(withChanged(this.state, m))
  }

  hideLocally(conversationId: string, seq: number): void {
    this.set(withHidden(this.state, conversationId, seq))
  }

  setBlocked(userId: string, blocked: boolean): void {
    this.set({ blocked: { ...this.state.blocked, [userId]: blocked } })
  }

  /** Sends a refused message again (a new send: the server refused the old clientMsgId for good). */
  retry(conversationId: string, clientMsgId: string): void {
    const list = this.state.outbox[conversationId] ?? []
    const item = list.find((p) => p.clientMsgId === clientMsgId)
    if (!item) return
    this.set({ outbox: { ...this.state.outbox, [conversationId]: list.filter((p) => p !== item) } })
    this.send(conversationId, item.text, item.options)
  }

  /** Caches users the app already holds (search results), so their names show without a fetch. */
  rememberUsers(list: User[]): void {
    const users = { ...this.state.users }
    for (const u of list) users[u.id] = u
    this.set({ users })
  }

  async startDirect(user: User): Promise<string> {
    this.rememberUsers([user])
    const conversation = await this.rest.createDirect(user.id)
    this.applyConversations([conversation])
    return conversation.id
  }

  async createGroup(title: string, members: User[]): Promise<string> {
    this.rememberUsers(members)
    const conversation = await this.rest.createGroup(title, members.map((u) => u.id))
    this.applyConversations([conversation])
    return conversation.id
  }

  searchUsers(query: string): Promise<User[]> {
    return this.rest.searchUsers(query, 20).then((r) => r.users.filter((u) => u.id !== this.state.me.id))
  }

  /** Messages and sends of a conversation in display order. */
  items(conversationId: string): ChatItem[] {
    return chatItems(this.state, conversationId)
  }

  private onMessage(m: Message): void {
    this.insert(m)
    const typists = this.state.typing[m.conversationId]
    const remaining = typingStopped(typists, m.senderId)
    if (remaining !== typists) this.set({ typing: { ...this.state.typing, [m.conversationId]: remaining ?? {} } })
    const mine = m.senderId === this.state.me.id
    for (const listener of this.incoming) listener(m)
    if (mine) {
      const list = this.state.outbox[m.conversationId]
      if (list?.some((p) => p.clientMsgId === m.clientMsgId))
        this.set({ outbox: { ...this.state.outbox, [m.conversationId]: list.filter((p) => p.clientMsgId !== m.clientMsgId) } })
    }
    this.patchConversation(m.conversationId, (c) => withMessage(c, m, mine, this.state.me.id))
    if (!this.state.conversations.some((c) => c.id === m.conversationId))
      void this.rest.getConversation(m.conversationId).then((c) => this.applyConversations([c]), () => undefined)
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
    this.patchConversation(conversationId, (x) => withRead(x, seq))
    void this.rest.markRead(conversationId, seq).catch(() => undefined)
  }

  private markFailed(send: PendingSend): void {
    const list = (this.state.outbox[send.conversationId] ?? []).map((p) => (p.clientMsgId === send.clientMsgId ? { ...p, failed: true } : p))
    this.set({ outbox: { ...this.state.outbox, [send.conversationId]: list } })
  }

  /** Merges conversations as the server sent them (a live event's view may be newer than a list's). */
  applyConversations(list: Conversation[]): void {
    this.set({ conversations: mergeConversations(this.state.conversations, list) })
    // A conversation is tracked from the moment it is known (a live event, a list), so a change missed later is seen.
    this.changes.onConversations(list)
    if (this.state.activeId) this.markRead(this.state.activeId)
    for (const c of list) for (const id of c.memberIds) this.ensureUser(id)
  }

  /**
   * The full list after a (re)connect. A conversation known here but missing from it may have been left or lost while
   * the socket was down (its event was missed) — or have been created after the list was read: ask the server which.
   */
  private onFullList(list: Conversation[]): void {
    this.applyConversations(list)
    const listed = new Set(list.map((c) => c.id))
    for (const c of this.state.conversations) {
      if (listed.has(c.id)) continue
      this.rest.getConversation(c.id).then(
        (fresh) => this.applyConversations([fresh]),
        (error: unknown) => {
          if (error instanceof TokenImApiError && error.code === 'conversation_not_found') this.forget(c.id)
        },
      )
    }
  }

  /** Drops every trace of a conversation the user is no longer in (docs/protocol.md, reconnect contract step 9). */
  forget(id: string): void {
    const gone = this.state.conversations.find((c) => c.id === id)
    if (!gone) return
    this.realtime.untrack(id)
    this.members.forget(id)
    this.drafts.set(id, '')
    this.fetchedReads.delete(id)
    this.set(withoutConversation(this.state, id, this.title(gone)))
  }

  /** Changes one known conversation (no effect on an unknown one). */
  patchConversation(id: string, change: (c: Conversation) => Conversation): void {
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
}
