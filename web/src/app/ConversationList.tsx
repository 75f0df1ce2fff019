import { useState } from 'react'
import { t } from '../i18n'
import type { Conversation } from '../sdk'
import type { ChatState, ChatStore } from './store'
import { Avatar } from './Avatar'
import { shortTime } from './format'
import { PresenceDot } from './PresenceDot'

interface Props {
  store: ChatStore
  state: ChatState
  onOpen: (id: string) => void
}

/** The conversations, pinned first; archived ones apart, behind a toggle at the end. */
export function ConversationList({ store, state, onOpen }: Props) {
  const [showArchived, setShowArchived] = useState(false)
  if (state.conversations.length === 0) return <p className="empty-list">{t.noConversations}</p>
  const active = state.conversations.filter((c) => !c.archived)
  const archived = state.conversations.filter((c) => c.archived)
  return (
    <>
      <Items list={active} store={store} state={state} onOpen={onOpen} label={t.conversations} />
      {archived.length > 0 && (
        <button type="button" className="ghost archived-toggle" data-testid="archived-toggle" aria-expanded={showArchived} onClick={() => setShowArchived(!showArchived)}>
          {t.archivedCount(archived.length)}
        </button>
      )}
      {showArchived && <Items list={archived} store={store} state={state} onOpen={onOpen} label={t.archived} />}
    </>
  )
}

function Items({ list, store, state, onOpen, label }: Props & { list: Conversation[]; label: string }) {
  return (
    <ul className="conversation-list" aria-label={label}>
      {list.map((c) => {
        const title = store.title(c)
        const peer = store.peerId(c)
        const last = c.lastMessage
        const preview = last ? (last.senderId === state.me.id ? `${t.you}: ${last.text}` : last.text) : t.noMessagesYet
        const presence = peer ? (state.online[peer] ? t.online : t.offline) : null
        // A concise name in a fixed order (title first, as the list is searched by it) instead of every visible
        // text run together; the preview is cut, the time left out (it is shown, and in the chat).
        const name = [
          title, presence, c.pinned ? t.pinned : null, c.muted ? t.muted : null, c.unreadCount > 0 ? t.unread(c.unreadCount) : null,
          c.mentionCount > 0 ? t.mentionsYou : null, clip(preview),
        ].filter(Boolean).join(', ')
        return (
          <li key={c.id}>
            <button
              type="button"
              className={`conversation${c.id === state.activeId ? ' active' : ''}${c.unreadCount > 0 ? ' unread' : ''}`}
              data-testid="conversation-item"
              data-conversation-id={c.id}
              aria-current={c.id === state.activeId ? 'true' : undefined}
              aria-label={name}
              onClick={() => onOpen(c.id)}
            >
              <span className="avatar-wrap">
                <Avatar name={title} />
                {peer && <PresenceDot online={state.online[peer] === true} speak={false} />}
              </span>
              <span className="conversation-body">
                <span className="conversation-top">
                  <span className="conversation-title">{title}</span>
                  <span className="conversation-flags" aria-hidden="true">
                    {c.pinned && <span data-testid="pinned" title={t.pinned}>📌</span>}
                    {c.muted && <span data-testid="muted" title={t.muted}>🔕</span>}
                  </span>
                  <time className="conversation-time" dateTime={last?.createdAt ?? c.updatedAt}>{shortTime(last?.createdAt ?? c.updatedAt)}</time>
                </span>
                <span className="conversation-bottom">
                  <span className="conversation-preview">{preview}</span>
                  {c.mentionCount > 0 && <span className="badge mention-badge" data-testid="mention-badge">@</span>}
                  {c.unreadCount > 0 && (
                    <span className={`badge${c.muted ? ' muted-badge' : ''}`} data-testid="unread-badge">
                      {c.unreadCount > 99 ? '99+' : c.unreadCount}
                    </span>
                  )}
                </span>
              </span>
            </button>
          </li>
        )
      })}
    </ul>
  )
}

/** A long preview cut to what a screen reader should read out in a list. */
function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text
}
