import { useId, useState } from 'react'
import type { User } from '../sdk'
import { t } from '../i18n'
import type { ChatStore } from './store'
import { Avatar } from './Avatar'
import { useUserSearch } from './useUserSearch'

interface Props {
  store: ChatStore
  /** Test-id prefix: `<prefix>-search` on the input, `<prefix>-result` on each result (see web/README.md). */
  testId: string
  onPick: (user: User) => void
  /** Users not to offer (already picked, already members). */
  exclude?: (user: User) => boolean
  /** The field a modal dialog focuses when it opens. */
  autoFocus?: boolean
  /** Empties the box after a pick, for picking several users in a row. */
  clearOnPick?: boolean
}

/** The "Search users" box and its "Search results" list, shared by new chat, new group and adding members. */
export function UserSearch({ store, testId, onPick, exclude, autoFocus = false, clearOnPick = false }: Props) {
  const [query, setQuery] = useState('')
  const id = useId()
  const found = useUserSearch(store, query)
  const results = found && exclude ? found.filter((u) => !exclude(u)) : found
  return (
    <>
      <label htmlFor={`${id}-search`}>{t.searchUsers}</label>
      <input
        id={`${id}-search`} data-testid={`${testId}-search`} type="search" data-autofocus={autoFocus ? '' : undefined}
        autoComplete="off" autoCapitalize="none" spellCheck={false} placeholder={t.searchPlaceholder} value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {results && results.length === 0 && <p className="muted">{t.noUsersFound}</p>}
      {results && results.length > 0 && (
        <ul className="user-results" aria-label={t.searchResults}>
          {results.map((u) => (
            <li key={u.id}>
              <button
                type="button" className="user-result" data-testid={`${testId}-result`} data-username={u.username}
                onClick={() => {
                  onPick(u)
                  if (clearOnPick) setQuery('')
                }}
              >
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
    </>
  )
}
