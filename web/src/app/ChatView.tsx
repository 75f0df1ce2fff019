import { Fragment, useId, useLayoutEffect, useRef, useState } from 'react'
import type { Conversation, Message } from '../sdk'
import { t } from '../i18n'
import type { ChatState, ChatStore } from './store'
import type { GroupActions } from './groupActions'
import { dayLabel } from './format'
import { GroupDetailsDialog } from './GroupDetailsDialog'
import { MessageItem } from './MessageItem'
import { PresenceDot } from './PresenceDot'
import { Composer } from './Composer'
import { ConfirmDialog } from './ConfirmDialog'
import { ConversationMenu } from './ConversationMenu'
import { ForwardDialog } from './ForwardDialog'
import { canEdit, canRecall, type FeatureActions } from './features'

interface Props {
  store: ChatStore
  groups: GroupActions
  state: ChatState
  conversation: Conversation
  onBack: () => void
  /** Replies, edits, recalls, reactions, files, forwards and settings; absent: plain text only. */
  features?: FeatureActions
}

export function ChatView({ store, groups, state, conversation, onBack, features }: Props) {
  const [details, setDetails] = useState(false)
  const [replyTo, setReplyTo] = useState<Message | null>(null)
  const [editing, setEditing] = useState<Message | null>(null)
  const [forwarding, setForwarding] = useState<Message | null>(null)
  const [recalling, setRecalling] = useState<Message | null>(null)
  const listRef = useRef<HTMLOListElement>(null)
  const id = useId()
  const items = store.items(conversation.id)
  const loading = state.loadingHistory[conversation.id] && items.length === 0
  const isGroup = conversation.type === 'group'
  const firstKey = items[0]?.key
  const lastKey = items.at(-1)?.key
  const scrollMemo = useRef({ firstKey, lastKey, height: 0 })
  const peer = store.peerId(conversation)
  const typists = store.typingNames(conversation.id)

  // Newest at the bottom: stay pinned there as messages arrive; when older ones are prepended, keep the view where
  // it was instead of jumping.
  useLayoutEffect(() => {
    const list = listRef.current
    if (!list) return
    const memo = scrollMemo.current
    if (memo.lastKey !== lastKey || memo.height === 0) list.scrollTop = list.scrollHeight
    else if (memo.firstKey !== firstKey) list.scrollTop += list.scrollHeight - memo.height
    scrollMemo.current = { firstKey, lastKey, height: list.scrollHeight }
  }, [firstKey, lastKey])

  const me = state.me
  const names = {
    display: (userId: string) => (userId === me.id ? t.you : store.displayName(userId)),
    username: (userId: string) => state.users[userId]?.username,
  }
  const jump = (seq: number) => listRef.current?.querySelector<HTMLElement>(`[data-seq="${seq}"]`)?.scrollIntoView({ block: 'center' })
  const actionsFor = (m: Message) => features && {
    reply: () => { setEditing(null); setReplyTo(m) },
    react: (emoji: string) => void features.react(m, emoji, true),
    edit: canEdit(m, me.id) ? () => { setReplyTo(null); setEditing(m) } : undefined,
    recall: canRecall(m, me.id, conversation.role, isGroup) ? () => setRecalling(m) : undefined,
    hide: () => void features.hide(m),
    forward: () => setForwarding(m),
  }

  return (
    <section className="chat" aria-labelledby={`${id}-title`}>
      <header className="chat-header">
        <button type="button" className="ghost back" onClick={onBack} aria-label={t.back}>‹</button>
        <h2 id={`${id}-title`}>{store.title(conversation)}</h2>
        {peer && <PresenceDot online={state.online[peer] === true} />}
        {isGroup && <span className="muted member-count" data-testid="member-count">{t.memberCount(conversation.memberIds.length)}</span>}
        {isGroup && (
          <button type="button" className="ghost details-button" data-testid="group-details" aria-label={t.groupDetails} title={t.groupDetails} onClick={() => setDetails(true)}>
            ⓘ
          </button>
        )}
        {features && <ConversationMenu conversation={conversation} peerId={peer} features={features} blocked={peer ? state.blocked?.[peer] === true : false} />}
      </header>
      {details && isGroup && (
        <GroupDetailsDialog store={store} groups={groups} state={state} conversation={conversation} onClose={() => setDetails(false)} />
      )}
      <ol
        className="messages" ref={listRef} aria-live="polite" aria-label={store.title(conversation)} tabIndex={0}
        onScroll={(e) => {
          if (e.currentTarget.scrollTop < 80) void store.loadOlder(conversation.id)
        }}
      >
        {(loading || (state.loadingHistory[conversation.id] && state.hasOlder[conversation.id])) && (
          <li className="muted center">{t.loadingHistory}</li>
        )}
        {items.map((m, i) => {
          const mine = m.senderId === state.me.id
          const day = dayLabel(m.createdAt)
          const newDay = day !== '' && day !== dayLabel(items[i - 1]?.createdAt)
          return (
            <Fragment key={m.key}>
              {newDay && <li className="day" role="separator" aria-label={day}><span>{day}</span></li>}
              <MessageItem
                item={m} mine={mine} sender={mine ? t.you : store.displayName(m.senderId)} showSender={isGroup && !mine}
                onRetry={(clientMsgId) => store.retry(conversation.id, clientMsgId)}
                me={me} names={names} onJump={jump}
                link={features && ((a, variant) => features.link(conversation.id, a, variant))}
                actions={m.message && actionsFor(m.message)}
                onReact={features && m.message && ((emoji, add) => void features.react(m.message!, emoji, add))}
              />
            </Fragment>
          )
        })}
      </ol>
      <p className="typing" data-testid={typists.length ? 'typing-indicator' : undefined} role="status">
        {typists.length ? t.typing(typists) : ''}
      </p>
      <Composer
        conversation={conversation} me={me} users={state.users} nameOf={names.display}
        draft={store.drafts.get(conversation.id)} onDraft={(text) => store.drafts.set(conversation.id, text)}
        onTyping={() => store.userTyping(conversation.id)}
        onSend={(text, options) => {
          if (features) features.send(conversation.id, text, options)
          else store.send(conversation.id, text)
          setReplyTo(null)
        }}
        replyTo={replyTo} onCancelReply={() => setReplyTo(null)}
        editing={editing} onCancelEdit={() => setEditing(null)}
        onSaveEdit={(text) => {
          if (editing && features) void features.edit(editing, text)
          setEditing(null)
        }}
        onAttach={features && ((file, progress) => features.upload(conversation.id, file, progress))}
      />
      {forwarding && features && (
        <ForwardDialog
          conversations={state.conversations} title={(c) => store.title(c)} onClose={() => setForwarding(null)}
          onPick={(target) => { features.forward(forwarding, target); setForwarding(null) }}
        />
      )}
      {recalling && features && (
        <ConfirmDialog
          title={t.recallConfirm} confirmLabel={t.recall} onCancel={() => setRecalling(null)}
          onConfirm={() => { void features.recall(recalling); setRecalling(null) }}
        />
      )}
    </section>
  )
}
