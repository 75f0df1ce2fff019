import { useEffect, useId, useState, useSyncExternalStore, type FormEvent } from 'react'
import type { Conversation } from '../sdk'
import { t } from '../i18n'
import type { ChatState, ChatStore } from './store'
import type { GroupActions } from './groupActions'
import { AddMembers } from './AddMembers'
import { ConfirmDialog } from './ConfirmDialog'
import { GroupMemberList } from './GroupMemberList'
import { canManage, successor } from './groupRules'
import { errorText } from './errorText'
import { useModalDialog } from './useModalDialog'

interface Props {
  store: ChatStore
  groups: GroupActions
  state: ChatState
  conversation: Conversation
  onClose: () => void
}

/**
 * A group's details: its title (renamed by owners and admins), its members with their roles and presence, adding
 * and removing members as the caller's role allows, and leaving. The member list follows `conversation` events live.
 */
export function GroupDetailsDialog({ store, groups, state, conversation, onClose }: Props) {
  const ref = useModalDialog(onClose)
  const id = useId()
  const members = useSyncExternalStore(store.members.subscribe, store.members.getSnapshot)[conversation.id]
  const [title, setTitle] = useState(conversation.title ?? '')
  const [error, setError] = useState<string | null>(null)
  const [leaving, setLeaving] = useState<'ask' | 'busy' | null>(null)
  const manager = canManage(conversation.role)
  const heir = members ? successor(members, state.me.id) : undefined

  useEffect(() => {
    store.members.load(conversation.id).catch((e: unknown) => setError(errorText(e)))
  }, [store, conversation.id])

  async function run(action: () => Promise<void>): Promise<boolean> {
    setError(null)
    try {
      await action()
      return true
    } catch (e) {
      setError(errorText(e))
      return false
    }
  }

  function rename(event: FormEvent) {
    event.preventDefault()
    const next = title.trim()
    if (next && next !== conversation.title) void run(() => groups.renameGroup(conversation.id, next))
  }

  async function leave() {
    setLeaving('busy')
    // On success the conversation leaves the store, which closes this dialog with the chat.
    if (!(await run(() => groups.leave(conversation.id)))) setLeaving(null)
  }

  return (
    <dialog ref={ref} className="dialog group-details" aria-labelledby={`${id}-title`}>
      <header className="dialog-header">
        <div>
          <h2 id={`${id}-title`}>{conversation.title}</h2>
          <span className="muted">{t.memberCount(conversation.memberIds.length)}</span>
        </div>
        <button type="button" className="ghost" onClick={onClose} aria-label={t.close}>×</button>
      </header>
      {manager && (
        <form className="rename" onSubmit={rename}>
          <label htmlFor={`${id}-name`}>{t.groupTitle}</label>
          <div className="inline-form">
            <input
              id={`${id}-name`} data-testid="group-rename-input" required maxLength={100} autoComplete="off"
              value={title} onChange={(e) => setTitle(e.target.value)}
            />
            <button type="submit" className="secondary" data-testid="group-rename" disabled={!title.trim() || title.trim() === conversation.title}>
              {t.rename}
            </button>
          </div>
        </form>
      )}
      {members ? (
        <GroupMemberList
          state={state} members={members} myRole={conversation.role}
          onRemove={(userId) => void run(() => groups.removeMember(conversation.id, userId))}
          onSetRole={(userId, role) => void run(() => groups.setRole(conversation.id, userId, role))}
        />
      ) : (
        <p className="muted" role="status">{t.loading}</p>
      )}
      {manager && (
        <AddMembers store={store} memberIds={conversation.memberIds} onAdd={(user) => void run(() => groups.addMembers(conversation.id, [user]))} />
      )}
      {error && <p className="form-error" role="alert">{error}</p>}
      <button type="button" className="danger dialog-submit" data-testid="group-leave" onClick={() => setLeaving('ask')}>{t.leaveGroup}</button>
      {leaving && (
        <ConfirmDialog
          title={t.leaveConfirm(conversation.title ?? '')} confirmLabel={t.leave} busy={leaving === 'busy'}
          onConfirm={() => void leave()} onCancel={() => setLeaving(null)}
        >
          <p>{t.leaveHint}</p>
          {heir && <p>{t.leaveOwnerHint(store.displayName(heir.userId))}</p>}
        </ConfirmDialog>
      )}
    </dialog>
  )
}
