import { describe, expect, it } from 'vitest'
import { TokenImApiError, toApiError } from './errors'
import { TokenImRest } from './rest'

const problem = (status: number, body: object, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json', ...headers } })

describe('toApiError', () => {
  it('maps Problem Details to a typed error with the code, detail and field errors', async () => {
    const e = await toApiError(problem(400, {
      type: 'https://tokenim.dev/errors/validation_failed', title: 'One or more fields are invalid.', status: 400,
      detail: 'One or more fields are invalid.', code: 'validation_failed', errors: { password: ['Too common.'] },
    }))
    expect(e).toBeInstanceOf(TokenImApiError)
    expect(e.status).toBe(400)
    expect(e.code).toBe('validation_failed')
    expect(e.message).toBe('One or more fields are invalid.')
    expect(e.errors).toEqual({ password: ['Too common.'] })
  })

  it('carries retryAfterMs of rate_limited, falling back to Retry-After', async () => {
    expect((await toApiError(problem(429, { code: 'rate_limited', retryAfterMs: 350 }))).retryAfterMs).toBe(350)
    expect((await toApiError(problem(429, { code: 'rate_limited' }, { 'Retry-After': '2' }))).retryAfterMs).toBe(2000)
  })

  it('maps a body that is not Problem Details by status', async () => {
    const html = new Response('<html>bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } })
    expect((await toApiError(html)).code).toBe('internal_error')
    expect((await toApiError(new Response('', { status: 404 }))).code).toBe('not_found')
    expect((await toApiError(new Response('{oops', { status: 400, headers: { 'Content-Type': 'application/json' } }))).code).toBe('malformed_request')
    expect((await toApiError(new Response('', { status: 418 }))).code).toBe('unexpected_response')
  })

  it('marks invalid_refresh_token and session_revoked as signed out', () => {
    expect(new TokenImApiError(401, 'invalid_refresh_token', '').isSignedOut).toBe(true)
    expect(new TokenImApiError(401, 'session_revoked', '').isSignedOut).toBe(true)
    expect(new TokenImApiError(401, 'token_expired', '').isSignedOut).toBe(false)
  })
})

describe('TokenImRest errors', () => {
  it('throws the typed error from a failed request', async () => {
    const rest = new TokenImRest({ fetch: async () => problem(401, { code: 'invalid_credentials', detail: 'Wrong.' }) })
    await expect(rest.login('alice', 'x')).rejects.toMatchObject({ code: 'invalid_credentials', status: 401 })
  })

  it('maps a network failure to network_error', async () => {
    const rest = new TokenImRest({ fetch: async () => { throw new TypeError('Failed to fetch') } })
    await expect(rest.login('alice', 'x')).rejects.toMatchObject({ code: 'network_error', status: 0 })
  })

  it('asks for cookie mode on sign-in and refreshes with an empty body, same-origin credentials', async () => {
    const calls: { url: string; init: RequestInit }[] = []
    const tokens = { user: { id: 'u1', username: 'alice', displayName: 'Alice' }, accessToken: 'a1', refreshToken: '', expiresIn: 900, sessionId: 's' }
    const rest = new TokenImRest({
      fetch: async (url, init) => {
        calls.push({ url: String(url), init: init! })
        return new Response(JSON.stringify(tokens), { status: 200, headers: { 'Content-Type': 'application/json' } })
      },
    })
    await rest.login('alice', 'pw')
    await Promise.all([rest.refresh(), rest.refresh()]) // single flight: one request
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/auth/login', '/api/v1/auth/refresh'])
    expect(JSON.parse(String(calls[0]!.init.body))).toMatchObject({ username: 'alice', refreshTokenCookie: true })
    expect(calls[1]!.init.body).toBe('{}')
    expect(calls.every((c) => c.init.credentials === 'same-origin')).toBe(true)
    expect(rest.accessToken).toBe('a1')
    await rest.logout().catch(() => undefined)
  })

  it('refreshes once and repeats a request refused with token_expired', async () => {
    let meCalls = 0
    const rest = new TokenImRest({
      fetch: async (url) => {
        const path = String(url)
        if (path.endsWith('/auth/login') || path.endsWith('/auth/refresh')) {
          const token = path.endsWith('/refresh') ? 'a2' : 'a1'
          return Response.json({ user: { id: 'u', username: 'a', displayName: 'A' }, accessToken: token, refreshToken: '', expiresIn: 900, sessionId: 's' })
        }
        meCalls++
        return meCalls === 1 ? problem(401, { code: 'token_expired' }) : Response.json({ id: 'u', username: 'a', displayName: 'A' })
      },
    })
    await rest.login('a', 'pw')
    await expect(rest.me()).resolves.toMatchObject({ id: 'u' })
    expect(rest.accessToken).toBe('a2')
    await rest.logout().catch(() => undefined)
  })
})
