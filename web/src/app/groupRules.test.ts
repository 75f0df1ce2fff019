import { describe, expect, it } from 'vitest'
import type { Member, Role } from '../sdk'
import { canChangeRoles, canManage, canRemove, sortMembers, successor } from './groupRules'

const member = (userId: string, role: Role, joined: number): Member => ({
  userId, role, joinedAt: `2026-11-27T10:00:0${joined}.000Z`, readSeq: 0,
})

describe('group permissions', () => {
  it('lets owners and admins manage, members not', () => {
    expect(canManage('owner')).toBe(true)
    expect(canManage('admin')).toBe(true)
    expect(canManage('member')).toBe(false)
  })

  it('follows the server: the owner removes anyone, an admin plain members only, everyone may leave', () => {
    expect(canRemove('owner', 'admin', false)).toBe(true)
    expect(canRemove('owner', 'member', false)).toBe(true)
    expect(canRemove('admin', 'member', false)).toBe(true)
    expect(canRemove('admin', 'admin', false)).toBe(false)
    expect(canRemove('admin', 'owner', false)).toBe(false)
    expect(canRemove('member', 'member', false)).toBe(false)
    expect(canRemove('member', 'member', true)).toBe(true)
  })

  it('lets only the owner change roles', () => {
    expect(canChangeRoles('owner')).toBe(true)
    expect(canChangeRoles('admin')).toBe(false)
    expect(canChangeRoles('member')).toBe(false)
  })
})

describe('successor', () => {
  const members = [member('o', 'owner', 1), member('m1', 'member', 2), member('a1', 'admin', 3), member('a2', 'admin', 4)]

  it('is the longest-standing admin when the owner leaves', () => {
    expect(successor(members, 'o')?.userId).toBe('a1')
  })

  it('is the longest-standing member when there is no admin', () => {
    expect(successor([member('o', 'owner', 1), member('m1', 'member', 2), member('m2', 'member', 3)], 'o')?.userId).toBe('m1')
  })

  it('is nobody when a non-owner leaves or the owner is alone', () => {
    expect(successor(members, 'm1')).toBeUndefined()
    expect(successor([member('o', 'owner', 1)], 'o')).toBeUndefined()
  })
})

describe('sortMembers', () => {
  it('puts the owner first, then admins, then members, each in joining order', () => {
    const sorted = sortMembers([member('m1', 'member', 1), member('a2', 'admin', 4), member('o', 'owner', 3), member('a1', 'admin', 2)])
    expect(sorted.map((m) => m.userId)).toEqual(['o', 'a1', 'a2', 'm1'])
  })
})
