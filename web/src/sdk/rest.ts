import { TokenImApiError, toApiError } from './errors'
import type { Conversation, Member, Message, MessagePage, Role, Session, TokenResponse, User } from './types'

export interface RestOptions {
  /** Origin and prefix of the server; '' (the default) means this page's origin. */
  baseUrl?: string
  /** Sent as `deviceName` on sign-in. */
  deviceName?: string
  fetch?: typeof fetch
}

type Listener<T> = (value: T) => void

/**
 * The REST API of docs/protocol.md. The access token lives in memory only; the refresh token lives in the server's
 * HttpOnly `tokenim_refresh` cookie (cookie mode), out of JavaScript's reach. A server without cookie mode still
 * returns it in the body: it is then kept in memory only, never stored, so a reload needs a new sign-in.
 */
export class TokenImRest {
  private readonly base: string
  private readonly deviceName?: string
  private readonly doFetch: typeof fetch
  private access: string | null = null
  private bodyRefreshToken = ''
  private refreshing: Promise<TokenResponse> | null = null
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private currentUser: User | null = null
  private readonly tokenListeners = new Set<Listener<TokenResponse>>()
  private readonly signedOutListeners = new Set<Listener<TokenImApiError | null>>()

  constructor(options: RestOptions = {}) {
    this.base = `${options.baseUrl ?? ''}/api/v1`
    this.deviceName = options.deviceName
    this.doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  }

  get accessToken(): string | null {
    return this.access
  }

  get user(): User | null {
    return this.currentUser
  }

  /** Called after every sign-in and refresh (the realtime client forwards the new token on its socket). */
  onTokens(listener: Listener<TokenResponse>): () => void {
    this.tokenListeners.add(listener)
    return () => this.tokenListeners.delete(listener)
  }

  /** Called when the session is over: signed out here, revoked elsewhere, or the refresh token refused. */
  onSignedOut(listener: Listener<TokenImApiError | null>): () => void {
    this.signedOutListeners.add(listener)
    return () => this.signedOutListeners.delete(listener)
  }

  // ---- accounts ----

  register(username: string, password: string, displayName?: string): Promise<TokenResponse> {
    return this.signIn('/auth/register', { username, password, displayName: displayName || undefined })
  }

  login(username: string, password: string): Promise<TokenResponse> {
    return this.signIn('/auth/login', { username, password })
  }

  /**
   * Rotates the tokens (single flight: concurrent callers share one request). In cookie mode the body is `{}` and the
   * server reads the cookie. A refused refresh signs the user out.
   */
  refresh(): Promise<TokenResponse> {
    this.refreshing ??= this.call<TokenResponse>('POST', '/auth/refresh', this.bodyRefreshToken ? { refreshToken: this.bodyRefreshToken } : {}, false)
      .then((tokens) => this.accept(tokens))
      .catch((error: unknown) => {
        if (error instanceof TokenImApiError && error.isSignedOut) this.clear(error)
        throw error
      })
      .finally(() => {
        this.refreshing = null
      })
    return this.refreshing
  }

  /**
   * On page load: tries the refresh cookie; resolves to the user, or null when there is no live session. Only tried
   * when this browser signed in before (a non-secret marker), so a first visit makes no refresh that must fail.
   */
  async restore(): Promise<User | null> {
    if (!sessionMarker.get()) return null
    try {
      return (await this.refresh()).user
    } catch (error) {
      if (error instanceof TokenImApiError && (error.status === 401 || error.status === 400)) return null
      throw error
    }
  }

  async logout(): Promise<void> {
    try {
      if (this.access) await this.call<void>('POST', '/auth/logout', undefined, true)
    } finally {
      this.clear(null)
    }
  }

  sessions(): Promise<{ sessions: Session[] }> {
    return this.call('GET', '/auth/sessions')
  }

  revokeSession(id: string): Promise<void> {
    return this.call('DELETE', `/auth/sessions/${encodeURIComponent(id)}`)
  }

  // ---- users ----

  me(): Promise<User> {
    return this.call('GET', '/users/me')
  }

  getUser(id: string): Promise<User> {
    return this.call('GET', `/users/${encodeURIComponent(id)}`)
  }

  searchUsers(query: string, limit = 20): Promise<{ users: User[] }> {
    return this.call('GET', `/users?${new URLSearchParams({ query, limit: String(limit) })}`)
  }

  // ---- conversations ----

  listConversations(): Promise<{ conversations: Conversation[] }> {
    return this.call('GET', '/conversations')
  }

  /** The direct conversation with `peerId`: created, or the existing one of the pair. */
  createDirect(peerId: string): Promise<Conversation> {
    return this.call('POST', '/conversations', { type: 'direct', peerId })
  }

  createGroup(title: string, memberIds: string[] = []): Promise<Conversation> {
    return this.call('POST', '/conversations', { type: 'group', title, memberIds })
  }

  getConversation(id: string): Promise<Conversation> {
    return this.call('GET', `/conversations/${encodeURIComponent(id)}`)
  }

  /** Renames a group (owners and admins). */
  renameConversation(id: string, title: string): Promise<Conversation> {
    return this.call('PATCH', `/conversations/${encodeURIComponent(id)}`, { title })
  }

