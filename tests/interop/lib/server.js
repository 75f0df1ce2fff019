// Starts the real TokenIM server (the Release build) on a free loopback port with a fresh data directory,
// waits until it answers, and stops it again. Used by every test file; each file gets its own server.
// For the durability tests it can also signal the process (SIGKILL, SIGTERM) and start it again on the same port
// with the same data directory.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm, access, readFile } from 'node:fs/promises';
import { createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const serverDll = join(repoRoot, 'src/TokenIM.Server/bin/Release/net10.0/TokenIM.Server.dll');

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Resolves to true when `promise` settles within `ms`, false otherwise (the timer never outlives the race). */
async function within(promise, ms) {
  const cancel = new AbortController();
  const settled = await Promise.race([
    promise.then(() => true, () => true),
    delay(ms, false, { signal: cancel.signal }).catch(() => false),
  ]);
  cancel.abort();
  return settled;
}

/**
 * Starts a server; resolves once GET /.well-known/jwks.json answers 200, to
 * { baseUrl, port, dataDir, logPath, pid, running, stop(signal?), kill(signal?, opts?), restart(), waitForExit(ms), logTail(n) }.
 * `extraArgs` are appended to the command line (later settings win), e.g. ['--TokenIM:Gateway:AuthTimeout=00:00:02'].
 *
 * - stop(signal = 'SIGTERM'): signals the process, waits up to 10 s (then SIGKILL), removes the data directory.
 * - kill(signal = 'SIGKILL', { timeoutMs = 30_000 }): signals the process and resolves to { code, signal, ms } once it
 *   exited (ms from the signal to the exit), or to { timedOut: true, ms } when it is still running after timeoutMs.
 *   The data directory stays.
 * - restart(): starts the server again on the same port with the same data directory (the previous process must have
 *   exited); resolves when it answers, to { ms } (from the spawn to the first 200).
 */
export async function startServer({ extraArgs = [] } = {}) {
  await access(serverDll).catch(() => {
    throw new Error(`${serverDll} not found: build first with "dotnet build TokenIM.slnx -c Release"`);
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'tokenim-interop-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logPath = join(dataDir, 'server.log');
  const log = createWriteStream(logPath, { flags: 'a' });
  let proc = null; // { child, exited: null | { code, signal, at }, exitedPromise }
  let generation = 0;

  function launch() {
    generation++;
    log.write(`--- start ${generation} at ${new Date().toISOString()}\n`);
    const child = spawn('dotnet', [serverDll,
      '--urls', baseUrl,
      '--data', dataDir,
      '--TokenIM:Passwords:Pbkdf2Iterations=1000',
      '--TokenIM:RateLimits:Enabled=false',
      ...extraArgs], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const p = { child, exited: null };
    p.exitedPromise = new Promise((ok) => child.on('exit', (code, signal) => {
      p.exited = { code, signal, at: performance.now() };
      log.write(`--- exit of start ${generation}: code ${code} signal ${signal}\n`);
      ok(p.exited);
    }));
    proc = p;
    return p;
  }

  // Never leave the server behind: kill it when this process exits, also on Ctrl-C or a kill from the runner.
  const killOnExit = () => {
    if (proc && proc.exited === null) proc.child.kill('SIGKILL');
    try { rmSync(dataDir, { recursive: true, force: true }); } catch { /* best effort */ }
  };
  const killOnSignal = (signal) => { killOnExit(); process.exit(signal === 'SIGINT' ? 130 : 143); };
  process.on('exit', killOnExit);
  process.once('SIGINT', killOnSignal);
  process.once('SIGTERM', killOnSignal);

  async function kill(signal = 'SIGKILL', { timeoutMs = 30_000 } = {}) {
    const p = proc;
    if (!p || p.exited !== null) return p?.exited ? { ...p.exited, ms: 0, alreadyExited: true } : { alreadyExited: true };
    const sentAt = performance.now();
    p.child.kill(signal);
    if (!(await within(p.exitedPromise, timeoutMs))) return { timedOut: true, ms: performance.now() - sentAt };
    return { code: p.exited.code, signal: p.exited.signal, ms: p.exited.at - sentAt };
  }

  let stopped = false;
  async function stop(signal = 'SIGTERM') {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    process.off('SIGINT', killOnSignal);
    process.off('SIGTERM', killOnSignal);
    if (proc && proc.exited === null) {
      const r = await kill(signal, { timeoutMs: 10_000 });
      if (r.timedOut) { proc.child.kill('SIGKILL'); await proc.exitedPromise; }
    }
    await new Promise((ok) => log.end(ok));
    await rm(dataDir, { recursive: true, force: true });
  }

  async function logTail(lines = 40) {
    return (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-lines).join('\n');
  }

  // Readiness: poll the JWKS, a bounded number of times (about 20 s at most).
  async function untilReady(p) {
    const startedAt = performance.now();
    for (let attempt = 0; attempt < 200; attempt++) {
      if (p.exited !== null) break;
      try {
        const res = await fetch(`${baseUrl}/.well-known/jwks.json`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200) return { ms: performance.now() - startedAt };
      } catch { /* not listening yet */ }
      await delay(100);
    }
    const tail = await logTail();
    throw new Error(`the server did not become ready (${p.exited ? `exited ${JSON.stringify(p.exited)}` : 'no answer'}):\n${tail}`);
  }

  async function restart() {
    if (stopped) throw new Error('restart after stop');
    if (proc && proc.exited === null) throw new Error('restart while the server is still running: kill it first');
    return untilReady(launch());
  }

  const handle = {
    baseUrl, port, dataDir, logPath, stop, kill, restart, logTail,
    get pid() { return proc?.child.pid; },
    get running() { return proc !== null && proc.exited === null; },
    /** Resolves to the exit { code, signal, at } of the current process, or null if it is still running after ms. */
    async waitForExit(ms) { return (await within(proc.exitedPromise, ms)) ? proc.exited : null; },
  };
  try {
    await untilReady(launch());
  } catch (e) {
    await stop('SIGKILL');
    throw e;
  }
  return handle;
}
