import type { ProblemDetails } from './types'

/** Stable error codes of the protocol's catalogue; switch on these, never on titles or messages. */
export type ErrorCode =
  | 'validation_failed' | 'malformed_request' | 'request_too_large' | 'request_timeout' | 'invalid_token' | 'token_expired'
  | 'session_revoked' | 'invalid_credentials' | 'invalid_refresh_token' | 'username_taken' | 'permission_denied'
  | 'user_not_found' | 'conversation_not_found' | 'session_not_found' | 'not_found' | 'method_not_allowed'
  | 'conversation_is_direct' | 'group_full' | 'rate_limited' | 'unknown_op' | 'too_many_connections'
  | 'store_unavailable' | 'internal_error' | 'user_disabled' | 'unknown_external_user' | 'external_token'
  | 'message_rejected' | 'hook_unavailable'
  /** Not from the server: the request never got an answer (offline, DNS, aborted). */
  | 'network_error'
  /** Not from the server: an answer that is not Problem Details (a proxy's HTML page, say). */
  | 'unexpected_response'

/** A refused REST request or socket request, carrying the protocol's error `code`. */
export class TokenImApiError extends Error {
  readonly status: number
  readonly code: ErrorCode | (string & {})
  readonly errors?: Record<string, string[]>
  readonly retryAfterMs?: number

  constructor(status: number, code: string, message: string, errors?: Record<string, string[]>, retryAfterMs?: number) {
    super(message)
    this.name = 'TokenImApiError'
    this.status = status
    this.code = code
    this.errors = errors
    this.retryAfterMs = retryAfterMs
  }

  /** True when the tokens are gone for good and the user must sign in again. */
  get isSignedOut(): boolean {
    return this.code === 'invalid_refresh_token' || this.code === 'session_revoked'
  }
}

const fallbackCodes: Record<number, ErrorCode> = {
  400: 'malformed_request',
  401: 'invalid_token',
  403: 'permission_denied',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  413: 'request_too_large',
  429: 'rate_limited',
}

/** Maps a failed response to a {@link TokenImApiError}: the Problem Details `code` when present, else by status. */
export async function toApiError(response: Response): Promise<TokenImApiError> {
  let problem: ProblemDetails | undefined
  const type = response.headers.get('content-type') ?? ''
  if (type.includes('json')) {
    try {
      problem = (await response.json()) as ProblemDetails
    } catch {
      problem = undefined // an unreadable body is mapped by status below
    }
  }
  const status = response.status
  if (problem && typeof problem.code === 'string') {
    let retryAfterMs = typeof problem.retryAfterMs === 'number' ? problem.retryAfterMs : undefined
    if (retryAfterMs === undefined && problem.code === 'rate_limited') retryAfterMs = retryAfterFromHeader(response)
    return new TokenImApiError(status, problem.code, problem.detail ?? problem.title ?? problem.code, problem.errors, retryAfterMs)
  }
  const code = status >= 500 ? 'internal_error' : (fallbackCodes[status] ?? 'unexpected_response')
  return new TokenImApiError(status, code, `HTTP ${status}`, undefined, status === 429 ? retryAfterFromHeader(response) : undefined)
}

function retryAfterFromHeader(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'))
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined
}
