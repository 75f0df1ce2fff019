import { useId, useState, type FormEvent } from 'react'
import { TokenImApiError, type TokenImRest, type User } from '../sdk'
import { t } from '../i18n'
import { LanguageSwitch } from './LanguageSwitch'

interface Props {
  rest: TokenImRest
  onSignedIn: (user: User) => void
}

export function AuthScreen({ rest, onSignedIn }: Props) {
  const [mode, setMode] = useState<'signIn' | 'register'>('signIn')
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({})
  const id = useId()
  const registering = mode === 'register'

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(null)
    setFieldErrors({})
    try {
      const tokens = registering ? await rest.register(username.trim(), password, displayName.trim()) : await rest.login(username.trim(), password)
      onSignedIn(tokens.user)
    } catch (e) {
      const code = e instanceof TokenImApiError ? e.code : 'generic'
      setError(t.errors[code] ?? t.errors.generic ?? '')
      if (e instanceof TokenImApiError && e.errors) setFieldErrors(e.errors)
      setBusy(false)
    }
  }

  const fieldError = (name: string) =>
    fieldErrors[name]?.length ? <p className="field-error" id={`${id}-${name}-error`}>{fieldErrors[name]!.join(' ')}</p> : null

  return (
    <main className="auth">
      <form className="auth-card" onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
        <div className="brand" aria-hidden="true">T</div>
        <h1 id={`${id}-title`}>{registering ? t.createAccountTitle : t.signInTitle}</h1>

        <label htmlFor={`${id}-username`}>{t.username}</label>
        <input
          id={`${id}-username`} data-testid="auth-username" name="username" autoComplete="username" autoCapitalize="none"
          spellCheck={false} required value={username} onChange={(e) => setUsername(e.target.value)} autoFocus
          aria-invalid={fieldErrors.username ? true : undefined}
          aria-describedby={fieldErrors.username ? `${id}-username-error` : undefined}
        />
        {registering && <p className="hint">{t.usernameHint}</p>}
        {fieldError('username')}

        {registering && (
          <>
            <label htmlFor={`${id}-display`}>{t.displayName}</label>
            <input
              id={`${id}-display`} data-testid="auth-display-name" name="displayName" autoComplete="nickname"
              value={displayName} onChange={(e) => setDisplayName(e.target.value)}
            />
            <p className="hint">{t.displayNameHint}</p>
            {fieldError('displayName')}
          </>
        )}

        <label htmlFor={`${id}-password`}>{t.password}</label>
        <input
          id={`${id}-password`} data-testid="auth-password" name="password" type="password" required
          autoComplete={registering ? 'new-password' : 'current-password'} value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={fieldErrors.password ? true : undefined}
          aria-describedby={fieldErrors.password ? `${id}-password-error` : undefined}
        />
        {registering && <p className="hint">{t.passwordHint}</p>}
        {fieldError('password')}

        {error && <p className="form-error" role="alert" data-testid="auth-error">{error}</p>}

        <button className="primary" type="submit" data-testid="auth-submit" disabled={busy}>
          {busy ? t.working : registering ? t.createAccount : t.signIn}
        </button>
        <button
          className="link" type="button" data-testid="auth-toggle"
          onClick={() => {
            setMode(registering ? 'signIn' : 'register')
            setError(null)
            setFieldErrors({})
          }}
        >
          {registering ? t.haveAccount : t.noAccount}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  )
}
