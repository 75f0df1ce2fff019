import { useId, useRef, useState, type FormEvent } from 'react'
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
  const formRef = useRef<HTMLFormElement>(null)
  const submitRef = useRef<HTMLButtonElement>(null)
  const registering = mode === 'register'

  async function submit(event: FormEvent) {
    event.preventDefault()
    if (busy) return
    setBusy(true)
    setError(null)
    setFieldErrors({})
    try {
      const tokens = registering ? await rest.register(username.trim(), password, displayName.trim()) : await rest.login(username.trim(), password)
      onSignedIn(tokens.user)
    } catch (e) {
      const code = e instanceof TokenImApiError ? e.code : 'generic'
      setError(t.errors[code] ?? t.errors.generic ?? '')
      const errors = e instanceof TokenImApiError && e.errors ? e.errors : {}
      setFieldErrors(errors)
      // A taken username is the username field's problem too, though the server names no field for it.
      const rejected = code === 'username_taken' ? { ...errors, username: [''] } : errors
      setBusy(false)
      // Focus where the fix is: the first field the server rejected, in form order; else keep it where it was (the
      // submit button is only aria-disabled while busy, so it kept the focus); body would restart the page.
      const invalid = [...(formRef.current?.elements ?? [])].find(
        (el): el is HTMLInputElement => el instanceof HTMLInputElement && (rejected[el.name]?.length ?? 0) > 0,
      )
      if (invalid) invalid.focus()
      else if (!formRef.current?.contains(document.activeElement)) submitRef.current?.focus()
    }
  }

  const describedBy = (...ids: (string | false)[]) => ids.filter(Boolean).join(' ') || undefined

  const fieldError = (name: string) =>
    fieldErrors[name]?.length ? <p className="field-error" id={`${id}-${name}-error`}>{fieldErrors[name]!.join(' ')}</p> : null

  return (
    <main className="auth">
      <form className="auth-card" ref={formRef} onSubmit={submit} aria-labelledby={`${id}-title`} noValidate>
        <div className="brand" aria-hidden="true">T</div>
        <h1 id={`${id}-title`}>{registering ? t.createAccountTitle : t.signInTitle}</h1>

        <label htmlFor={`${id}-username`}>{t.username}</label>
        <input
          id={`${id}-username`} data-testid="auth-username" name="username" autoComplete="username" autoCapitalize="none"
          spellCheck={false} required value={username} onChange={(e) => setUsername(e.target.value)} autoFocus
          aria-invalid={fieldErrors.username ? true : undefined}
          aria-describedby={describedBy(registering && `${id}-username-hint`, !!fieldErrors.username && `${id}-username-error`)}
        />
        {registering && <p className="hint" id={`${id}-username-hint`}>{t.usernameHint}</p>}
        {fieldError('username')}

        {registering && (
          <>
            <label htmlFor={`${id}-display`}>{t.displayName}</label>
            <input
              id={`${id}-display`} data-testid="auth-display-name" name="displayName" autoComplete="nickname"
              value={displayName} onChange={(e) => setDisplayName(e.target.value)}
              aria-invalid={fieldErrors.displayName ? true : undefined}
              aria-describedby={describedBy(`${id}-displayName-hint`, !!fieldErrors.displayName && `${id}-displayName-error`)}
            />
            <p className="hint" id={`${id}-displayName-hint`}>{t.displayNameHint}</p>
            {fieldError('displayName')}
          </>
        )}

        <label htmlFor={`${id}-password`}>{t.password}</label>
        <input
          id={`${id}-password`} data-testid="auth-password" name="password" type="password" required
          autoComplete={registering ? 'new-password' : 'current-password'} value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={fieldErrors.password ? true : undefined}
          aria-describedby={describedBy(registering && `${id}-password-hint`, !!fieldErrors.password && `${id}-password-error`)}
        />
        {registering && <p className="hint" id={`${id}-password-hint`}>{t.passwordHint}</p>}
        {fieldError('password')}

        {error && <p className="form-error" role="alert" data-testid="auth-error">{error}</p>}

        {/* aria-disabled, not disabled: a disabled button drops the focus to <body> while the request runs. */}
        <button className="primary" type="submit" data-testid="auth-submit" ref={submitRef} aria-disabled={busy || undefined}>
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
