import { useCallback, useEffect, useId, useState } from 'react'
import { TokenImApiError, type Session, type TokenImRest } from '../sdk'
import { t } from '../i18n'
import { errorText } from './errorText'
import { dateTime } from './format'
import { useModalDialog } from './useModalDialog'

interface Props {
  rest: TokenImRest
  onClose: () => void
  /** Ends this device's own session (the app's sign-out: it also clears the refresh cookie). */
  onSignOut: () => void
}

/** The user's sessions (signed-in devices), newest first; any other one can be revoked, this one signed out. */
export function SessionsDialog({ rest, onClose, onSignOut }: Props) {
  const ref = useModalDialog(onClose)
  const id = useId()
  const [sessions, setSessions] = useState<Session[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const reload = useCallback(async () => {
    try {
      setSessions((await rest.sessions()).sessions)
    } catch (e) {
      setError(errorText(e))
    }
  }, [rest])

  useEffect(() => {
    void reload()
  }, [reload])

  async function revoke(ids: string[]) {
    setBusy(true)
    setError(null)
    try {
      // A session that ended meanwhile is already what was asked for.
      await Promise.all(ids.map((s) => rest.revokeSession(s).catch((e: unknown) => {
        if (!(e instanceof TokenImApiError && e.code === 'session_not_found')) throw e
      })))
    } catch (e) {
      setError(errorText(e))
    }
    await reload()
    setBusy(false)
  }

  const others = sessions?.filter((s) => !s.current) ?? []
  return (
    <dialog ref={ref} className="dialog sessions" aria-labelledby={`${id}-title`}>
      <header className="dialog-header">
        <h2 id={`${id}-title`}>{t.sessionsTitle}</h2>
        <button type="button" className="ghost" onClick={onClose} aria-label={t.close}>×</button>
      </header>
      {!sessions && !error && <p className="muted" role="status">{t.loading}</p>}
      {sessions && (
        <ul className="session-list" aria-label={t.sessionsTitle}>
          {sessions.map((s) => (
            <li key={s.id} className="session" data-testid="session-item" data-current={String(s.current)}>
              <span className="session-body">
                <strong>{s.deviceName}</strong>
                {s.current && <span className="tag">{t.thisDevice}</span>}
                <span className="muted">{t.signedInAt(dateTime(s.createdAt))}</span>
                <span className="muted">{t.lastActiveAt(dateTime(s.lastUsedAt))}{s.address ? ` · ${s.address}` : ''}</span>
              </span>
              {s.current ? (
                <button type="button" className="ghost" onClick={onSignOut}>{t.signOut}</button>
              ) : (
                <button
                  type="button" className="ghost" data-testid="session-revoke" aria-label={t.revoke(s.deviceName)} disabled={busy}
                  onClick={() => void revoke([s.id])}
                >{t.revokeShort}</button>
              )}
            </li>
          ))}
        </ul>
      )}
      {sessions && others.length === 0 && <p className="muted">{t.noOtherSessions}</p>}
      {error && <p className="form-error" role="alert">{error}</p>}
      {others.length > 0 && (
        <button type="button" className="danger dialog-submit" data-testid="sessions-revoke-others" disabled={busy} onClick={() => void revoke(others.map((s) => s.id))}>
          {t.signOutOthers}
        </button>
      )}
    </dialog>
  )
}
