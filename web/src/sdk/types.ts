/** The wire shapes of docs/protocol.md (REST resources and WebSocket frames). Ids are opaque strings. */

export interface User {
  id: string
  username: string
  displayName: string
  /** Only in the caller's own `GET /users/me`, and only when true: the caller has the admin role. */
  isAdmin?: boolean
}

export interface TokenResponse {
  user: User
  accessToken: string
  /** Empty in cookie mode: the refresh token is then only in the HttpOnly `tokenim_refresh` cookie. */
  refreshToken: string
  expiresIn: number
  sessionId: string
}

export type ConversationType = 'direct' | 'group'
export type Role = 'owner' | 'admin' | 'member'

export interface Message {
  id: string
  conversationId: string
  seq: number
  senderId: string
  clientMsgId: string
  text: string
  createdAt: string
  /** The conversation's change counter at this message's latest change (edit, recall, reaction); absent: never changed. */
  changeSeq?: number
  editedAt?: string
  /** A tombstone: text, attachment, reply, mentions and reactions are gone; the seq stays. */
  recalled?: boolean
  recalledAt?: string
  recalledBy?: string
  replyTo?: MessageReply
  forwardedFrom?: { senderId: string; createdAt: string }
  mentions?: string[]
  mentionsAll?: boolean
  reactions?: Reaction[]
  attachment?: Attachment
  /** The caller deleted it for themselves: show nothing. */
  hidden?: boolean
}

export interface MessageReply {
  messageId: string
  seq: number
  senderId: string
  /** At most 100 characters; empty when recalled. */
  text: string
  recalled?: boolean
  attachmentName?: string
}

/** The reactions a message may get, in picker order. */
export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏', '🎉', '🔥'] as const

export interface Reaction {
  emoji: string
  count: number
  /** Earliest first, at most 20. */
  userIds: string[]
}

export interface Attachment {
  id: string
  name: string
  /** Sniffed from the content by the server. */
  contentType: string
  size: number
  width?: number
  height?: number
  thumbnail?: boolean
}

export interface AttachmentLink { url: string; expiresAt: string }

/** The fields of a send beside clientMsgId and text. */
export interface SendOptions {
  replyToId?: string
  forwardOf?: { conversationId: string; messageId: string }
  attachmentId?: string
}

export interface ConversationSettings { muted?: boolean; pinned?: boolean; archived?: boolean }

export interface Conversation {
  id: string
  type: ConversationType
  title?: string
  memberIds: string[]
  lastSeq: number
  readSeq: number
  unreadCount: number
  lastMessage?: Message
  updatedAt: string
  createdAt: string
  role: Role
  /** Edits, recalls and reaction changes so far; fetch changes above what you hold. */
  lastChangeSeq: number
  /** Unread messages that mention the caller (by name or @all). */
  mentionCount: number
  muted: boolean
  pinned: boolean
  archived: boolean
}

export interface Member {
  userId: string
  role: Role
  joinedAt: string
  readSeq: number
}

export interface Session {
  id: string
  deviceName: string
  createdAt: string
  lastUsedAt: string
  current: boolean
  address?: string
}

export interface MessagePage {
  messages: Message[]
  hasMore: boolean
}

/** `GET /conversations/{id}/changes`: each changed message once, at its latest change, ascending by `changeSeq`. */
export interface ChangePage {
  messages: Message[]
  hasMore: boolean
}

/** `GET /search/messages`: matches, newest first; `nextCursor` fetches the next (older) page. */
export interface SearchPage {
  messages: Message[]
  nextCursor?: string
}

/** Problem Details (RFC 9457) as the server writes it. */
export interface ProblemDetails {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  errors?: Record<string, string[]>
  retryAfterMs?: number
}

// ---- WebSocket frames (server to client) ----

export interface ReadyFrame { op: 'ready'; userId: string; sessionId: string; serverTime: string }
export interface MessageFrame { op: 'message'; message: Message }
export interface AckFrame {
  op: 'ack'; re?: string; conversationId: string; clientMsgId: string; messageId: string; seq: number; createdAt: string
}
export interface SyncedFrame {
  op: 'synced'; re?: string; conversationId: string; messages: Message[]; hasMore: boolean
  changes?: Message[]; hasMoreChanges?: boolean
}
export interface ChangedFrame { op: 'changed'; message: Message }
export interface HiddenFrame { op: 'hidden'; conversationId: string; messageId: string; seq: number }
export interface ReceiptFrame { op: 'receipt'; conversationId: string; userId: string; seq: number }
export interface TypingFrame { op: 'typing'; conversationId: string; userId: string }
export interface PresenceFrame { op: 'presence'; userId: string; online: boolean; lastSeenAt?: string }
export interface ConversationFrame {
  op: 'conversation'
  event: 'created' | 'updated' | 'member_added' | 'member_removed' | 'settings_changed'
  conversation: Conversation
}
export interface ErrorFrame {
  op: 'error'; re?: string; code: string; message: string; retryAfterMs?: number; errors?: Record<string, string[]>
}
export interface OkFrame { op: 'ok'; re?: string }
export interface PongFrame { op: 'pong'; re?: string }

export type ServerFrame =
  | ReadyFrame | MessageFrame | AckFrame | SyncedFrame | ReceiptFrame | TypingFrame | PresenceFrame
  | ConversationFrame | ErrorFrame | OkFrame | PongFrame | ChangedFrame | HiddenFrame
