import { useId } from 'react'
import { language, languages, pick, setLanguage, t } from '../i18n'

/** Picks the interface language (remembered in localStorage). */
export function LanguageSwitch() {
  const id = useId()
  return (
    <span className="language-switch">
      <label htmlFor={id} className="visually-hidden">{t.language}</label>
      <select id={id} data-testid="language-switch" value={language} onChange={(e) => setLanguage(pick(e.target.value))}>
        {Object.entries(languages).map(([code, l]) => (
          <option key={code} value={code} lang={code}>{l.name}</option>
        ))}
      </select>
    </span>
  )
}
