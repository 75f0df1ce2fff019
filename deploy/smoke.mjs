// A smoke test of a running cluster through its load balancer, with nothing but Node 20:
//   node --experimental-websocket deploy/smoke.mjs [http://127.0.0.1:5100]
// Registers two users, opens three sockets for bob (leastconn spreads them over the nodes), sends one message over
// REST and one over a socket, and checks that every socket of bob's got both and that the history holds both.
const base = (process.argv[2] ?? 'http://127.0.0.1:5100').replace(/\/$/, '');
const wsBase = base.replace(/^http/, 'ws');
const suffix = Math.random().toString(36).slice(2, 8);
const password = 'correct horse battery staple';

async function call(method, path, token, body) {
  const response = await fetch(base + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

function within(ms, promise, what) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out: ${what}`)), ms))]);
}

// A socket that is authenticated and ready, and collects the frames it receives.
async function openSocket(token) {
  const ws = new WebSocket(`${wsBase}/ws`, 'tokenim.v1');
  const frames = [];
  const waiters = [];
  ws.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    frames.push(frame);
    for (const w of [...waiters]) if (w.match(frame)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(frame); }
  };
  const next = (match) => {
    const seen = frames.find(match);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
  };
  await within(5000, new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = () => reject(new Error('socket failed')); }), 'socket open');
  ws.send(JSON.stringify({ op: 'auth', token }));
  await within(5000, next((f) => f.op === 'ready'), 'ready');
  return { ws, next };
}

const alice = await call('POST', '/api/v1/auth/register', null, { username: `alice_${suffix}`, password });
const bob = await call('POST', '/api/v1/auth/register', null, { username: `bob_${suffix}`, password });
console.log(`registered ${alice.user.username} and ${bob.user.username} through ${base}`);
const conversation = await call('POST', '/api/v1/conversations', alice.accessToken, { type: 'direct', peerId: bob.user.id });

const bobSockets = [];
for (let i = 0; i < 3; i++) bobSockets.push(await openSocket(bob.accessToken));
const aliceSocket = await openSocket(alice.accessToken);
console.log('opened 3 sockets for bob and 1 for alice through the load balancer');

const rest = await call('POST', `/api/v1/conversations/${conversation.id}/messages`, alice.accessToken, { clientMsgId: `rest-${suffix}`, text: 'hello over REST' });
aliceSocket.ws.send(JSON.stringify({ op: 'send', id: '1', conversationId: conversation.id, clientMsgId: `ws-${suffix}`, text: 'hello over the socket' }));
const ack = await within(5000, aliceSocket.next((f) => f.op === 'ack' && f.re === '1'), 'ack');
console.log(`sent seq ${rest.seq} (REST) and seq ${ack.seq} (socket)`);

for (const [i, socket] of bobSockets.entries()) {
  for (const seq of [rest.seq, ack.seq]) {
    await within(5000, socket.next((f) => f.op === 'message' && f.message.seq === seq), `bob's socket ${i + 1}: message ${seq}`);
  }
}
console.log("every socket of bob's received both messages");

const history = await call('GET', `/api/v1/conversations/${conversation.id}/messages?limit=50`, bob.accessToken);
const texts = history.messages.map((m) => m.text);
if (texts.length !== 2 || !texts.includes('hello over REST') || !texts.includes('hello over the socket')) {
  throw new Error(`history: ${JSON.stringify(texts)}`);
}
console.log('history through the load balancer holds both messages');
for (const socket of [...bobSockets, aliceSocket]) socket.ws.close(1000);
console.log('smoke test passed');
