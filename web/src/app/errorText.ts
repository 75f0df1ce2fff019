import { TokenImApiError } from '../sdk'
import { t } from '../i18n'

/** The message to show for a failed request: by the protocol's error code, else a generic one. */
export function errorText(error: unknown): string {
  const code = error instanceof TokenImApiError ? error.code : 'generic'
  return t.errors[code] ?? t.errors.generic ?? ''
}
