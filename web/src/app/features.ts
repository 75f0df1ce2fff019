import type { Attachment, ConversationSettings, Message, SendOptions } from '../sdk'

/**
 * What the chat view can do with messages and conversations beyond sending text: the calls behind the message menu,
 * the composer's file button, the conversation menu and search. The server checks every permission; the view only
 * hides what it would refuse.
 */
export interface FeatureActions {
  send(conversationId: string, text: string, options?: SendOptions): void
  edit(message: Message, text: string): Promise<void>
  recall(message: Message): Promise<void>
  hide(message: Message): Promise<void>
  react(message: Message, emoji: string, add: boolean): Promise<void>
  forward(message: Message, toConversationId: string): void
  upload(conversationId: string, file: File, progress: (percent: number) => void): Promise<void>
  link(conversationId: string, attachment: Attachment, variant?: 'thumbnail'): Promise<string>
  settings(conversationId: string, change: ConversationSettings): Promise<void>
  block(userId: string, blocked: boolean): Promise<void>
  search(q: string, conversationId: string | null, cursor?: string): Promise<{ messages: Message[]; nextCursor?: string }>
}

/** The edit and recall windows the server applies by default (24 h): the menu hides the actions after them. */
export const changeWindowMs = 24 * 60 * 60 * 1000

/** Whether the reader may still try to edit (own, not recalled, within the window). */
export function canEdit(m: Message, meId: string, now = Date.now()): boolean {
  return m.senderId === meId && !m.recalled && now - Date.parse(m.createdAt) < changeWindowMs
}

/** Whether the reader may recall: their own within the window, anyone's as a group owner or admin. */
export function canRecall(m: Message, meId: string, role: string, isGroup: boolean, now = Date.now()): boolean {
  if (m.recalled) return false
  if (isGroup && (role === 'owner' || role === 'admin')) return true
  return m.senderId === meId && now - Date.parse(m.createdAt) < changeWindowMs
}
