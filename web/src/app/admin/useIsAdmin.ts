import { useEffect, useState } from 'react'
import type { TokenImRest } from '../../sdk'

/**
 * Whether the signed-in user has the admin role, from their own `GET /users/me` (the only answer that says it). Only
 * decides whether the console's entry shows: the server checks the role on every console request anyway.
 */
export function useIsAdmin(rest: TokenImRest): boolean {
  const [isAdmin, setIsAdmin] = useState(false)
  useEffect(() => {
    let live = true
    rest.me().then((me) => live && setIsAdmin(me.isAdmin === true), () => undefined)
    return () => {
      live = false
    }
  }, [rest])
  return isAdmin
}
