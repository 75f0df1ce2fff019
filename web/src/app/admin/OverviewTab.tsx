import { useEffect, useRef, useState } from 'react'
import { t } from '../../i18n'
import { errorText } from '../errorText'
import type { AdminApi, ServerStats } from './adminApi'
import { LineChart } from './LineChart'
import { RingBuffer, capacity, pollMs, toSample, type StatsSample } from './series'
import { NodesTable } from './NodesTable'

interface Props {
  api: AdminApi
  /** Which part to show: the charts, or the node list (both live off the same poll). */
  view: 'overview' | 'nodes'
}

/**
 * Polls GET /server/stats every 2 s while shown and keeps the last five minutes in the page (nothing is stored on the
 * server for it); the charts redraw on every answer.
 */
export function OverviewTab({ api, view }: Props) {
  const [buffer] = useState(() => new RingBuffer<StatsSample>(capacity))
  const [samples, setSamples] = useState<StatsSample[]>([])
  const [latest, setLatest] = useState<ServerStats | null>(null)
  const [error, setError] = useState<string | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  useEffect(() => {
    let live = true
    async function poll() {
      try {
        const stats = await api.stats()
        if (!live) return
        buffer.push(toSample(stats, buffer.last))
        setSamples(buffer.toArray())
        setLatest(stats)
        setError(null)
      } catch (e) {
        if (live) setError(errorText(e))
      }
      // The next poll is planned after this one ends, so a slow answer never stacks requests.
      if (live) timer.current = setTimeout(() => void poll(), pollMs)
    }
    void poll()
    return () => {
      live = false
      clearTimeout(timer.current)
    }
  }, [api, buffer])

  const times = samples.map((s) => s.at)
  const pick = (f: (s: StatsSample) => number | null) => samples.map(f)
  return (
    <div className="admin-overview">
      {error && <p className="error" role="alert">{error}</p>}
      {!latest && !error && <p className="muted" role="status">{t.admin.waiting}</p>}
      {view === 'nodes' ? (
        latest && <NodesTable nodes={latest.nodes} />
      ) : (
        <>
          <p className="muted small" data-testid="sample-count" data-samples={samples.length}>
            {t.admin.window(latest?.total.nodes ?? 0)}
          </p>
          <div className="chart-grid-layout">
            <LineChart id="sockets" title={t.admin.chartSockets} times={times}
              series={[{ name: t.admin.sockets, values: pick((s) => s.sockets) }, { name: t.admin.users, values: pick((s) => s.users) }]} />
            <LineChart id="messages" title={t.admin.chartMessages} times={times}
              series={[{ name: t.admin.messagesPerSecond, values: pick((s) => s.messagesPerSecond) }]} />
            <LineChart id="frames" title={t.admin.chartFrames} times={times}
              series={[{ name: t.admin.framesIn, values: pick((s) => s.framesInPerSecond) }, { name: t.admin.framesOut, values: pick((s) => s.framesOutPerSecond) }]} />
            <LineChart id="store" title={t.admin.chartStoreLatency} times={times}
              series={[{ name: t.admin.latencyMs, values: pick((s) => s.storeLatencyMs) }]} />
            <LineChart id="batch" title={t.admin.chartBatchSize} times={times}
              series={[{ name: t.admin.batchSize, values: pick((s) => s.batchSize) }]} />
            <LineChart id="heap" title={t.admin.chartGcHeap} times={times}
              series={[{ name: t.admin.heapMb, values: pick((s) => s.gcHeapMb) }]} />
            <LineChart id="threadpool" title={t.admin.chartThreadPool} times={times}
              series={[{ name: t.admin.queued, values: pick((s) => s.threadPoolQueue) }]} />
          </div>
        </>
      )}
    </div>
  )
}
