/** The part of `Storage` drafts use (sessionStorage in the app, a fake in tests). */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

/**
 * Unsent drafts by conversation: in memory, mirrored to sessionStorage so a reload of the tab keeps them. Not
 * localStorage: a draft is private text, so it ends with the tab (and with sign-out, see {@link clear}) instead of
 * staying on the machine. Storage that fails (private mode, quota) leaves the drafts in memory only.
 */
export class DraftStore {
  private readonly drafts: Map<string, string>

  constructor(private readonly storage: DraftStorage | null, private readonly key: string) {
    this.drafts = new Map(Object.entries(this.read()))
  }

  get(conversationId: string): string {
    return this.drafts.get(conversationId) ?? ''
  }

  /** Keeps `text` as the draft of a conversation; an empty or all-space text drops it. */
  set(conversationId: string, text: string): void {
    if (text.trim()) this.drafts.set(conversationId, text)
    else if (!this.drafts.delete(conversationId)) return
    this.write()
  }

  /** Drops every draft (sign-out). */
  clear(): void {
    this.drafts.clear()
    try {
      this.storage?.removeItem(this.key)
    } catch {
      // Storage unavailable: the memory copy is gone, which is all there is.
    }
  }

  private read(): Record<string, string> {
    try {
      const parsed: unknown = JSON.parse(this.storage?.getItem(this.key) ?? '{}')
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {}
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'))
    } catch {
      return {} // unreadable or unavailable: start empty
    }
  }

  private write(): void {
    try {
      if (this.drafts.size === 0) this.storage?.removeItem(this.key)
      else this.storage?.setItem(this.key, JSON.stringify(Object.fromEntries(this.drafts)))
    } catch {
      // Quota or private mode: the drafts live on in memory for this page.
    }
  }
}

/** The tab's sessionStorage, or null where it is missing or blocked (some privacy settings throw on access). */
export function sessionStorageOrNull(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null
  } catch {
    return null
  }
}