  members(id: string): Promise<{ members: Member[] }> {
    return this.call('GET', `/conversations/${encodeURIComponent(id)}/members`)
  }

  /** Adds users to a group (owners and admins); users already in it are skipped. */
  addMembers(id: string, userIds: string[]): Promise<Conversation> {
    return this.call('POST', `/conversations/${encodeURIComponent(id)}/members`, { userIds })
  }

  /** Removes a member (by role), or leaves when `userId` is the caller's own id. */
  removeMember(id: string, userId: string): Promise<void> {
    return this.call('DELETE', `/conversations/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`)
  }

  /** Changes a member's role (owner only); `owner` hands ownership over. */
  setMemberRole(id: string, userId: string, role: Role): Promise<Member> {
    return this.call('PATCH', `/conversations/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`, { role })
  }

  // ---- messages ----

  /** A history page, ascending by seq; both bounds exclusive; neither → the newest `limit`. */
  messages(id: string, page: { afterSeq?: number; beforeSeq?: number; limit?: number } = {}): Promise<MessagePage> {
    const query = new URLSearchParams()
    if (page.afterSeq !== undefined) query.set('afterSeq', String(page.afterSeq))
    if (page.beforeSeq !== undefined) query.set('beforeSeq', String(page.beforeSeq))
    if (page.limit !== undefined) query.set('limit', String(page.limit))
    const suffix = query.size ? `?${query}` : ''
    return this.call('GET', `/conversations/${encodeURIComponent(id)}/messages${suffix}`)
  }

  /** Idempotent on `clientMsgId`: a retry returns the original message. */
  sendMessage(id: string, clientMsgId: string, text: string): Promise<Message> {
    return this.call('POST', `/conversations/${encodeURIComponent(id)}/messages`, { clientMsgId, text })
  }

  markRead(id: string, seq: number): Promise<void> {
    return this.call('POST', `/conversations/${encodeURIComponent(id)}/read`, { seq })
  }

  // ---- plumbing ----

  /**
   * An authenticated call of any route under `/api/v1` (refreshed once on an expired token, like every call here), for
   * the feature modules beside this one (changes.ts, …) so each keeps its routes in its own file.
   */
  request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.call<T>(method, path, body)
  }

  private async signIn(path: string, body: Record<string, unknown>): Promise<TokenResponse> {
    const tokens = await this.call<TokenResponse>('POST', path, { ...body, deviceName: this.deviceName, refreshTokenCookie: true }, false)
    return this.accept(tokens)
  }

  private accept(tokens: TokenResponse): TokenResponse {
    this.access = tokens.accessToken
    this.bodyRefreshToken = tokens.refreshToken ?? ''
    this.currentUser = tokens.user
    sessionMarker.set(true)
    clearTimeout(this.refreshTimer)
    // Refresh at about 80 % of the lifetime (reconnect contract, step 6).
    this.refreshTimer = setTimeout(() => void this.refresh().catch(() => undefined), tokens.expiresIn * 800)
    for (const listener of this.tokenListeners) listener(tokens)
    return tokens
  }

  private clear(reason: TokenImApiError | null): void {
    const wasSignedIn = this.access !== null
    this.access = null
    this.bodyRefreshToken = ''
    this.currentUser = null
    sessionMarker.set(false)
    clearTimeout(this.refreshTimer)
    if (wasSignedIn) for (const listener of this.signedOutListeners) listener(reason)
  }

  /** One request; with `auth`, an expired or refused access token is refreshed once and the request repeated. */
  private async call<T>(method: string, path: string, body?: unknown, auth = true): Promise<T> {
    const response = await this.send(method, path, body, auth)
    if (response.ok) return (response.status === 204 ? undefined : await response.json()) as T
    const error = await toApiError(response)
    if (auth && (error.code === 'token_expired' || error.code === 'invalid_token') && this.access) {
      await this.refresh()
      const again = await this.send(method, path, body, auth)
      if (again.ok) return (again.status === 204 ? undefined : await again.json()) as T
      throw await this.signOutOn(await toApiError(again))
    }
    throw await this.signOutOn(error)
  }

  private signOutOn(error: TokenImApiError): TokenImApiError {
    if (error.code === 'session_revoked') this.clear(error)
    return error
  }

  private async send(method: string, path: string, body: unknown, auth: boolean): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    if (auth && this.access) headers.Authorization = `Bearer ${this.access}`
    try {
      return await this.doFetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      })
    } catch (cause) {
      throw new TokenImApiError(0, 'network_error', cause instanceof Error ? cause.message : 'The request failed.')
    }
  }
}

/**
 * Whether this browser holds a session cookie worth trying: a flag, not a secret (the refresh token itself stays in the
 * HttpOnly cookie). Where storage is unavailable (some private modes) every load tries the cookie.
 */
const sessionMarker = {
  key: 'tokenim.hasSession',
  get(): boolean {
    try {
      return globalThis.localStorage?.getItem(this.key) === 'yes'
    } catch {
      return true
    }
  },
  set(present: boolean): void {
    try {
      globalThis.localStorage?.setItem(this.key, present ? 'yes' : 'no')
    } catch {
      // Storage unavailable: nothing to remember.
    }
  },
}
