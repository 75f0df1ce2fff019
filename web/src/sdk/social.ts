import type { TokenImRest } from './rest'
import type { Conversation, ConversationSettings, Message, User } from './types'

const conversationPath = (id: string) => `/conversations/${encodeURIComponent(id)}`
const userPath = (id: string) => `/users/${encodeURIComponent(id)}`

/**
 * Changes the caller's own settings of a conversation; a field left out keeps its value. Only the caller sees them
 * (their other devices get `conversation {event: "settings_changed"}`). Pinned conversations are listed first.
 */
export function updateConversationSettings(rest: TokenImRest, conversationId: string, settings: ConversationSettings): Promise<Conversation> {
  return rest.request('PATCH', `${conversationPath(conversationId)}/settings`, settings)
}

/** Blocks a user: their messages to your direct conversation are refused (`blocked_by_user`). Groups are not affected. */
export function blockUser(rest: TokenImRest, userId: string): Promise<void> {
  return rest.request('PUT', `${userPath(userId)}/block`)
}

export function unblockUser(rest: TokenImRest, userId: string): Promise<void> {
  return rest.request('DELETE', `${userPath(userId)}/block`)
}

/** The users the caller blocked, the most recently blocked first. */
export async function listBlockedUsers(rest: TokenImRest): Promise<User[]> {
  return (await rest.request<{ users: User[] }>('GET', '/users/me/blocks')).users
}

/** Sends `text` quoting `replyToId` (a message of the same conversation); idempotent on `clientMsgId`. */
export function sendReply(rest: TokenImRest, conversationId: string, clientMsgId: string, text: string, replyToId: string): Promise<Message> {
  return rest.request('POST', `${conversationPath(conversationId)}/messages`, { clientMsgId, text, replyToId })
}

/**
 * Forwards a message of any conversation the caller is in to `conversationId`: its text (and file) are copied and the
 * new message carries `forwardedFrom`. A forward carries no text of its own: send a second message for that.
 */
export function forwardMessage(
  rest: TokenImRest,
  conversationId: string,
  clientMsgId: string,
  from: { conversationId: string; messageId: string },
): Promise<Message> {
  return rest.request('POST', `${conversationPath(conversationId)}/messages`, { clientMsgId, forwardOf: from })
}

/** Whether `message` mentions `userId`, by name or through `@all`: what a client highlights. */
export function mentionsUser(message: Message, userId: string): boolean {
  return message.mentionsAll === true || (message.mentions?.includes(userId) ?? false)
}

/**
 * The conversation list in the server's order: pinned first (the most recently pinned first is up to the server, which
 * knows the pin times), then by activity. Applies a local settings change without refetching the list.
 */
export function applySettings(conversations: Conversation[], changed: Conversation): Conversation[] {
  const others = conversations.filter((c) => c.id !== changed.id)
  if (changed.pinned) return [changed, ...others]
  const pinned = others.filter((c) => c.pinned)
  const rest = [...others.filter((c) => !c.pinned), changed].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0))
  return [...pinned, ...rest]
}
