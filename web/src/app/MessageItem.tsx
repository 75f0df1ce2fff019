import { t } from '../i18n'
import type { ChatItem } from './store'
import { clockTime, linkify } from './format'

interface Props {
  item: ChatItem
  mine: boolean
  /** The sender's name, shown above others' messages in groups. */
  sender?: string
  onRetry: (clientMsgId: string) => void
}

/** One message bubble; its text is always rendered as text (links only for http(s) URLs). */
export function MessageItem({ item: m, mine, sender, onRetry }: Props) {
  return (
    <li className={`bubble ${mine ? 'mine' : 'theirs'} ${m.status}`} data-testid="message" data-seq={m.seq} data-status={m.status}>
      {sender !== undefined && <span className="sender">{sender}</span>}
      <span className="text">
        {linkify(m.text).map((part, j) =>
          part.href ? <a key={j} href={part.href} target="_blank" rel="noopener noreferrer nofollow">{part.text}</a> : <span key={j}>{part.text}</span>,
        )}
      </span>
      <span className="meta">
        {m.status === 'sent' || m.status === 'read' ? <time dateTime={m.createdAt}>{clockTime(m.createdAt)}</time> : null}
        {mine && m.status === 'pending' && <span className="status">{t.pending}</span>}
        {mine && m.status === 'read' && <span className="status read" aria-label={t.read} title={t.read}>✓✓</span>}
        {mine && m.status === 'failed' && m.clientMsgId && (
          <>
            <span className="status">{t.failed}</span>
            <button type="button" className="link retry" data-testid="retry" onClick={() => onRetry(m.clientMsgId!)}>↻ {t.retry}</button>
          </>
        )}
      </span>
    </li>
  )
}
