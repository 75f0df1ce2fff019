import { useId, useState } from 'react'
import type { User } from '../sdk'
import { t } from '../i18n'
import type { ChatStore } from './store'
import { Avatar } from './Avatar'
import { useUserSearch } from './useUserSearch'

interface Props {
  store: ChatStore
  memberIds: readonly string[]
  onAdd: (user: User) => void
}

/** Finds users by username prefix (members are left out of the results); picking one adds them to the group. */
export function AddMembers({ store, memberIds, onAdd }: Props) {
  const [query, setQuery] = useState('')
  const id = useId()
  const results = useUserSearch(store, query)?.filter((u) => !memberIds.includes(u.id)) ?? null
  return (
    <section className="add-members" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t.addMembers}</h3>
      <label htmlFor={`${id}-search`}>{t.searchUsers}</label>
      <input
        id={`${id}-search`} data-testid="group-add-search" type="search" autoComplete="off" autoCapitalize="none"
        spellCheck={false} placeholder={t.searchPlaceholder} value={query} onChange={(e) => setQuery(e.target.value)}
      />
      {results && results.length === 0 && <p className="muted">{t.noUsersFound}</p>}
      {results && results.length > 0 && (
        <ul className="user-results" aria-label={t.searchResults}>
          {results.map((u) => (
            <li key={u.id}>
              <button
                type="button" className="user-result" data-testid="group-add-result" data-username={u.username}
                onClick={() => {
                  onAdd(u)
                  setQuery('')
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
    </section>
  )
}
