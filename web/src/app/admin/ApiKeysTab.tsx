import { useCallback, useEffect, useId, useState, type FormEvent } from 'react'
import { t } from '../../i18n'
import { errorText } from '../errorText'
import { dateTime } from '../format'
import { allScopes, type AdminApi, type ApiKey } from './adminApi'

/** The server API's keys: list, create (the secret is shown once, here), revoke. */
export function ApiKeysTab({ api }: { api: AdminApi }) {
  const id = useId()
  const [keys, setKeys] = useState<ApiKey[] | null>(null)
  const [name, setName] = useState('')
  const [scopes, setScopes] = useState<Set<string>>(new Set(['stats:read']))
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null)
  const [error, setError] = useState<string | null>(null)

  const reload = useCallback(async () => {
    try {
      setKeys((await api.apiKeys()).keys)
    } catch (e) {
      setError(errorText(e))
    }
  }, [api])

  useEffect(() => {
    void reload()
  }, [reload])

  async function create(event: FormEvent) {
    event.preventDefault()
    setError(null)
    try {
      const created = await api.createApiKey(name.trim(), allScopes.filter((s) => scopes.has(s)))
      setSecret({ name: created.key.name, token: created.token })
      setName('')
      await reload()
    } catch (e) {
      setError(errorText(e))
    }
  }

  async function revoke(key: ApiKey) {
    setError(null)
    try {
      await api.revokeApiKey(key.id)
      await reload()
    } catch (e) {
      setError(errorText(e))
    }
  }

  function toggle(scope: string) {
    setScopes((s) => {
      const next = new Set(s)
      if (!next.delete(scope)) next.add(scope)
      return next
    })
  }

  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="visually-hidden">{t.admin.tabs.apiKeys}</h2>
      <form className="admin-form" onSubmit={(e) => void create(e)} aria-label={t.admin.createKey}>
        <label htmlFor={`${id}-name`}>{t.admin.keyName}</label>
        <input id={`${id}-name`} value={name} required maxLength={64} onChange={(e) => setName(e.target.value)} data-testid="admin-key-name" />
        <fieldset className="scope-list">
          <legend>{t.admin.scopes}</legend>
          {allScopes.map((s) => (
            <label key={s} className="scope">
              <input type="checkbox" checked={scopes.has(s)} onChange={() => toggle(s)} /> <code>{s}</code>
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={!name.trim() || scopes.size === 0}>{t.admin.createKey}</button>
      </form>
      {secret && (
        <div className="secret-once" role="alert" data-testid="admin-key-secret">
          <p>{t.admin.secretOnce(secret.name)}</p>
          <code data-testid="admin-key-token">{secret.token}</code>
          <button type="button" className="ghost" onClick={() => setSecret(null)}>{t.admin.dismiss}</button>
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {keys && (
        <table className="admin-table" data-testid="admin-keys">
          <caption className="visually-hidden">{t.admin.tabs.apiKeys}</caption>
          <thead>
            <tr>
              <th scope="col">{t.admin.keyName}</th>
              <th scope="col">{t.admin.scopes}</th>
              <th scope="col">{t.admin.lastUsed}</th>
              <th scope="col"><span className="visually-hidden">{t.admin.actions}</span></th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id} data-testid="admin-key-row" data-key-name={k.name} data-revoked={k.revokedAt ? 'true' : 'false'}>
                <td>{k.name}</td>
                <td className="small">{k.scopes.join(' ')}</td>
                <td className="small">{k.lastUsedAt ? dateTime(k.lastUsedAt) : t.admin.never}</td>
                <td>
                  {k.revokedAt ? (
                    <span className="badge badge-danger">{t.admin.revoked}</span>
                  ) : (
                    <button type="button" className="secondary" onClick={() => void revoke(k)} aria-label={t.admin.revokeKey(k.name)}>
                      {t.admin.revoke}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
