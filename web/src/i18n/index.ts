import { en, type Strings } from './en'
import { zhCN } from './zh-CN'

export const languages = { en: { name: 'English', strings: en }, 'zh-CN': { name: '简体中文', strings: zhCN } }
export type Language = keyof typeof languages

const storageKey = 'tokenim.language'
const listeners = new Set<() => void>()

/** The current language: the remembered choice, else English. */
export let language: Language = pick(readStored())
/** The strings in use (a live binding: components read it while rendering, and re-render on a switch). */
export let t: Strings = languages[language].strings

export function pick(value: string | null | undefined): Language {
  return value && Object.hasOwn(languages, value) ? (value as Language) : 'en'
}

export function setLanguage(next: Language): void {
  language = next
  t = languages[next].strings
  try {
    localStorage.setItem(storageKey, next)
  } catch {
    // storage unavailable (private mode): the choice lasts for this page only
  }
  document.documentElement.lang = next
  for (const l of listeners) l()
}

/** For `useSyncExternalStore`: re-render the app when the language changes. */
export function subscribeLanguage(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export const getLanguage = (): Language => language

function readStored(): string | null {
  try {
    return localStorage.getItem(storageKey)
  } catch {
    return null
  }
}

if (typeof document !== 'undefined') document.documentElement.lang = language
export type { Strings }
