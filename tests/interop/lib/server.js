// Starts the real TokenIM server (the Release build) on a free loopback port with a fresh data directory,
// waits until it answers, and stops it again. Used by every test file; each file gets its own server.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm, access } from 'node:fs/promises';
import { createWriteStream, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';

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

/**
 * Starts a server; resolves to { baseUrl, dataDir, stop() } once GET /.well-known/jwks.json answers 200.
 * `extraArgs` are appended to the command line (later settings win), e.g. ['--TokenIM:Gateway:AuthTimeout=00:00:02'].
 */
export async function startServer({ extraArgs = [] } = {}) {
  await access(serverDll).catch(() => {
    throw new Error(`${serverDll} not found: build first with "dotnet build TokenIM.slnx -c Release"`);
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'tokenim-interop-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logPath = join(dataDir, 'server.log');
  const log = createWriteStream(logPath);
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
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  const exitedPromise = new Promise((ok) => child.on('exit', (code, signal) => { exited = { code, signal }; ok(); }));
  // Never leave the server behind: kill it when this process exits, also on Ctrl-C or a kill from the runner.
  const killOnExit = () => {
    if (exited === null) child.kill('SIGKILL');
    try { rmSync(dataDir, { recursive: true, force: true }); } catch { /* best effort */ }
  };
  const killOnSignal = (signal) => { killOnExit(); process.exit(signal === 'SIGINT' ? 130 : 143); };
  process.on('exit', killOnExit);
  process.once('SIGINT', killOnSignal);
  process.once('SIGTERM', killOnSignal);

  async function stop() {
    process.off('exit', killOnExit);
    process.off('SIGINT', killOnSignal);
    process.off('SIGTERM', killOnSignal);
    if (exited === null) {
      child.kill('SIGTERM');
      const cancel = new AbortController();
      const timedOut = await Promise.race([
        exitedPromise.then(() => false),
        delay(10_000, true, { signal: cancel.signal }).catch(() => false),
      ]);
      cancel.abort();
      if (timedOut) { child.kill('SIGKILL'); await exitedPromise; }
    }
    log.end();
    await rm(dataDir, { recursive: true, force: true });
  }

  // Readiness: poll the JWKS, a bounded number of times.
  for (let attempt = 0; attempt < 200; attempt++) {
    if (exited !== null) break;
    try {
      const res = await fetch(`${baseUrl}/.well-known/jwks.json`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return { baseUrl, dataDir, stop };
    } catch { /* not listening yet */ }
    await delay(100);
  }
  const { readFile } = await import('node:fs/promises');
  const tail = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-40).join('\n');
  await stop();
  throw new Error(`the server did not become ready (${exited ? `exited ${JSON.stringify(exited)}` : 'no answer'}):\n${tail}`);
}
