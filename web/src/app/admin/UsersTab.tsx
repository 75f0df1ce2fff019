import { useId, useState, type FormEvent } from 'react'
import { t } from '../../i18n'
import { errorText } from '../errorText'
import type { AdminApi, ServerUser } from './adminApi'

/** Find users; disable or enable them, sign them out everywhere, give or take the admin role. */
export function UsersTab({ api, meId }: { api: AdminApi; meId: string }) {
  const id = useId()
  const [query, setQuery] = useState('')
  const [users, setUsers] = useState<ServerUser[] | null>(null)
  const [status, setStatus] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState<string | null>(null)

  async function find(event?: FormEvent) {
    event?.preventDefault()
    setError(null)
    try {
      setUsers((await api.findUsers(query.trim())).users)
    } catch (e) {
      setError(errorText(e))
    }
  }

  async function act(user: ServerUser, action: () => Promise<ServerUser | void>, done: string) {
    setBusy(user.id)
    setError(null)
    setStatus(null)
    try {
      const changed = await action()
      const fresh = changed ?? (await api.getUser(user.id))
      setUsers((list) => list?.map((u) => (u.id === fresh.id ? fresh : u)) ?? null)
      setStatus(done)
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(null)
    }
  }

  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="visually-hidden">{t.admin.tabs.users}</h2>
      <form className="admin-search" role="search" onSubmit={(e) => void find(e)}>
        <label htmlFor={`${id}-q`}>{t.admin.findUsers}</label>
        <input id={`${id}-q`} type="search" value={query} placeholder={t.admin.findUsersPlaceholder}
          onChange={(e) => setQuery(e.target.value)} data-testid="admin-user-query" />
        <button type="submit" className="primary">{t.admin.find}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="muted small" role="status" data-testid="admin-user-status">{status}</p>
      {users && users.length === 0 && <p className="muted">{t.noUsersFound}</p>}
      {users && users.length > 0 && (
        <table className="admin-table" data-testid="admin-users">
          <caption className="visually-hidden">{t.admin.tabs.users}</caption>
          <thead>
            <tr>
              <th scope="col">{t.username}</th>
              <th scope="col">{t.displayName}</th>
              <th scope="col">{t.admin.state}</th>
              <th scope="col"><span className="visually-hidden">{t.admin.actions}</span></th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-testid="admin-user-row" data-username={u.username} data-disabled={u.disabled} data-admin={u.isAdmin}>
                <td>@{u.username}</td>
                <td>{u.displayName}</td>
                <td>
                  {u.disabled && <span className="badge badge-danger">{t.admin.disabled}</span>}
                  {u.isAdmin && <span className="badge">{t.admin.admin}</span>}
                  {u.isBot && <span className="badge">{t.admin.bot}</span>}
                </td>
                <td className="admin-actions">
                  <button type="button" className="secondary" disabled={busy === u.id || u.id === meId}
                    onClick={() => void act(u, () => api.setDisabled(u.id, !u.disabled), u.disabled ? t.admin.enabledDone(u.username) : t.admin.disabledDone(u.username))}>
                    {u.disabled ? t.admin.enable : t.admin.disable}
                  </button>
                  <button type="button" className="secondary" disabled={busy === u.id}
                    onClick={() => void act(u, () => api.signOutEverywhere(u.id), t.admin.signedOutDone(u.username))}>
                    {t.admin.signOutEverywhere}
                  </button>
                  <button type="button" className="secondary" disabled={busy === u.id || u.id === meId}
                    onClick={() => void act(u, () => api.setAdmin(u.id, !u.isAdmin), u.isAdmin ? t.admin.unadminDone(u.username) : t.admin.adminDone(u.username))}>
                    {u.isAdmin ? t.admin.removeAdmin : t.admin.makeAdmin}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
