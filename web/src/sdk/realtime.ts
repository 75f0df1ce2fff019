import { backoffDelay } from './backoff'
import { TokenImApiError } from './errors'
import { newClientMsgId } from './ids'
import type { TokenImRest } from './rest'
import { ConversationStream } from './stream'
import type { Conversation, ConversationFrame, HiddenFrame, Message, PresenceFrame, ReceiptFrame, ServerFrame, SendOptions, SyncedFrame, TypingFrame } from './types'

/** The part of the browser WebSocket the client uses (a test passes a fake). */
export interface WebSocketLike {
  readonly readyState: number
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason?: string }) => void) | null
  onerror: ((event: unknown) => void) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'stopped'

/** A send not yet acknowledged by the server, resent with the same `clientMsgId` after every reconnect. */
export interface PendingSend {
  conversationId: string
  clientMsgId: string
  text: string
  /** A reply, forward or file the send carries (resent with it). */
  options?: SendOptions
}

export interface RealtimeHandlers {
  /** Messages delivered in seq order, exactly once per seq (own acked sends included). */
  message?: (message: Message) => void
  /** Conversations learned from `GET /conversations` on every (re)connect. */
  conversations?: (conversations: Conversation[]) => void
  conversation?: (frame: ConversationFrame) => void
  receipt?: (frame: ReceiptFrame) => void
  typing?: (frame: TypingFrame) => void
  presence?: (frame: PresenceFrame) => void
  /** A message was edited, recalled or its reactions changed; run it through a `ChangeCursor` (changes.ts) to spot gaps. */
  changed?: (message: Message) => void
  /** You deleted a message for yourself on another device. */
  hidden?: (frame: HiddenFrame) => void
  state?: (state: ConnectionState) => void
  /** A send the server refused for good (validation, not a member); it is no longer retried. */
  sendFailed?: (send: PendingSend, error: TokenImApiError) => void
  /**
   * The store was restored from a backup (a `ready` named another epoch than the first one seen). The client has
   * dropped every cursor and starts each conversation again at its `lastSeq`; drop every cached message and list and
   * load again (docs/protocol.md, "Restores and the epoch"). Called before the catch-up of that `ready`.
   */
  epochChanged?: (epoch: string, previous: string) => void
}

export interface RealtimeOptions {
  rest: TokenImRest
  /** Default: `/ws` on this page's origin, ws: or wss: to match. */
  url?: string
  createSocket?: (url: string, protocol: string) => WebSocketLike
  random?: () => number
  /** Where a conversation first seen in `GET /conversations` starts; the default `lastSeq` starts from now. */
  initialCursor?: (conversation: Conversation) => number
}

const protocol = 'tokenim.v1'
const syncLimit = 100

interface Waiter {
  resolve: (frame: ServerFrame) => void
  reject: (error: Error) => void
}

/**
 * The WebSocket client, following the reconnect contract of docs/protocol.md: per-conversation cursors, in-order
 * exactly-once delivery, catch-up with `sync` on every `ready`, unacked sends resent with their `clientMsgId`, and
 * jittered exponential back-off.
 */
export class TokenImRealtime {
  private readonly rest: TokenImRest
  private readonly url: string
  private readonly createSocket: (url: string, protocol: string) => WebSocketLike
  private readonly random: () => number
  private readonly initialCursor: (conversation: Conversation) => number
  private readonly streams = new Map<string, ConversationStream>()
  private readonly filling = new Map<string, Promise<void>>()
  private readonly pending: PendingSend[] = []
  private readonly waiters = new Map<string, Waiter>()
  /** Requests in flight on the socket, by frame id (sends resolve on ack). */
  private readonly inFlight = new Map<string, PendingSend>()
  private socket: WebSocketLike | null = null
  private sendsOpen = false
  private attempts = 0
  private nextId = 1
  private timer: ReturnType<typeof setTimeout> | undefined
  private stopped = true
  private currentState: ConnectionState = 'stopped'
  private currentEpoch: string | undefined
  private unsubscribeTokens: () => void = () => undefined

  /** Back on the network: skip the rest of the back-off. */
  private readonly onOnline = (): void => {
    if (this.stopped || this.socket) return
    clearTimeout(this.timer)
    this.connect()
  }

