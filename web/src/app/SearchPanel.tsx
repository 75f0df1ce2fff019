import { useId, useRef, useState } from 'react'
import type { Message } from '../sdk'
import { t } from '../i18n'
import { shortTime } from './format'
import type { FeatureActions } from './features'

interface Props {
  features: FeatureActions
  /** The open conversation, to search only in it; null: search everywhere. */
  activeId: string | null
  titleOf: (conversationId: string) => string
  nameOf: (userId: string) => string
  /** Opens the conversation of a result and shows the message. */
  onOpen: (m: Message) => void
}

/** Message search in the sidebar: in the open conversation or all of them, newest first, paged on demand. */
export function SearchPanel({ features, activeId, titleOf, nameOf, onOpen }: Props) {
  const [q, setQ] = useState('')
  const [inChat, setInChat] = useState(false)
  const [results, setResults] = useState<Message[] | null>(null)
  // The query the shown results answer: a new search keeps the old list until its own answer replaces it.
  const [shown, setShown] = useState('')
  // Only the latest request may show its answer: an earlier one that returns late is dropped.
  const latest = useRef(0)
  const [cursor, setCursor] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const id = useId()
  const scope = inChat && activeId ? activeId : null

  async function run(next?: string) {
    const query = q.trim()
    if (!query) return
    const request = ++latest.current
    setBusy(true)
    try {
      const page = await features.search(query, scope, next)
      if (request !== latest.current) return
      setResults(next ? [...(results ?? []), ...page.messages] : page.messages)
      setShown(query)
      setCursor(page.nextCursor)
    } finally {
      if (request === latest.current) setBusy(false)
    }
  }

  return (
    <section className="search-panel" aria-labelledby={`${id}-label`}>
      <form role="search" className="inline-form" onSubmit={(e) => { e.preventDefault(); void run() }}>
        <label id={`${id}-label`} htmlFor={`${id}-q`} className="visually-hidden">{t.searchMessages}</label>
        <input
          id={`${id}-q`} type="search" data-testid="message-search" placeholder={t.searchMessages} value={q} maxLength={100}
          onChange={(e) => { setQ(e.target.value); if (!e.target.value) { latest.current++; setBusy(false); setResults(null) } }}
        />
      </form>
      {activeId && (
        <label className="small search-scope">
          <input type="checkbox" checked={inChat} onChange={(e) => setInChat(e.target.checked)} /> {t.searchThisChat}
        </label>
      )}
      {results && (
        <ul className="search-results" data-testid="search-results" data-query={shown} aria-busy={busy}>
          {results.length === 0 && <li className="muted">{t.noMatches}</li>}
          {results.map((m) => (
            <li key={`${m.conversationId}:${m.seq}`}>
              <button type="button" className="ghost search-result" data-testid="search-result" onClick={() => onOpen(m)}>
                <span className="result-top">
                  <strong>{titleOf(m.conversationId)}</strong>
                  <time dateTime={m.createdAt}>{shortTime(m.createdAt)}</time>
                </span>
                <span className="result-text">{`${nameOf(m.senderId)}: ${m.text}`}</span>
              </button>
            </li>
          ))}
          {cursor && (
            <li>
              <button type="button" className="ghost" data-testid="more-results" disabled={busy} onClick={() => void run(cursor)}>{t.moreResults}</button>
            </li>
          )}
        </ul>
      )}
    </section>
  )
}
