import { Fragment, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { Conversation } from '../sdk'
import { t } from '../i18n'
import type { ChatState, ChatStore } from './store'
import type { GroupActions } from './groupActions'
import { dayLabel } from './format'
import { GroupDetailsDialog } from './GroupDetailsDialog'
import { MessageItem } from './MessageItem'
import { PresenceDot } from './PresenceDot'

interface Props {
  store: ChatStore
  groups: GroupActions
  state: ChatState
  conversation: Conversation
  onBack: () => void
}

export function ChatView({ store, groups, state, conversation, onBack }: Props) {
  // Keyed by conversation in Shell: each chat starts from its own kept draft.
  const [draft, setDraft] = useState(() => store.drafts.get(conversation.id))
  const [details, setDetails] = useState(false)
  const listRef = useRef<HTMLOListElement>(null)
  const composerRef = useRef<HTMLTextAreaElement>(null)
  const id = useId()
  const items = store.items(conversation.id)
  const loading = state.loadingHistory[conversation.id] && items.length === 0
  const isGroup = conversation.type === 'group'
  const firstKey = items[0]?.key
  const lastKey = items.at(-1)?.key
  const scrollMemo = useRef({ firstKey, lastKey, height: 0 })
  const peer = store.peerId(conversation)
  const typists = store.typingNames(conversation.id)

  // Newest at the bottom: stay pinned there as messages arrive; when older ones are prepended, keep the view where
  // it was instead of jumping.
  useLayoutEffect(() => {
    const list = listRef.current
    if (!list) return
    const memo = scrollMemo.current
    if (memo.lastKey !== lastKey || memo.height === 0) list.scrollTop = list.scrollHeight
    else if (memo.firstKey !== firstKey) list.scrollTop += list.scrollHeight - memo.height
    scrollMemo.current = { firstKey, lastKey, height: list.scrollHeight }
  }, [firstKey, lastKey])

  useEffect(() => composerRef.current?.focus(), [])

  function submit() {
    const text = draft.trim()
    if (!text) return
    store.send(conversation.id, text)
    setDraft('')
    store.drafts.set(conversation.id, '')
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // Enter sends; Shift+Enter (and Enter while an IME is composing) makes a new line.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      submit()
    }
  }

  return (
    <section className="chat" aria-labelledby={`${id}-title`}>
      <header className="chat-header">
        <button type="button" className="ghost back" onClick={onBack} aria-label={t.back}>‹</button>
        <h2 id={`${id}-title`}>{store.title(conversation)}</h2>
        {peer && <PresenceDot online={state.online[peer] === true} />}
        {isGroup && <span className="muted member-count" data-testid="member-count">{t.memberCount(conversation.memberIds.length)}</span>}
        {isGroup && (
          <button type="button" className="ghost details-button" data-testid="group-details" aria-label={t.groupDetails} title={t.groupDetails} onClick={() => setDetails(true)}>
            ⓘ
          </button>
        )}
      </header>
      {details && isGroup && (
        <GroupDetailsDialog store={store} groups={groups} state={state} conversation={conversation} onClose={() => setDetails(false)} />
      )}
      <ol
        className="messages" ref={listRef} aria-live="polite" aria-label={store.title(conversation)} tabIndex={0}
        onScroll={(e) => {
          if (e.currentTarget.scrollTop < 80) void store.loadOlder(conversation.id)
        }}
      >
        {(loading || (state.loadingHistory[conversation.id] && state.hasOlder[conversation.id])) && (
          <li className="muted center">{t.loadingHistory}</li>
        )}
        {items.map((m, i) => {
          const mine = m.senderId === state.me.id
          const day = dayLabel(m.createdAt)
          const newDay = day !== '' && day !== dayLabel(items[i - 1]?.createdAt)
          return (
            <Fragment key={m.key}>
              {newDay && <li className="day" role="separator" aria-label={day}><span>{day}</span></li>}
              <MessageItem
                item={m} mine={mine} sender={mine ? t.you : store.displayName(m.senderId)} showSender={isGroup && !mine}
                onRetry={(clientMsgId) => store.retry(conversation.id, clientMsgId)}
              />
            </Fragment>
          )
        })}
      </ol>
      <p className="typing" data-testid={typists.length ? 'typing-indicator' : undefined} role="status">
        {typists.length ? t.typing(typists) : ''}
      </p>
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault()
          submit()
        }}
      >
        <label htmlFor={`${id}-composer`} className="visually-hidden">{t.message}</label>
        <textarea
          id={`${id}-composer`} ref={composerRef} data-testid="composer" rows={1} value={draft}
          placeholder={t.messagePlaceholder} maxLength={4000} aria-describedby={`${id}-hint`}
          onChange={(e) => {
            setDraft(e.target.value)
            store.drafts.set(conversation.id, e.target.value)
            if (e.target.value.trim()) store.userTyping(conversation.id)
          }}
          onKeyDown={onKeyDown}
        />
        <span id={`${id}-hint`} className="visually-hidden">{t.composerHint}</span>
        <button type="submit" className="primary" data-testid="send" disabled={!draft.trim()}>{t.send}</button>
      </form>
    </section>
  )
}
