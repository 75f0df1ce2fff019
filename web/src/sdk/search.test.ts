import { describe, expect, it } from 'vitest'
import { TokenImRest } from './rest'
import { searchMessages } from './search'
import { TokenImApiError } from './errors'

function recordingFetch(calls: string[], status = 200, body: unknown = { messages: [] }): typeof fetch {
  return (async (input: RequestInfo | URL) => {
    calls.push(String(input))
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': status === 200 ? 'application/json' : 'application/problem+json' },
    })
  }) as typeof fetch
}

describe('searchMessages', () => {
  it('sends the query encoded and only the options given', async () => {
    const calls: string[] = []
    const rest = new TokenImRest({ fetch: recordingFetch(calls) })

    await searchMessages(rest, '北京 & 100%')
    await searchMessages(rest, 'x', { conversationId: 'c/1', limit: 5, cursor: 'abc_-' })

    expect(calls).toEqual([
      '/api/v1/search/messages?q=%E5%8C%97%E4%BA%AC+%26+100%25',
      '/api/v1/search/messages?q=x&conversationId=c%2F1&limit=5&cursor=abc_-',
    ])
  })

  it('returns the page with its cursor', async () => {
    const page = { messages: [{ id: 'm1', text: '我们明天在北京见面吧' }], nextCursor: 'next' }
    const rest = new TokenImRest({ fetch: recordingFetch([], 200, page) })

    expect(await searchMessages(rest, '北京')).toEqual(page)
  })

  it('throws the problem as a TokenImApiError', async () => {
    const rest = new TokenImRest({ fetch: recordingFetch([], 404, { status: 404, code: 'conversation_not_found' }) })

    const error = await searchMessages(rest, 'x', { conversationId: 'theirs' }).catch((e: unknown) => e)

    expect(error).toBeInstanceOf(TokenImApiError)
    expect((error as TokenImApiError).code).toBe('conversation_not_found')
  })
})
