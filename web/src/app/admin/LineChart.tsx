import { t } from '../../i18n'
import { compact, plot, ticks, topOf } from './series'

export interface ChartSeries {
  name: string
  values: (number | null)[]
  /** A CSS colour; the chart's palette variable by default. */
  color?: string
}

interface Props {
  id: string
  title: string
  times: number[]
  series: ChartSeries[]
}

const width = 320
const height = 110
const palette = ['var(--accent)', 'var(--chart-2)']

/**
 * A line chart drawn as SVG in the page (no chart library): time on x over the last five minutes, 0 to a rounded
 * top on y, one path per series. Each path carries its point count and the chart its top, which the browser tests read.
 */
export function LineChart({ id, title, times, series }: Props) {
  const top = topOf(...series.map((s) => s.values))
  const plots = series.map((s) => plot(times, s.values, width, height, top))
  const span = plots[0]?.span ?? 0
  const latest = series.map((s) => `${s.name} ${compact(lastValue(s.values))}`).join(', ')
  return (
    <figure className="chart" data-testid={`chart-${id}`}>
      <figcaption>
        <span>{title}</span>
        <span className="chart-latest" data-testid={`chart-${id}-latest`}>{latest}</span>
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" role="img" aria-label={`${title}: ${latest}`} data-top={top}>
        {ticks(top).map((v) => {
          const y = height - (v / top) * height
          return <line key={v} className="chart-grid" x1={0} x2={width} y1={y} y2={y} />
        })}
        {series.map((s, i) => (
          <path key={s.name} d={plots[i]!.d} data-series={s.name} data-points={plots[i]!.points} fill="none"
            stroke={s.color ?? palette[i % palette.length]} strokeWidth={2} vectorEffect="non-scaling-stroke" />
        ))}
      </svg>
      <div className="chart-axis muted small" aria-hidden="true">
        <span>{spanLabel(span)}</span>
        <span>{t.admin.top(compact(top))}</span>
        <span>{t.admin.now}</span>
      </div>
    </figure>
  )
}

/** "−45 s", "−3 min": how far back the left edge is. */
function spanLabel(ms: number): string {
  const s = Math.round(ms / 1000)
  return s < 120 ? `−${s} s` : `−${Math.round(s / 60)} min`
}

function lastValue(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i]!
  return null
}