  /** Off the network: a socket may linger half-open for minutes; drop it now and show the state. */
  private readonly onOffline = (): void => {
    this.socket?.close(1000, 'offline')
  }

  constructor(options: RealtimeOptions, private readonly handlers: RealtimeHandlers = {}) {
    this.rest = options.rest
    this.url = options.url ?? defaultUrl()
    this.createSocket = options.createSocket ?? ((url, p) => new WebSocket(url, p) as unknown as WebSocketLike)
    this.random = options.random ?? Math.random
    this.initialCursor = options.initialCursor ?? ((c) => c.lastSeq)
  }

  get state(): ConnectionState {
    return this.currentState
  }

  /** The store's epoch from the first `ready` (undefined before it, or from a server that sends none). */
  get epoch(): string | undefined {
    return this.currentEpoch
  }

  /** The cursor of a conversation (the highest seq delivered), or undefined if not yet seen. */
  cursor(conversationId: string): number | undefined {
    return this.streams.get(conversationId)?.cursor
  }

  /** The sends not yet acknowledged, in the order they were made. */
  get pendingSends(): readonly PendingSend[] {
    return this.pending
  }

  /** Connects and keeps reconnecting until {@link stop}. */
  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.attempts = 0
    // A refreshed access token is handed to the live socket in-band (step 6).
    this.unsubscribeTokens = this.rest.onTokens((tokens) => {
      if (this.socket && this.currentState === 'online') this.socket.send(JSON.stringify({ op: 'refresh', id: this.id(), token: tokens.accessToken }))
    })
    globalThis.addEventListener?.('online', this.onOnline)
    globalThis.addEventListener?.('offline', this.onOffline)
    this.connect()
  }

  /** Closes the socket and stops reconnecting (sign-out). Pending sends are dropped; cursors are kept. */
  stop(): void {
    this.stopped = true
    clearTimeout(this.timer)
    this.unsubscribeTokens()
    globalThis.removeEventListener?.('online', this.onOnline)
    globalThis.removeEventListener?.('offline', this.onOffline)
    this.pending.length = 0
    const socket = this.socket
    this.socket = null
    this.failWaiters(new Error('stopped'))
    socket?.close(1000)
    this.setState('stopped')
  }

  /** Queues a message; it goes out now when online, else after the next catch-up. Returns its `clientMsgId`. */
  send(conversationId: string, text: string, clientMsgId: string = newClientMsgId(), options?: SendOptions): string {
    const send: PendingSend = { conversationId, clientMsgId, text, ...(options ? { options } : {}) }
    this.pending.push(send)
    if (this.sendsOpen) this.transmit(send)
    return clientMsgId
  }

  /** Moves the caller's read marker (fire and forget; members get a `receipt`). */
  read(conversationId: string, seq: number): void {
    if (this.currentState === 'online') this.socket?.send(JSON.stringify({ op: 'read', conversationId, seq }))
  }

  typing(conversationId: string): void {
    if (this.currentState === 'online') this.socket?.send(JSON.stringify({ op: 'typing', conversationId }))
  }

  /** Starts tracking a conversation at `cursor` if it is new to the client (no effect otherwise). */
  track(conversationId: string, cursor: number): void {
    if (!this.streams.has(conversationId)) this.streams.set(conversationId, new ConversationStream(conversationId, cursor))
  }

  /**
   * Remembers the first epoch; on another one (a restore) forgets every cursor, which index a history that was
   * replaced: seqs after the backup are given out again and must not be dropped as repeats.
   */
  private observeEpoch(epoch: string | undefined): void {
    if (epoch === undefined) return
    const previous = this.currentEpoch
    this.currentEpoch = epoch
    if (previous === undefined || previous === epoch) return
    this.streams.clear()
    this.filling.clear()
    this.handlers.epochChanged?.(epoch, previous)
  }

  /** Stops tracking a conversation the user is no longer in (left or removed). */
  untrack(conversationId: string): void {
    this.streams.delete(conversationId)
  }

  // ---- connection ----

  private connect(): void {
    if (this.stopped) return
    if (this.currentState === 'stopped') this.setState('connecting')
    const token = this.rest.accessToken
    if (!token) {
      this.stop()
      return
    }
    let socket: WebSocketLike
    try {
      socket = this.createSocket(this.url, protocol)
    } catch {
      this.scheduleReconnect()
      return
    }
    this.socket = socket
    socket.onopen = () => socket.send(JSON.stringify({ op: 'auth', token: this.rest.accessToken ?? token }))
    socket.onmessage = (event) => {
      if (this.socket !== socket || typeof event.data !== 'string') return
      let frame: ServerFrame
      try {
        frame = JSON.parse(event.data) as ServerFrame
      } catch {
        return // not JSON: a server bug; nothing this client can act on
      }
      this.dispatch(frame)
    }
    socket.onerror = () => undefined // onclose follows and does the work
    socket.onclose = (event) => {
      if (this.socket !== socket) return
      this.socket = null
      this.sendsOpen = false
      this.inFlight.clear()
      this.failWaiters(new Error('connection lost'))
      void this.afterClose(event.code)
    }
  }

  private async afterClose(code: number): Promise<void> {
    if (this.stopped) return
    if (code === 4001) {
      // Unauthenticated, expired or revoked: refresh, then reconnect with the same back-off (steps 2 and 6).
      try {
        await this.rest.refresh()
      } catch (error) {
        if (error instanceof TokenImApiError && error.isSignedOut) {
          this.stop()
          return
        }
      }
    }
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    if (this.stopped) return
    this.setState(typeof navigator !== 'undefined' && navigator.onLine === false ? 'offline' : 'reconnecting')
    const delay = backoffDelay(this.attempts, this.random)
    this.attempts++
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.connect(), delay)
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return
    this.currentState = state
    this.handlers.state?.(state)
  }

  // ---- inbound ----

  private dispatch(frame: ServerFrame): void {
    if ('re' in frame && frame.re !== undefined) {
      const waiter = this.waiters.get(frame.re)
      if (waiter) {
        this.waiters.delete(frame.re)
        if (frame.op === 'error') waiter.reject(new TokenImApiError(0, frame.code, frame.message, frame.errors, frame.retryAfterMs))
        else waiter.resolve(frame)
        return
      }
    }
    switch (frame.op) {
      case 'ready':
        this.attempts = 0
        this.observeEpoch(frame.epoch)
        void this.catchUp()
        break
      case 'message':
        this.offer(frame.message)
        break
      case 'ack': {
        const send = this.takePending(frame.clientMsgId, frame.conversationId)
        if (frame.re) this.inFlight.delete(frame.re)
        const senderId = this.rest.user?.id ?? ''
        this.offer({
          id: frame.messageId, conversationId: frame.conversationId, seq: frame.seq, senderId,
          clientMsgId: frame.clientMsgId, text: send?.text ?? '', createdAt: frame.createdAt,
        })
        break
      }
      case 'error':
        this.onSendError(frame.re, new TokenImApiError(0, frame.code, frame.message, frame.errors, frame.retryAfterMs))
        break
      case 'conversation':
        // Removed (or left): the server sends nothing more of it (reconnect contract, step 9).
        if (frame.event === 'member_removed' && !frame.conversation.memberIds.includes(this.rest.user?.id ?? '')) this.untrack(frame.conversation.id)
        // A new conversation starts from its current end; its history is a REST page away.
        else this.track(frame.conversation.id, frame.conversation.lastSeq)
        this.handlers.conversation?.(frame)
        break
      case 'receipt':
        this.handlers.receipt?.(frame)
        break
      case 'typing':
        this.handlers.typing?.(frame)
        break
      case 'presence':
        this.handlers.presence?.(frame)
        break
      case 'changed':
        this.handlers.changed?.(frame.message)
        break
      case 'hidden':
        this.handlers.hidden?.(frame)
        break
      default:
        break
    }
  }

  private offer(message: Message): void {
    // First sight through a message event: start just before it, so it is delivered.
    this.track(message.conversationId, message.seq - 1)
    const stream = this.streams.get(message.conversationId)!
    const result = stream.offer(message)
    for (const m of result.delivered) this.handlers.message?.(m)
    // A failed fill ends with the socket; the next ready catches up from the cursor.
    if (result.gap) this.fill(message.conversationId).catch(() => undefined)
  }

  /** Step 3: catch up every conversation above its cursor, then resend the unacked sends in order. */
  private async catchUp(): Promise<void> {
    const socket = this.socket
    try {
      const { conversations } = await this.rest.listConversations()
      for (const c of conversations) this.track(c.id, this.initialCursor(c))
      this.handlers.conversations?.(conversations)
      await Promise.all(conversations.filter((c) => c.lastSeq > (this.cursor(c.id) ?? 0)).map((c) => this.fill(c.id)))
    } catch {
      // The socket (or the network) failed during the catch-up: its close starts over; a REST failure with the
      // socket still up is retried by dropping the socket, so the next ready catches up again.
      if (this.socket === socket) socket?.close(4000, 'catch-up failed')
      return
    }
    if (this.socket !== socket || !socket) return
    this.sendsOpen = true
    this.setState('online')
    for (const send of this.pending) this.transmit(send)
  }

  /** Syncs one conversation from its cursor until `hasMore` is false; one run per conversation at a time. */
  private fill(conversationId: string): Promise<void> {
    const running = this.filling.get(conversationId)
    if (running) return running
    const run = (async () => {
      for (;;) {
        const stream = this.streams.get(conversationId)
        if (!stream) return
        const reply = (await this.request({ op: 'sync', conversationId, afterSeq: stream.cursor, limit: syncLimit })) as SyncedFrame
        const result = stream.offerAll(reply.messages)
        for (const m of result.delivered) this.handlers.message?.(m)
        if (!reply.hasMore || reply.messages.length === 0) return
      }
    })().finally(() => this.filling.delete(conversationId))
    this.filling.set(conversationId, run)
    return run
  }

  // ---- outbound ----

  private transmit(send: PendingSend): void {
    if (!this.socket) return
    const id = this.id()
    this.inFlight.set(id, send)
    this.socket.send(JSON.stringify({
      op: 'send', id, conversationId: send.conversationId, clientMsgId: send.clientMsgId, text: send.text, ...send.options,
    }))
  }

  private onSendError(re: string | undefined, error: TokenImApiError): void {
    const send = re ? this.inFlight.get(re) : undefined
    if (!re || !send) return
    this.inFlight.delete(re)
    if (error.code === 'rate_limited' || error.code === 'internal_error' || error.code === 'store_unavailable' || error.code === 'hook_unavailable') {
      // Transient: the same clientMsgId again after the wait keeps it idempotent. (message_rejected is not: the
      // app's before-send hook refused this text, and sending it unchanged would be refused again.)
      setTimeout(() => {
        // After a reconnect the catch-up has resent it already: once in flight is enough.
        if (this.sendsOpen && this.pending.includes(send) && ![...this.inFlight.values()].includes(send)) this.transmit(send)
      }, error.retryAfterMs ?? 1000)
      return
    }
    this.takePending(send.clientMsgId, send.conversationId)
    this.handlers.sendFailed?.(send, error)
  }

  private takePending(clientMsgId: string, conversationId: string): PendingSend | undefined {
    const index = this.pending.findIndex((p) => p.clientMsgId === clientMsgId && p.conversationId === conversationId)
    return index < 0 ? undefined : this.pending.splice(index, 1)[0]
  }

  private request(frame: Record<string, unknown>): Promise<ServerFrame> {
    const socket = this.socket
    if (!socket) return Promise.reject(new Error('not connected'))
    const id = this.id()
    return new Promise((resolve, reject) => {
      this.waiters.set(id, { resolve, reject })
      socket.send(JSON.stringify({ ...frame, id }))
    })
  }

  private failWaiters(error: Error): void {
    const waiters = [...this.waiters.values()]
    this.waiters.clear()
    for (const w of waiters) w.reject(error)
  }

  private id(): string {
    return String(this.nextId++)
  }
}

function defaultUrl(): string {
  const { protocol: scheme, host } = globalThis.location
  return `${scheme === 'https:' ? 'wss:' : 'ws:'}//${host}/ws`
}
