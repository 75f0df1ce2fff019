import { useEffect, useState } from 'react'
import { REACTIONS, type Attachment, type Message, type Reaction } from '../sdk'
import { t } from '../i18n'
import { fileSize } from './format'

/** Asks the server for a short-lived link to a file's bytes (or its thumbnail). */
export type LinkResolver = (attachment: Attachment, variant?: 'thumbnail') => Promise<string>

/** The quoted message above a reply: who wrote it and the start of its text (or that it was recalled). */
export function ReplyQuote({ reply, name, onJump }: { reply: NonNullable<Message['replyTo']>; name: string; onJump?: (seq: number) => void }) {
  const text = reply.recalled ? t.quotedRecalled : reply.text || reply.attachmentName || ''
  return (
    <button type="button" className="reply-quote" data-testid="reply-quote" aria-label={`${t.quoteOf(name)}: ${text}`} onClick={() => onJump?.(reply.seq)}>
      <span className="reply-name">{name}</span>
      <span className={`reply-text${reply.recalled ? ' muted' : ''}`}>{text}</span>
    </button>
  )
}

/** "Forwarded from …" above a forwarded message. */
export function ForwardedLabel({ name }: { name: string }) {
  return <span className="forwarded" data-testid="forwarded">{t.forwardedFrom(name)}</span>
}

/**
 * The reactions under a message: one chip per emoji with its count, pressed when the reader is among those who used
 * it; pressing toggles the reader's own.
 */
export function ReactionBar({ reactions, me, names, onToggle }: {
  reactions: Reaction[]
  me: string
  names: (userId: string) => string
  onToggle: (emoji: string, mine: boolean) => void
}) {
  if (reactions.length === 0) return null
  return (
    <span className="reactions" data-testid="reactions">
      {reactions.map((r) => {
        const mine = r.userIds.includes(me)
        const who = r.userIds.map(names).join(', ')
        return (
          <button
            key={r.emoji} type="button" className={`reaction${mine ? ' mine' : ''}`} aria-pressed={mine}
            data-testid="reaction" data-emoji={r.emoji} title={who} aria-label={t.reactionSummary(r.emoji, r.count, who)}
            onClick={() => onToggle(r.emoji, mine)}
          >
            {r.emoji} <span className="count">{r.count}</span>
          </button>
        )
      })}
    </span>
  )
}

/** The fixed set of reactions, as a small picker. */
export function ReactionPicker({ onPick }: { onPick: (emoji: string) => void }) {
  return (
    <span className="reaction-picker" role="group" aria-label={t.react}>
      {REACTIONS.map((emoji) => (
        <button key={emoji} type="button" className="ghost" data-testid="pick-reaction" aria-label={t.reactWith(emoji)} onClick={() => onPick(emoji)}>
          {emoji}
        </button>
      ))}
    </span>
  )
}

/** An image inline (its thumbnail, linking to the full file), or any other file as a download card. */
export function AttachmentView({ attachment: a, link }: { attachment: Attachment; link: LinkResolver }) {
  const image = a.contentType.startsWith('image/') && a.thumbnail === true
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    if (!image) return
    let live = true
    link(a, 'thumbnail').then((url) => live && setSrc(url), () => live && setSrc(null))
    return () => {
      live = false
    }
  }, [a, image, link])

  // A fresh link at the moment of the click: links live minutes, a chat stays open for hours.
  async function open() {
    const url = await link(a)
    window.open(url, '_blank', 'noopener,noreferrer')
  }

  if (image) {
    return (
      <button type="button" className="attachment-image" data-testid="attachment-image" aria-label={t.image(a.name)} onClick={() => void open()}>
        {src
          ? <img src={src} alt={a.name} width={a.width && a.height ? Math.min(a.width, 240) : undefined} loading="lazy" />
          : <span className="muted">{a.name}</span>}
      </button>
    )
  }
  return (
    <button type="button" className="attachment-file" data-testid="attachment-file" aria-label={t.download(a.name)} onClick={() => void open()}>
      <span className="file-icon" aria-hidden="true">📄</span>
      <span className="file-name">{a.name}</span>
      <span className="file-size muted">{fileSize(a.size)}</span>
    </button>
  )
}
