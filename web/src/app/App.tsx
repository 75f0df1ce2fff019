import { useEffect, useState, useSyncExternalStore } from 'react'
import { TokenImRest, type User } from '../sdk'
import { getLanguage, subscribeLanguage, t } from '../i18n'
import { AuthScreen } from './AuthScreen'
import { Shell } from './Shell'

type Session = { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; user: User }

export function App() {
  const [rest] = useState(() => new TokenImRest({ deviceName: browserName() }))
  const [session, setSession] = useState<Session>({ status: 'loading' })
  // A language switch re-renders the whole tree, which then reads the new strings.
  useSyncExternalStore(subscribeLanguage, getLanguage)

  useEffect(() => {
    let live = true
    // A reload keeps the session through the HttpOnly refresh cookie; the access token was only in memory.
    rest.restore().then(
      (user) => live && setSession(user ? { status: 'signed-in', user } : { status: 'signed-out' }),
      () => live && setSession({ status: 'signed-out' }),
    )
    const off = rest.onSignedOut(() => setSession({ status: 'signed-out' }))
    return () => {
      live = false
      off()
    }
  }, [rest])

  if (session.status === 'loading') return <div className="splash" role="status">{t.loading}</div>
  if (session.status === 'signed-out') return <AuthScreen rest={rest} onSignedIn={(user) => setSession({ status: 'signed-in', user })} />
  return <Shell key={session.user.id} rest={rest} me={session.user} onSignOut={() => setSession({ status: 'signed-out' })} />
}

/** The device name the sessions list shows, e.g. "Web (Chrome on Linux)". */
function browserName(): string {
  const ua = navigator.userAgent
  const browser = /Edg\//.test(ua) ? 'Edge' : /Firefox\//.test(ua) ? 'Firefox' : /Chrome\//.test(ua) ? 'Chrome' : /Safari\//.test(ua) ? 'Safari' : 'Browser'
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X/.test(ua) ? 'macOS' : /CrOS/.test(ua) ? 'ChromeOS' : /Linux/.test(ua) ? 'Linux' : ''
  return os ? `Web (${browser} on ${os})` : `Web (${browser})`
}
