import { TokenImApiError, toApiError } from './errors'
import type { TokenImRest } from './rest'
import type { Attachment, AttachmentLink } from './types'

/** A minimal XMLHttpRequest, so tests (and other runtimes) can supply their own. */
export interface XhrLike {
  open(method: string, url: string): void
  setRequestHeader(name: string, value: string): void
  send(body: Blob): void
  abort(): void
  readonly status: number
  readonly responseText: string
  getResponseHeader(name: string): string | null
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null }
  onload: (() => void) | null
  onerror: (() => void) | null
  onabort: (() => void) | null
}

export interface AttachmentOptions {
  /** Origin and prefix of the server, as given to TokenImRest; '' (the default) means this page's origin. */
  baseUrl?: string
  fetch?: typeof fetch
}

export interface UploadOptions extends AttachmentOptions {
  /** Called as bytes go out: `sent` of `total` (the file's size). */
  onProgress?: (sent: number, total: number) => void
  /** Aborts the upload; the promise rejects with a `network_error` and the server keeps nothing. */
  signal?: AbortSignal
  createXhr?: () => XhrLike
}

/**
 * Uploads a file to a conversation (`POST /conversations/{id}/attachments?name=`), streamed by the browser, with
 * progress (fetch cannot report upload progress; XMLHttpRequest can). The server sniffs the type from the bytes and
 * ignores `file.type`. Send it next with `attachmentId`. Errors: `conversation_not_found`, `attachment_too_large`
 * (25 MiB by default), `validation_failed` (the name). An expired access token is refreshed once and the upload
 * sent again.
 */
export async function uploadAttachment(rest: TokenImRest, conversationId: string, file: Blob, name: string, options: UploadOptions = {}): Promise<Attachment> {
  const url = `${options.baseUrl ?? ''}/api/v1/conversations/${encodeURIComponent(conversationId)}/attachments?${new URLSearchParams({ name })}`
  try {
    return await sendXhr(url, file, rest.accessToken, options)
  } catch (error) {
    if (!(error instanceof TokenImApiError) || error.code !== 'token_expired') throw error
    await rest.refresh()
    return sendXhr(url, file, rest.accessToken, options)
  }
}

/**
 * A short-lived link to a file (or its thumbnail) for members (`GET …/attachments/{id}/link`). The link needs no
 * token, so it works as an `<img src>` (see {@link attachmentUrl}); it expires at `expiresAt` (5 minutes by default):
 * ask again then. Errors: `conversation_not_found`, `attachment_not_found`.
 */
export async function getAttachmentLink(
  rest: TokenImRest, conversationId: string, attachmentId: string, variant?: 'thumbnail', options: AttachmentOptions = {},
): Promise<AttachmentLink> {
  const query = variant ? `?variant=${variant}` : ''
  const url = `${options.baseUrl ?? ''}/api/v1/conversations/${encodeURIComponent(conversationId)}/attachments/${encodeURIComponent(attachmentId)}/link${query}`
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init))
  const get = () => doFetch(url, { headers: rest.accessToken ? { authorization: `Bearer ${rest.accessToken}` } : {} })
  let response = await get()
  if (!response.ok) {
    const error = await toApiError(response)
    if (error.code !== 'token_expired') throw error
    await rest.refresh()
    response = await get()
    if (!response.ok) throw await toApiError(response)
  }
  return (await response.json()) as AttachmentLink
}

/** The link's full URL for `<img src>`, `<a href download>` or fetch: the server's path under `baseUrl`. */
export function attachmentUrl(link: AttachmentLink, baseUrl = ''): string {
  return `${baseUrl}${link.url}`
}

function sendXhr(url: string, file: Blob, token: string | null, options: UploadOptions): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = options.createXhr?.() ?? (new XMLHttpRequest() as unknown as XhrLike)
    const onAbort = () => xhr.abort()
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const done = () => options.signal?.removeEventListener('abort', onAbort)
    xhr.open('POST', url)
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`)
    xhr.upload.onprogress = (event) => options.onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size)
    xhr.onload = () => {
      done()
      const response = new Response(xhr.responseText, {
        status: xhr.status,
        headers: { 'content-type': xhr.getResponseHeader('content-type') ?? '' },
      })
      if (xhr.status === 201) {
        options.onProgress?.(file.size, file.size)
        resolve(response.json() as Promise<Attachment>)
      } else {
        toApiError(response).then(reject, reject)
      }
    }
    const failed = (what: string) => () => {
      done()
      reject(new TokenImApiError(0, 'network_error', what))
    }
    xhr.onerror = failed('The upload got no answer.')
    xhr.onabort = failed('The upload was aborted.')
    if (options.signal?.aborted) {
      done()
      reject(new TokenImApiError(0, 'network_error', 'The upload was aborted.'))
      return
    }
    xhr.send(file)
  })
}
