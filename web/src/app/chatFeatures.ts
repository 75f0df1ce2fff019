import {
  addReaction, blockUser, editMessage, getAttachmentLink, hideMessage, listBlockedUsers, recallMessage, removeReaction, searchMessages, unblockUser,
  updateConversationSettings, uploadAttachment, type Attachment, type ConversationSettings, type Message, type SendOptions, type TokenImRest,
} from '../sdk'
import type { FeatureActions } from './features'
import type { ChatStore } from './store'

/** Links are reused until shortly before they expire, so a chat full of images asks once per file, not per render. */
const linkMarginMs = 30_000

/** The FeatureActions of the web client: each SDK call, then the change shown at once (the live event that follows finds it applied). */
export class ChatFeatures implements FeatureActions {
  private readonly links = new Map<string, { url: string; until: number }>()

  constructor(private readonly rest: TokenImRest, private readonly store: ChatStore) {}

  send(conversationId: string, text: string, options?: SendOptions): void {
    this.store.send(conversationId, text, options)
  }

  async edit(m: Message, text: string): Promise<void> {
    this.store.applyChanged(await editMessage(this.rest, m.conversationId, m.id, text))
  }

  async recall(m: Message): Promise<void> {
    this.store.applyChanged(await recallMessage(this.rest, m.conversationId, m.id))
  }

  async hide(m: Message): Promise<void> {
    await hideMessage(this.rest, m.conversationId, m.id)
    this.store.hideLocally(m.conversationId, m.seq)
  }

  async react(m: Message, emoji: string, add: boolean): Promise<void> {
    this.store.applyChanged(await (add ? addReaction : removeReaction)(this.rest, m.conversationId, m.id, emoji))
  }

  forward(m: Message, toConversationId: string): void {
    this.store.send(toConversationId, '', { forwardOf: { conversationId: m.conversationId, messageId: m.id } })
  }

  async upload(conversationId: string, file: File, progress: (percent: number) => void): Promise<void> {
    const attachment = await uploadAttachment(this.rest, conversationId, file, file.name || 'file', {
      onProgress: (sent, total) => progress(total > 0 ? Math.round((sent / total) * 100) : 100),
    })
    this.store.send(conversationId, '', { attachmentId: attachment.id })
  }

  async link(conversationId: string, attachment: Attachment, variant?: 'thumbnail'): Promise<string> {
    const key = `${attachment.id}|${variant ?? ''}`
    const held = this.links.get(key)
    if (held && held.until > Date.now()) return held.url
    const link = await getAttachmentLink(this.rest, conversationId, attachment.id, variant)
    this.links.set(key, { url: link.url, until: Date.parse(link.expiresAt) - linkMarginMs })
    return link.url
  }

  async settings(conversationId: string, change: ConversationSettings): Promise<void> {
    this.store.applyConversations([await updateConversationSettings(this.rest, conversationId, change)])
  }

  async block(userId: string, blocked: boolean): Promise<void> {
    await (blocked ? blockUser : unblockUser)(this.rest, userId)
    this.store.setBlocked(userId, blocked)
  }

  /** Reads who the user has blocked (the conversation menu says "Unblock" for them). */
  async loadBlocked(): Promise<void> {
    for (const user of await listBlockedUsers(this.rest)) this.store.setBlocked(user.id, true)
  }

  async search(q: string, conversationId: string | null, cursor?: string): Promise<{ messages: Message[]; nextCursor?: string }> {
    return searchMessages(this.rest, q, { ...(conversationId ? { conversationId } : {}), ...(cursor ? { cursor } : {}) })
  }
}
