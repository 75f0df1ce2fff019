import { t } from '../i18n'
import type { ChatItem } from './store'
import { clockTime, richText } from './format'
import { AttachmentView, ForwardedLabel, ReactionBar, ReplyQuote, type LinkResolver } from './MessageExtras'
import { MessageActions, type MessageActionHandlers } from './MessageActions'

interface Props {
  item: ChatItem
  mine: boolean
  /** Who sent it: "You" for own messages, else the sender's display name. */
  sender: string
  /** Show the sender above the text (others' messages in groups); otherwise it is there for screen readers only. */
  showSender: boolean
  onRetry: (clientMsgId: string) => void
  /** The reader: their id (own reactions) and username (mentions of them). */
  me?: { id: string; username: string }
  /** A user's display name and username, for quotes, forwards, reactions and mentions. */
  names?: { display: (userId: string) => string; username: (userId: string) => string | undefined }
  link?: LinkResolver
  actions?: MessageActionHandlers
  onReact?: (emoji: string, add: boolean) => void
  onJump?: (seq: number) => void
}

/** One message bubble; its text is always rendered as text (links only for http(s) URLs). */
export function MessageItem({ item: m, mine, sender, showSender, onRetry, me, names, link, actions, onReact, onJump }: Props) {
  const message = m.message
  if (message?.recalled) {
    const who = message.recalledBy === me?.id ? null : names?.display(message.recalledBy ?? message.senderId)
    return (
      <li className="recalled muted center" data-testid="message" data-seq={m.seq} data-recalled="true">
        {who ? t.recalledBy(who) : t.recalledByMe}
      </li>
    )
  }
  const mentioned = (message?.mentions ?? []).map((id) => names?.username(id)).filter((n): n is string => !!n)
  const parts = richText(m.text, mentioned, me?.username ?? '', message?.mentionsAll === true)
  return (
    <li className={`bubble ${mine ? 'mine' : 'theirs'} ${m.status}`} data-testid="message" data-seq={m.seq} data-status={m.status}>
      {showSender ? <span className="sender">{sender}</span> : <span className="visually-hidden">{`${sender}: `}</span>}
      {message?.forwardedFrom && names && <ForwardedLabel name={names.display(message.forwardedFrom.senderId)} />}
      {message?.replyTo && names && <ReplyQuote reply={message.replyTo} name={names.display(message.replyTo.senderId)} onJump={onJump} />}
      {message?.attachment && link && <AttachmentView attachment={message.attachment} link={link} />}
      {m.text && (
        <span className="text">
          {parts.map((part, j) =>
            part.href
              ? <a key={j} href={part.href} target="_blank" rel="noopener noreferrer nofollow">{part.text}</a>
              : <span key={j} className={part.mention ? `mention ${part.mention}` : undefined} data-testid={part.mention ? 'mention' : undefined}>{part.text}</span>,
          )}
        </span>
      )}
      {message?.reactions && me && names && onReact && (
        <ReactionBar reactions={message.reactions} me={me.id} names={names.display} onToggle={(emoji, has) => onReact(emoji, !has)} />
      )}
      <span className="meta">
        {message?.editedAt && <span className="edited" data-testid="edited">{t.edited}</span>}
        {m.status === 'sent' || m.status === 'read' ? <time dateTime={m.createdAt}>{clockTime(m.createdAt)}</time> : null}
        {mine && m.status === 'pending' && <span className="status">{t.pending}</span>}
        {mine && m.status === 'sent' && <span className="visually-hidden">{t.sent}</span>}
        {mine && m.status === 'read' && (
          // An aria-label on a plain span is ignored by screen readers: the glyph is hidden, the word is read.
          <span className="status read" title={t.read}><span aria-hidden="true">✓✓</span><span className="visually-hidden">{t.read}</span></span>
        )}
        {mine && m.status === 'failed' && <span className="status">{t.failed}</span>}
        {mine && m.status === 'failed' && m.clientMsgId && (
          <button type="button" className="link retry" data-testid="retry" onClick={() => onRetry(m.clientMsgId!)}>
            <span aria-hidden="true">↻ </span>{t.retry}
          </button>
        )}
        {message && actions && <MessageActions handlers={actions} />}
      </span>
    </li>
  )
}
