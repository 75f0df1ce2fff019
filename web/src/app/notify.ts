/** Pure rules for desktop notifications: whether a delivered message should raise one, and what it says. */

/** The browser's `Notification.permission`, or `unsupported` where there is no Notification API. */
export type NotifyPermission = 'default' | 'granted' | 'denied' | 'unsupported'

export interface NotifyInput {
  senderId: string
  seq: number
  meId: string
  /** The caller's read marker in the message's conversation (another device may have read it already). */
  readSeq: number
  visibility: DocumentVisibilityState
  permission: NotifyPermission
}

/**
 * Only for someone else's unread message, while this tab is hidden, and only with the user's permission: a visible
 * tab shows the message itself, and one's own messages (from another device) are no news.
 */
export function shouldNotify(input: NotifyInput): boolean {
  return input.permission === 'granted'
    && input.visibility === 'hidden'
    && input.senderId !== input.meId
    && input.seq > input.readSeq
}

/** The notification body: the text on one line, cut at `max` characters (whole code points) with an ellipsis. */
export function notificationPreview(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim()
  const chars = [...line]
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : line
}
