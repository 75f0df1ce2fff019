import type { Member, Role } from '../sdk'

/**
 * Who may do what in a group, as the server decides it (Chat/GroupRules.cs, docs/protocol.md "Roles"): the client
 * only hides what the server would refuse with `permission_denied`.
 */

/** Owners and admins add members and rename the group. */
export function canManage(role: Role): boolean {
  return role === 'owner' || role === 'admin'
}

/** Anyone may leave; the owner may remove anyone; an admin may remove plain members only. */
export function canRemove(myRole: Role, targetRole: Role, isSelf: boolean): boolean {
  return isSelf || myRole === 'owner' || (myRole === 'admin' && targetRole === 'member')
}

/** Only the owner changes roles. */
export function canChangeRoles(role: Role): boolean {
  return role === 'owner'
}

/**
 * Who becomes owner when the owner `leavingId` leaves: the longest-standing admin, else the longest-standing member
 * (`members` in joining order, as the server lists them). Undefined when the leaver is not the owner or is alone.
 */
export function successor(members: readonly Member[], leavingId: string): Member | undefined {
  const leaving = members.find((m) => m.userId === leavingId)
  if (leaving?.role !== 'owner') return undefined
  const rest = members.filter((m) => m.userId !== leavingId)
  return rest.find((m) => m.role === 'admin') ?? rest[0]
}

const rank: Record<Role, number> = { owner: 0, admin: 1, member: 2 }

/** The owner first, then admins, then members; joining order within each. */
export function sortMembers(members: readonly Member[]): Member[] {
  return [...members].sort((a, b) => rank[a.role] - rank[b.role] || (a.joinedAt < b.joinedAt ? -1 : a.joinedAt > b.joinedAt ? 1 : 0))
}
