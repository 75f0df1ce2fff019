import { useEffect, useState } from 'react'
import type { User } from '../sdk'
import type { ChatStore } from './store'

const validQuery = /^[A-Za-z0-9._-]{1,32}$/

/** Users matching a username prefix (debounced); null while the query is empty or not a valid username prefix. */
export function useUserSearch(store: ChatStore, query: string): User[] | null {
  const [results, setResults] = useState<User[] | null>(null)
  const q = query.trim()

  useEffect(() => {
    if (!validQuery.test(q)) return
    let live = true
    const timer = setTimeout(() => {
      store.searchUsers(q).then((users) => live && setResults(users), () => live && setResults([]))
    }, 150)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [q, store])

  return validQuery.test(q) ? results : null
}
