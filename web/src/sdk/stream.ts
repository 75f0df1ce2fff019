import type { Message } from './types'

/** What offering one message to a stream did. */
export interface OfferResult {
  /** The messages now delivered to the application, in seq order (possibly none). */
  delivered: Message[]
  /** True when messages are held back behind a missing seq: the caller should sync from {@link ConversationStream.cursor}. */
  gap: boolean
}

/**
 * The ordering and dedupe buffer of one conversation (reconnect contract, steps 1 and 4): delivers every seq exactly
 * once and in order, holding back messages that arrive ahead of a missing one.
 */
export class ConversationStream {
  private readonly held = new Map<number, Message>()

  /** @param cursor The highest seq already delivered (0 for the whole history, `lastSeq` to start from now). */
  constructor(
    readonly conversationId: string,
    private cursorSeq: number,
  ) {}

  /** The highest seq delivered, contiguous from where the stream started. */
  get cursor(): number {
    return this.cursorSeq
  }

  /** How many messages are held back waiting for a gap to fill. */
  get heldCount(): number {
    return this.held.size
  }

  /** Offers a message from any source (`message` event, `ack`, `synced`): repeats are dropped, gaps buffered. */
  offer(message: Message): OfferResult {
    if (message.seq <= this.cursorSeq) return { delivered: [], gap: this.held.size > 0 }
    if (message.seq > this.cursorSeq + 1) {
      this.held.set(message.seq, message)
      return { delivered: [], gap: true }
    }
    const delivered = [message]
    this.cursorSeq = message.seq
    for (let next = this.held.get(this.cursorSeq + 1); next; next = this.held.get(this.cursorSeq + 1)) {
      this.held.delete(next.seq)
      delivered.push(next)
      this.cursorSeq = next.seq
    }
    return { delivered, gap: this.held.size > 0 }
  }

  /** Offers several messages (a `synced` page) in order. */
  offerAll(messages: readonly Message[]): OfferResult {
    const delivered: Message[] = []
    for (const m of [...messages].sort((a, b) => a.seq - b.seq)) delivered.push(...this.offer(m).delivered)
    return { delivered, gap: this.held.size > 0 }
  }
}
