import { describe, expect, it } from 'vitest'
import { attachmentUrl, getAttachmentLink, uploadAttachment, type XhrLike } from './attachments'
import { TokenImApiError } from './errors'
import { TokenImRest } from './rest'

const attachment = { id: 'a1', name: 'photo.png', contentType: 'image/png', size: 6, width: 2, height: 3, thumbnail: true }

interface Sent { method: string; url: string; headers: Record<string, string>; body: Blob | null }

/** An XMLHttpRequest that reports progress in two steps and then answers with `status` and `body`. */
function fakeXhr(sent: Sent[], answers: Array<{ status: number; body: unknown }>): () => XhrLike {
  return () => {
    const request: Sent = { method: '', url: '', headers: {}, body: null }
    const answer = answers.shift() ?? { status: 500, body: {} }
    const xhr: XhrLike = {
      status: 0,
      responseText: '',
      upload: { onprogress: null },
      onload: null,
      onerror: null,
      onabort: null,
      open(method, url) { Object.assign(request, { method, url }) },
      setRequestHeader(name, value) { request.headers[name] = value },
      getResponseHeader: () => (answer.status === 201 ? 'application/json' : 'application/problem+json'),
      abort() { queueMicrotask(() => xhr.onabort?.()) },
      send(body) {
        request.body = body
        sent.push(request)
        queueMicrotask(() => {
          xhr.upload.onprogress?.({ loaded: 3, total: body.size, lengthComputable: true })
          Object.assign(xhr, { status: answer.status, responseText: JSON.stringify(answer.body) })
          xhr.onload?.()
        })
      },
    }
    return xhr
  }
}

async function signedIn(): Promise<TokenImRest> {
  const tokens = { user: { id: 'u1', username: 'alice', displayName: 'Alice' }, accessToken: 'first', refreshToken: '', expiresIn: 900, sessionId: 's1' }
  const rest = new TokenImRest({
    fetch: (async () => {
      const body = JSON.stringify(tokens)
      tokens.accessToken = 'second'
      return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } })
    }) as typeof fetch,
  })
  await rest.login('alice', 'pw')
  return rest
}

describe('uploadAttachment', () => {
  it('posts the raw bytes with the name in the query, the token, and reports progress to the end', async () => {
    const rest = await signedIn()
    const sent: Sent[] = []
    const progress: Array<[number, number]> = []
    const file = new Blob([new Uint8Array([1, 2, 3, 4, 5, 6])])

    const uploaded = await uploadAttachment(rest, 'c 1', file, 'my photo.png', {
      createXhr: fakeXhr(sent, [{ status: 201, body: attachment }]),
      onProgress: (s, t) => progress.push([s, t]),
    })

    expect(uploaded).toEqual(attachment)
    expect(sent).toEqual([{
      method: 'POST',
      url: '/api/v1/conversations/c%201/attachments?name=my+photo.png',
      headers: { authorization: 'Bearer first' },
      body: file,
    }])
    expect(progress).toEqual([[3, 6], [6, 6]])
  })

  it('refreshes an expired token once and sends again', async () => {
    const rest = await signedIn()
    const sent: Sent[] = []
    const createXhr = fakeXhr(sent, [{ status: 401, body: { status: 401, code: 'token_expired' } }, { status: 201, body: attachment }])

    await uploadAttachment(rest, 'c1', new Blob(['x']), 'x.txt', { createXhr, fetch: undefined })

    expect(sent.map((s) => s.headers.authorization)).toEqual(['Bearer first', 'Bearer second'])
  })

  it('rejects with the protocol code of a refusal', async () => {
    const rest = await signedIn()
    const createXhr = fakeXhr([], [{ status: 413, body: { status: 413, code: 'attachment_too_large', detail: 'Files are limited to 26214400 bytes.' } }])

    const refused = uploadAttachment(rest, 'c1', new Blob(['x']), 'big.bin', { createXhr })

    await expect(refused).rejects.toBeInstanceOf(TokenImApiError)
    await expect(refused).rejects.toMatchObject({ status: 413, code: 'attachment_too_large' })
  })

  it('rejects with network_error when aborted before sending', async () => {
    const rest = await signedIn()
    const controller = new AbortController()
    controller.abort()

    await expect(uploadAttachment(rest, 'c1', new Blob(['x']), 'x', { createXhr: fakeXhr([], []), signal: controller.signal }))
      .rejects.toMatchObject({ code: 'network_error' })
  })
})

describe('getAttachmentLink', () => {
  it('asks for the thumbnail variant with the token and returns the link', async () => {
    const rest = await signedIn()
    const calls: Array<[string, string | undefined]> = []
    const link = { url: '/api/v1/files/a1?variant=thumbnail&exp=1&sig=s', expiresAt: '2026-11-27T16:00:00Z' }
    const doFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push([String(input), (init?.headers as Record<string, string>).authorization])
      return new Response(JSON.stringify(link), { status: 200, headers: { 'content-type': 'application/json' } })
    }) as typeof fetch

    const got = await getAttachmentLink(rest, 'c1', 'a1', 'thumbnail', { fetch: doFetch, baseUrl: 'https://chat.example' })

    expect(got).toEqual(link)
    expect(calls).toEqual([['https://chat.example/api/v1/conversations/c1/attachments/a1/link?variant=thumbnail', 'Bearer first']])
    expect(attachmentUrl(got, 'https://chat.example')).toBe('https://chat.example/api/v1/files/a1?variant=thumbnail&exp=1&sig=s')
  })

  it('rejects with conversation_not_found for an outsider', async () => {
    const rest = await signedIn()
    const doFetch = (async () => new Response(JSON.stringify({ status: 404, code: 'conversation_not_found' }), {
      status: 404, headers: { 'content-type': 'application/problem+json' },
    })) as typeof fetch

    await expect(getAttachmentLink(rest, 'c1', 'a1', undefined, { fetch: doFetch })).rejects.toMatchObject({ code: 'conversation_not_found' })
  })
})
