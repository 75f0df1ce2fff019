import type { TokenImRest } from './rest'
import type { SearchPage } from './types'

export interface SearchOptions {
  /** Only this conversation (`conversation_not_found` when the caller is not a member). */
  conversationId?: string
  /** 1–50; the server's default is 20. */
  limit?: number
  /** The previous page's `nextCursor`, with the same query and conversation. */
  cursor?: string
}

/**
 * Messages whose text contains `query` (1–100 characters after trimming), newest first, in the caller's conversations
 * (`GET /search/messages`): a substring match, Latin letters without regard to case, Chinese, Japanese and Korean words
 * found inside a sentence. Recalled messages and the caller's hidden ones are never found.
 */
export function searchMessages(rest: TokenImRest, query: string, options: SearchOptions = {}): Promise<SearchPage> {
  const params = new URLSearchParams({ q: query })
  if (options.conversationId !== undefined) params.set('conversationId', options.conversationId)
  if (options.limit !== undefined) params.set('limit', String(options.limit))
  if (options.cursor !== undefined) params.set('cursor', options.cursor)
  return rest.request('GET', `/search/messages?${params}`)
}
