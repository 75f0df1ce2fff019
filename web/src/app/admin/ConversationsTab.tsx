import { useId, useState, type FormEvent } from 'react'
import { t } from '../../i18n'
import { errorText } from '../errorText'
import type { AdminApi, ConversationDetail, ConversationSummary, ServerUser } from './adminApi'

/** Find conversations by id or title, and inspect one's membership (who, with which role). */
export function ConversationsTab({ api }: { api: AdminApi }) {
  const id = useId()
  const [query, setQuery] = useState('')
  const [found, setFound] = useState<ConversationSummary[] | null>(null)
  const [open, setOpen] = useState<{ conversation: ConversationDetail; users: Map<string, ServerUser> } | null>(null)
  const [error, setError] = useState<string | null>(null)

  async function find(event?: FormEvent) {
    event?.preventDefault()
    setError(null)
    try {
      setFound((await api.findConversations(query.trim())).conversations)
    } catch (e) {
      setError(errorText(e))
    }
  }

  async function inspect(conversationId: string) {
    setError(null)
    try {
      const conversation = await api.getConversation(conversationId)
      // Names for the member ids; a user deleted meanwhile just shows by id.
      const users = await Promise.all(conversation.members.map((m) => api.getUser(m.userId).catch(() => null)))
      setOpen({ conversation, users: new Map(users.filter((u): u is ServerUser => u !== null).map((u) => [u.id, u])) })
    } catch (e) {
      setError(errorText(e))
    }
  }

  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="visually-hidden">{t.admin.tabs.conversations}</h2>
      <form className="admin-search" role="search" onSubmit={(e) => void find(e)}>
        <label htmlFor={`${id}-q`}>{t.admin.findConversations}</label>
        <input id={`${id}-q`} type="search" value={query} placeholder={t.admin.findConversationsPlaceholder}
          onChange={(e) => setQuery(e.target.value)} data-testid="admin-conversation-query" />
        <button type="submit" className="primary">{t.admin.find}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {found && found.length === 0 && <p className="muted">{t.admin.noneFound}</p>}
      {found && found.length > 0 && (
        <ul className="admin-list" data-testid="admin-conversations">
          {found.map((c) => (
            <li key={c.id} data-testid="admin-conversation-row" data-conversation-id={c.id}>
              <span>
                <strong>{c.title ?? t.admin.directChat}</strong>{' '}
                <span className="muted small">{t.memberCount(c.memberCount)} · <code>{c.id}</code></span>
              </span>
              <button type="button" className="secondary" onClick={() => void inspect(c.id)}>{t.admin.members}</button>
            </li>
          ))}
        </ul>
      )}
      {open && (
        <table className="admin-table" data-testid="admin-members">
          <caption>{t.admin.membersOf(open.conversation.title ?? t.admin.directChat)}</caption>
          <thead>
            <tr>
              <th scope="col">{t.username}</th>
              <th scope="col">{t.displayName}</th>
              <th scope="col">{t.admin.role}</th>
            </tr>
          </thead>
          <tbody>
            {open.conversation.members.map((m) => {
              const user = open.users.get(m.userId)
              return (
                <tr key={m.userId} data-testid="admin-member-row" data-user-id={m.userId}>
                  <td>{user ? `@${user.username}` : <code>{m.userId}</code>}</td>
                  <td>{user?.displayName}</td>
                  <td>{m.role}</td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
    </section>
  )
}
