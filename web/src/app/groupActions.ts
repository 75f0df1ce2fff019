import type { Role, TokenImRest, User } from '../sdk'
import type { ChatStore } from './store'

/**
 * What a group's details panel can do. The server checks every role (groupRules.ts only hides what it would refuse);
 * each change is applied here at once, and the `conversation` events that follow bring the other members' view.
 */
export class GroupActions {
  constructor(private readonly rest: TokenImRest, private readonly store: ChatStore) {}

  async renameGroup(conversationId: string, title: string): Promise<void> {
    this.store.applyConversations([await this.rest.renameConversation(conversationId, title)])
  }

  async addMembers(conversationId: string, users: User[]): Promise<void> {
    this.store.rememberUsers(users)
    this.store.applyConversations([await this.rest.addMembers(conversationId, users.map((u) => u.id))])
    this.store.members.changed(conversationId)
  }

  async removeMember(conversationId: string, userId: string): Promise<void> {
    await this.rest.removeMember(conversationId, userId)
    this.store.patchConversation(conversationId, (c) => ({ ...c, memberIds: c.memberIds.filter((id) => id !== userId) }))
    this.store.members.changed(conversationId)
  }

  /** Makes a member admin or an admin a plain member (the owner only; the server says `permission_denied` otherwise). */
  async setRole(conversationId: string, userId: string, role: Exclude<Role, 'owner'>): Promise<void> {
    await this.rest.setMemberRole(conversationId, userId, role)
    this.store.members.changed(conversationId)
  }

  /** Leaves a group; it leaves the list at once (the `member_removed` event that follows changes nothing more). */
  async leave(conversationId: string): Promise<void> {
    await this.rest.removeMember(conversationId, this.store.getSnapshot().me.id)
    this.store.forget(conversationId)
  }
}
