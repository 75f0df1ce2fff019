import { beforeEach, describe, expect, it } from 'vitest'
import { TokenImRest } from './rest'

const tokens = {
  user: { id: 'u1', username: 'alice', displayName: 'Alice' },
  accessToken: 'a.b.c',
  refreshToken: '',
  expiresIn: 900,
  sessionId: 's1',
}

function fakeFetch(calls: string[], status = 200): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    calls.push(String(input))
    return new Response(status === 200 ? JSON.stringify(tokens) : JSON.stringify({ status, code: 'invalid_refresh_token' }), {
      status,
      headers: { 'content-type': status === 200 ? 'application/json' : 'application/problem+json' },
    })
  }) as typeof fetch
}

describe('TokenImRest.restore', () => {
  beforeEach(() => localStorage.clear())

  it('makes no request on a first visit', async () => {
    const calls: string[] = []
    const rest = new TokenImRest({ fetch: fakeFetch(calls) })

    expect(await rest.restore()).toBeNull()
    expect(calls).toEqual([])
  })

  it('tries the refresh cookie after a sign-in, and stops after a refused one', async () => {
    const calls: string[] = []
    await new TokenImRest({ fetch: fakeFetch(calls) }).login('alice', 'pw')

    const reloaded = new TokenImRest({ fetch: fakeFetch(calls) })
    expect((await reloaded.restore())?.id).toBe('u1')
    expect(calls.filter((c) => c.endsWith('/auth/refresh'))).toHaveLength(1)

    const refused = new TokenImRest({ fetch: fakeFetch(calls, 401) })
    expect(await refused.restore()).toBeNull()
    const before = calls.length
    expect(await new TokenImRest({ fetch: fakeFetch(calls) }).restore()).toBeNull()
    expect(calls).toHaveLength(before)
  })
})
