import { useId } from 'react'
import type { User } from '../sdk'
import { t } from '../i18n'
import type { ChatStore } from './store'
import { UserSearch } from './UserSearch'

interface Props {
  store: ChatStore
  memberIds: readonly string[]
  onAdd: (user: User) => void
}

/** Finds users by username prefix (members are left out of the results); picking one adds them to the group. */
export function AddMembers({ store, memberIds, onAdd }: Props) {
  const id = useId()
  return (
    <section className="add-members" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{t.addMembers}</h3>
      <UserSearch store={store} testId="group-add" clearOnPick exclude={(u) => memberIds.includes(u.id)} onPick={onAdd} />
    </section>
  )
}
