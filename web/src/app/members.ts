import type { Member, TokenImRest } from '../sdk'

/**
 * The member lists of the groups whose details are (or were) shown, for `useSyncExternalStore`. A list is read on
 * first use and read again after every `conversation` event of its group, so an open details panel follows the
 * changes live. Only the newest answer per group is kept (an older, slower one could undo a change).
 */
export class MembersStore {
  private state: Record<string, Member[]> = {}
  private readonly listeners = new Set<() => void>()
  private readonly latest = new Map<string, number>()
  private requests = 0

  constructor(private readonly rest: TokenImRest, private readonly onUsers: (ids: string[]) => void) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): Record<string, Member[]> => this.state

  /** Reads a group's members from the server. */
  async load(conversationId: string): Promise<void> {
    const request = ++this.requests
    this.latest.set(conversationId, request)
    const { members } = await this.rest.members(conversationId)
    if (this.latest.get(conversationId) !== request) return
    this.onUsers(members.map((m) => m.userId))
    this.set({ ...this.state, [conversationId]: members })
  }

  /** The group changed (an event, or the user's own change): read its list again if it is being shown. */
  changed(conversationId: string): void {
    if (this.latest.has(conversationId)) this.load(conversationId).catch(() => undefined)
  }

  /** The user is no longer in the group. */
  forget(conversationId: string): void {
    this.latest.delete(conversationId)
    const { [conversationId]: _gone, ...rest } = this.state
    void _gone
    this.set(rest)
  }

  private set(next: Record<string, Member[]>): void {
    this.state = next
    for (const l of this.listeners) l()
  }
}
