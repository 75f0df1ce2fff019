import type { Member, Role } from '../sdk'
import { t } from '../i18n'
import type { ChatState } from './store'
import { Avatar } from './Avatar'
import { PresenceDot } from './PresenceDot'
import { canChangeRoles, canRemove, sortMembers } from './groupRules'

interface Props {
  state: ChatState
  members: readonly Member[]
  myRole: Role
  onRemove: (userId: string) => void
  onSetRole: (userId: string, role: 'admin' | 'member') => void
}

/**
 * The members of a group: the owner, then admins, then members; with a Remove button where the role allows it, and
 * for the owner a button making a member admin or an admin a member again.
 */
export function GroupMemberList({ state, members, myRole, onRemove, onSetRole }: Props) {
  return (
    <ul className="member-list" aria-label={t.groupMembers}>
      {sortMembers(members).map((m) => {
        const user = state.users[m.userId]
        const name = user?.displayName ?? '…'
        const self = m.userId === state.me.id
        // The user's own dot follows their connection; the others' come from presence events.
        const online = self ? state.connection === 'online' : state.online[m.userId] === true
        return (
          <li key={m.userId} className="member" data-testid="group-member" data-username={user?.username} data-role={m.role}>
            <span className="avatar-wrap">
              <Avatar name={name} />
              <PresenceDot online={online} />
            </span>
            <span className="member-body">
              <strong>{name}{self && ` ${t.youSuffix}`}</strong>
              {user && <span className="muted">@{user.username}</span>}
            </span>
            <span className={`role role-${m.role}`}>{t.roles[m.role]}</span>
            {!self && canChangeRoles(myRole) && m.role !== 'owner' && (
              <button
                type="button" className="ghost" data-testid="group-member-role"
                aria-label={m.role === 'admin' ? t.removeAdminOf(name) : t.makeAdminOf(name)}
                onClick={() => onSetRole(m.userId, m.role === 'admin' ? 'member' : 'admin')}
              >
                {m.role === 'admin' ? t.removeAdmin : t.makeAdmin}
              </button>
            )}
            {!self && canRemove(myRole, m.role, false) && (
              <button type="button" className="ghost" data-testid="group-member-remove" aria-label={t.removeMember(name)} onClick={() => onRemove(m.userId)}>
                {t.remove}
              </button>
            )}
          </li>
        )
      })}
    </ul>
  )
}
