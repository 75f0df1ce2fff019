import type { TokenImRest } from '../../sdk'

// The server API (/api/v1/server/…) as the admin console calls it: with the admin's own access token, which the
// server accepts with the console's scopes only (docs/security.md). Shapes as in docs/integration.md.

export interface NodeStats {
  nodeId: string
  host: string
  version: string
  startedAt: string
  uptimeSeconds: number
  openSockets: number
  authenticatedSockets: number
  connectedUsers: number
  messagesPerSecond: number
  framesInPerSecond: number
  framesOutPerSecond: number
  messagesStored: number
  groupCommitBatches: number
  batchesPerSecond: number
  storeLatencyMs?: number | null
  gcHeapBytes: number
  workingSetBytes: number
  threadPoolThreads: number
  threadPoolQueueLength: number
}

export interface ServerStats {
  at: string
  total: {
    nodes: number
    openSockets: number
    authenticatedSockets: number
    connectedUsers: number
    messagesPerSecond: number
    framesInPerSecond: number
    framesOutPerSecond: number
    messagesStored: number
    groupCommitBatches: number
    gcHeapBytes: number
  }
  nodes: NodeStats[]
}

export interface ServerUser {
  id: string
  username: string
  displayName: string
  externalId?: string
  disabled: boolean
  isBot: boolean
  isAdmin: boolean
  createdAt: string
  disabledAt?: string
}

export interface ConversationSummary {
  id: string
  type: 'direct' | 'group'
  title?: string
  memberCount: number
  lastSeq: number
  createdAt: string
  updatedAt: string
}

export interface ConversationDetail {
  id: string
  type: 'direct' | 'group'
  title?: string
  members: { userId: string; role: string; joinedAt: string; readSeq: number }[]
  lastSeq: number
}

export interface ApiKey {
  id: string
  name: string
  scopes: string[]
  createdAt: string
  lastUsedAt?: string
  revokedAt?: string
}

export interface WebhookEndpoint {
  id: string
  url: string
  events: string[]
  description?: string
  enabled: boolean
}

export interface WebhookDelivery {
  id: string
  eventId: string
  eventType: string
  state: 'pending' | 'delivered' | 'dead'
  attempts: number
  lastStatusCode?: number
  lastError?: string
  lastAttemptAt?: string
  createdAt: string
}

/** Every scope a key may have, in the server's documentation order. */
export const allScopes = [
  'users:read', 'users:write', 'tokens:mint', 'sessions:revoke', 'conversations:read', 'conversations:write',
  'messages:write', 'apikeys:manage', 'webhooks:manage', 'signingkeys:manage', 'stats:read',
] as const

const seg = encodeURIComponent

export class AdminApi {
  constructor(private readonly rest: TokenImRest) {}

  stats(): Promise<ServerStats> {
    return this.rest.request('GET', '/server/stats')
  }

  findUsers(query: string): Promise<{ users: ServerUser[]; nextCursor?: string }> {
    return this.rest.request('GET', `/server/users?${new URLSearchParams({ query, limit: '50' })}`)
  }

  getUser(id: string): Promise<ServerUser> {
    return this.rest.request('GET', `/server/users/${seg(id)}`)
  }

  setDisabled(id: string, disabled: boolean): Promise<ServerUser> {
    return this.rest.request('POST', `/server/users/${seg(id)}/${disabled ? 'disable' : 'enable'}`)
  }

  signOutEverywhere(id: string): Promise<void> {
    return this.rest.request('POST', `/server/users/${seg(id)}/sign-out`)
  }

  setAdmin(id: string, admin: boolean): Promise<ServerUser> {
    return this.rest.request('PUT', `/server/users/${seg(id)}/admin`, { admin })
  }

  findConversations(query: string): Promise<{ conversations: ConversationSummary[] }> {
    return this.rest.request('GET', `/server/conversations?${new URLSearchParams({ query, limit: '50' })}`)
  }

  getConversation(id: string): Promise<ConversationDetail> {
    return this.rest.request('GET', `/server/conversations/${seg(id)}`)
  }

  apiKeys(): Promise<{ keys: ApiKey[] }> {
    return this.rest.request('GET', '/server/api-keys')
  }

  createApiKey(name: string, scopes: string[]): Promise<{ key: ApiKey; token: string }> {
    return this.rest.request('POST', '/server/api-keys', { name, scopes })
  }

  revokeApiKey(id: string): Promise<void> {
    return this.rest.request('DELETE', `/server/api-keys/${seg(id)}`)
  }

  webhooks(): Promise<{ endpoints: WebhookEndpoint[] }> {
    return this.rest.request('GET', '/server/webhooks')
  }

  deliveries(endpointId: string): Promise<{ deliveries: WebhookDelivery[]; nextCursor?: string }> {
    return this.rest.request('GET', `/server/webhooks/${seg(endpointId)}/deliveries?limit=50`)
  }
}
