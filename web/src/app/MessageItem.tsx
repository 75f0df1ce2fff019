import { t } from '../i18n'
import type { ChatItem } from './store'
import { clockTime, linkify } from './format'

interface Props {
  item: ChatItem
  mine: boolean
  /** Who sent it: "You" for own messages, else the sender's display name. */
  sender: string
  /** Show the sender above the text (others' messages in groups); otherwise it is there for screen readers only. */
  showSender: boolean
  onRetry: (clientMsgId: string) => void
}

/** One message bubble; its text is always rendered as text (links only for http(s) URLs). */
export function MessageItem({ item: m, mine, sender, showSender, onRetry }: Props) {
  return (
    <li className={`bubble ${mine ? 'mine' : 'theirs'} ${m.status}`} data-testid="message" data-seq={m.seq} data-status={m.status}>
      {showSender ? <span className="sender">{sender}</span> : <span className="visually-hidden">{`${sender}: `}</span>}
      <span className="text">
        {linkify(m.text).map((part, j) =>
          part.href ? <a key={j} href={part.href} target="_blank" rel="noopener noreferrer nofollow">{part.text}</a> : <span key={j}>{part.text}</span>,
        )}
      </span>
      <span className="meta">
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
      </span>
    </li>
  )
}
