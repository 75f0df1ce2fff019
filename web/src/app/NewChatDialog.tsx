import { useId, useState } from 'react'
import type { User } from '../sdk'
import { t } from '../i18n'
import type { ChatStore } from './store'
import { Avatar } from './Avatar'
import { useModalDialog } from './useModalDialog'
import { useUserSearch } from './useUserSearch'

interface Props {
  store: ChatStore
  onClose: () => void
  onPicked: (user: User) => Promise<void>
}

/** Finds a user by username prefix and opens (or creates) the direct chat with them. */
export function NewChatDialog({ store, onClose, onPicked }: Props) {
  const [query, setQuery] = useState('')
  const dialogRef = useModalDialog(onClose)
  const id = useId()

  const shown = useUserSearch(store, query)

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby={`${id}-title`}>
      <header className="dialog-header">
        <h2 id={`${id}-title`}>{t.newChat}</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label={t.close}>×</button>
      </header>
      <label htmlFor={`${id}-search`}>{t.searchUsers}</label>
      <input
        id={`${id}-search`} data-testid="new-chat-search" type="search" data-autofocus autoComplete="off" autoCapitalize="none"
        spellCheck={false} placeholder={t.searchPlaceholder} value={query} onChange={(e) => setQuery(e.target.value)}
      />
      {shown && shown.length === 0 && <p className="muted">{t.noUsersFound}</p>}
      {shown && shown.length > 0 && (
        <ul className="user-results" aria-label={t.searchResults}>
          {shown.map((u) => (
            <li key={u.id}>
              <button type="button" className="user-result" data-testid="new-chat-result" data-username={u.username} onClick={() => void onPicked(u)}>
                <Avatar name={u.displayName} />
                <span>
                  <strong>{u.displayName}</strong>
                  <span className="muted"> @{u.username}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </dialog>
  )
}
