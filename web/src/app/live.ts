/** Pure rules for the live extras of a chat: the typing indicator and the read state of one's own messages. */

/** How often, at most, the client tells the server the user is typing (the server also drops more frequent ones). */
export const typingSendIntervalMs = 3000
/** How long a peer counts as typing after their last `typing` event (unless their message arrives first). */
export const typingShowMs = 5000

/** Whether a keystroke now should send a `typing` frame, given when the last one was sent. */
export function shouldSendTyping(lastSentAt: number | undefined, now: number): boolean {
  return lastSentAt === undefined || now - lastSentAt >= typingSendIntervalMs
}

/** Typists of one conversation: user id → when their indicator expires (epoch ms). */
export type Typists = Record<string, number>

/** Records a `typing` event from `userId` at `now`. */
export function typingStarted(typists: Typists | undefined, userId: string, now: number): Typists {
  return { ...typists, [userId]: now + typingShowMs }
}

/** Drops `userId` (their message arrived). Returns the same object when nothing changes. */
export function typingStopped(typists: Typists | undefined, userId: string): Typists | undefined {
  if (!typists || !(userId in typists)) return typists
  const { [userId]: _dropped, ...rest } = typists
  void _dropped
  return rest
}

/** The user ids still typing at `now`, in a stable order. */
export function activeTypists(typists: Typists | undefined, now: number): string[] {
  if (!typists) return []
  return Object.keys(typists).filter((id) => (typists[id] ?? 0) > now).sort()
}

export type DeliveryStatus = 'pending' | 'sent' | 'read' | 'failed'

/**
 * The status of a delivered message: `read` when it is the user's own and another member's read marker has reached
 * its seq, else `sent`. `peerReads` maps the other members' user ids to their read seq.
 */
export function deliveredStatus(mine: boolean, seq: number, peerReads: Record<string, number> | undefined): DeliveryStatus {
  if (!mine || !peerReads) return 'sent'
  return Object.values(peerReads).some((read) => read >= seq) ? 'read' : 'sent'
}

/** Raises `userId`'s read marker to `seq` (markers never move back). */
export function withPeerRead(reads: Record<string, number> | undefined, userId: string, seq: number): Record<string, number> {
  const known = reads?.[userId] ?? 0
  return seq > known ? { ...reads, [userId]: seq } : { ...reads, [userId]: known }
}
