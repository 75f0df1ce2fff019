import { useCallback, useEffect, useState } from 'react'
import { t } from '../i18n'
import { notificationPreview, shouldNotify, type NotifyPermission } from './notify'
import type { ChatStore } from './store'

/** The Notification permission now ('unsupported' where the browser has no Notification API). */
export function notificationPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
}

/**
 * Desktop notifications for incoming messages while the tab is hidden (the rules are in notify.ts). Permission is
 * only ever asked by `request`, from a click: never on load. One notification per conversation at a time (its tag),
 * so a burst replaces itself instead of piling up. Clicking one focuses the window and opens the conversation.
 */
export function useDesktopNotifications(store: ChatStore): { permission: NotifyPermission; request: () => Promise<void> } {
  const [permission, setPermission] = useState(notificationPermission)

  useEffect(() => store.onIncoming((m) => {
    const state = store.getSnapshot()
    const c = state.conversations.find((x) => x.id === m.conversationId)
    const input = {
      senderId: m.senderId, seq: m.seq, meId: state.me.id, readSeq: c?.readSeq ?? 0,
      visibility: document.visibilityState, permission: notificationPermission(),
    }
    if (!shouldNotify(input)) return
    const sender = store.displayName(m.senderId)
    const title = c?.type === 'group' ? `${sender} · ${store.title(c)}` : sender
    try {
      // The body is plain text by nature: the browser never renders it as markup.
      const n = new Notification(title || t.appName, { body: notificationPreview(m.text), tag: m.conversationId })
      n.onclick = () => {
        window.focus()
        void store.open(m.conversationId)
        n.close()
      }
    } catch (error) {
      // Some browsers (Chrome on Android) allow notifications only through a service worker, which this app has not.
      console.warn('notification not shown', error)
    }
  }), [store])

  const request = useCallback(async () => {
    if (typeof Notification === 'undefined') return
    setPermission(await Notification.requestPermission())
  }, [])

  return { permission, request }
}
