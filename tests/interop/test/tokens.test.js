// Access-token checks against GET /api/v1/users/me: one control token the server must accept, signed by this client
// with the server's own key (docs: "tests may sign with them"), and forged or unacceptable tokens it must refuse.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  SignJWT, importPKCS8, importJWK, exportSPKI, generateKeyPair, exportJWK, decodeJwt, decodeProtectedHeader,
  base64url, createLocalJWKSet, jwtVerify,
} from 'jose';
import { startServer } from '../lib/server.js';
import { client, assertProblem } from '../lib/client.js';

const T = { timeout: 30_000 };
const now = () => Math.floor(Date.now() / 1000);

describe('TokenIM access tokens (interop client)', () => {
  let server;
  let api;
  let session; // a real token response
  let realClaims; // the claims of its access token
  let jwks; // the server's published JWKS
  let kid; // the kid of the server's signing key
  let serverKey; // the server's private key, read from <data>/keys/<kid>.pem

  before(async () => {
    server = await startServer();
    api = client(server.baseUrl);
    await api.register('token.owner', { displayName: 'Token Owner' });
    session = await api.login('token.owner', 'token tests');
    realClaims = decodeJwt(session.accessToken);
    jwks = (await api.call('GET', '/.well-known/jwks.json')).body;
    kid = decodeProtectedHeader(session.accessToken).kid;
    const pem = await readFile(join(server.dataDir, 'keys', `${kid}.pem`), 'utf8');
    serverKey = await importPKCS8(pem, 'ES256');
  });
  after(async () => { await server?.stop(); });

  /** The claims the docs require, for the real session: iss, aud, sub, sid, jti, iat, nbf, exp and gen. */
  function goodClaims() {
    const t = now();
    return {
      iss: 'tokenim', aud: 'tokenim', sub: session.user.id, sid: session.sessionId, jti: randomUUID(),
      iat: t, nbf: t, exp: t + 300,
      // The docs name `gen` ("the token pair's generation in its session") but not its type or first value,
      // so the only way to know it is to copy it from a token the server issued.
      gen: realClaims.gen,
    };
  }

  function sign(claims, header = {}, key = serverKey, options = undefined) {
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid, ...header }).sign(key, options);
  }

  const me = (token) => api.call('GET', '/api/v1/users/me', { token });
  async function refused(token, code = 'invalid_token', what = '') {
    assertProblem(await me(token), 401, code, what);
  }

  test('control: a token this client signs with the server key and the documented claims is accepted', T, async () => {
    const token = await sign(goodClaims());
    // It also verifies against the JWKS, like the server's own tokens.
    await jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ['ES256'], issuer: 'tokenim', audience: 'tokenim', typ: 'at+jwt' });
    const r = await me(token);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, session.user);
  });

  test('control: the server\'s own access token is accepted', T, async () => {
    const r = await me(session.accessToken);
    assert.equal(r.status, 200, r.text);
  });

  test('control: expired by less than the 60 s skew is still accepted', T, async () => {
    const c = goodClaims();
    const token = await sign({ ...c, iat: c.iat - 600, nbf: c.nbf - 600, exp: c.iat - 20 });
    const r = await me(token);
    assert.equal(r.status, 200, r.text);
  });

  test('no token: 401 invalid_token', T, async () => {
    assertProblem(await api.call('GET', '/api/v1/users/me'), 401, 'invalid_token');
  });

  test('not a JWT at all: 401 invalid_token', T, async () => {
    await refused('not-a-jwt');
  });

  test('a token in the query string is never read: 401 invalid_token', T, async () => {
    const r = await api.call('GET', `/api/v1/users/me?access_token=${encodeURIComponent(session.accessToken)}`);
    assertProblem(r, 401, 'invalid_token');
  });

  test('alg none: 401 invalid_token', T, async () => {
    const enc = (o) => base64url.encode(JSON.stringify(o));
    const unsigned = `${enc({ alg: 'none', typ: 'at+jwt', kid })}.${enc(goodClaims())}.`;
    await refused(unsigned, 'invalid_token', 'alg none, empty signature');
    const withSig = `${enc({ alg: 'none', typ: 'at+jwt', kid })}.${enc(goodClaims())}.${session.accessToken.split('.')[2]}`;
    await refused(withSig, 'invalid_token', 'alg none, some signature');
  });

  test('HS256 signed with the server\'s public key from the JWKS: 401 invalid_token', T, async () => {
    const jwk = jwks.keys.find((k) => k.kid === kid);
    const pem = await exportSPKI(await importJWK(jwk, 'ES256'));
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const secrets = {
      'SPKI PEM text': new TextEncoder().encode(pem),
      'SPKI PEM text without final newline': new TextEncoder().encode(pem.trimEnd()),
      'SPKI DER': new Uint8Array(der),
      'JWK JSON': new TextEncoder().encode(JSON.stringify(jwk)),
      'raw x||y': new Uint8Array(Buffer.concat([base64url.decode(jwk.x), base64url.decode(jwk.y)])),
    };
    for (const [name, secret] of Object.entries(secrets)) {
      const token = await new SignJWT(goodClaims()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid }).sign(secret);
      await refused(token, 'invalid_token', `HS256 with ${name}`);
    }
  });

  test('signed by a foreign key with a kid that is not the server\'s: 401 invalid_token', T, async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await refused(await sign(goodClaims(), { kid: 'interop-foreign-key' }, privateKey));
  });

  test('signed by a foreign key under the server\'s kid: 401 invalid_token', T, async () => {
    const { privateKey } = await generateKeyPair('ES256');
    await refused(await sign(goodClaims(), {}, privateKey));
  });

  test('tampered payload (signature of the original kept): 401 invalid_token', T, async () => {
    const other = await api.register('token.victim');
    const [h, , s] = session.accessToken.split('.');
    const payload = { ...realClaims, sub: other.user.id };
    const tampered = `${h}.${base64url.encode(JSON.stringify(payload))}.${s}`;
    await refused(tampered, 'invalid_token', 'sub changed');
    const longer = `${h}.${base64url.encode(JSON.stringify({ ...realClaims, exp: realClaims.exp + 3600 }))}.${s}`;
    await refused(longer, 'invalid_token', 'exp extended');
    const flipped = session.accessToken.slice(0, -2) + (session.accessToken.endsWith('AA') ? 'BB' : 'AA');
    await refused(flipped, 'invalid_token', 'signature changed');
  });

  test('expired beyond the 60 s skew: 401 token_expired', T, async () => {
    const c = goodClaims();
    await refused(await sign({ ...c, iat: c.iat - 1200, nbf: c.nbf - 1200, exp: c.iat - 120 }), 'token_expired');
  });

  test('nbf in the future beyond the skew: 401 invalid_token', T, async () => {
    const c = goodClaims();
    await refused(await sign({ ...c, nbf: c.nbf + 600, exp: c.exp + 600 }));
  });

  test('wrong iss: 401 invalid_token', T, async () => {
    await refused(await sign({ ...goodClaims(), iss: 'someone-else' }));
  });

  test('wrong aud: 401 invalid_token', T, async () => {
    await refused(await sign({ ...goodClaims(), aud: 'someone-else' }), 'invalid_token', 'aud string');
    await refused(await sign({ ...goodClaims(), aud: ['someone-else'] }), 'invalid_token', 'aud array');
  });

  for (const claim of ['exp', 'iss', 'aud', 'sub', 'sid']) {
    test(`missing ${claim}: 401 invalid_token`, T, async () => {
      const c = goodClaims();
      delete c[claim];
      await refused(await sign(c));
    });
  }

  test('typ other than at+jwt: 401 invalid_token', T, async () => {
    await refused(await sign(goodClaims(), { typ: 'JWT' }), 'invalid_token', 'typ JWT');
    const c = goodClaims();
    const noTyp = await new SignJWT(c).setProtectedHeader({ alg: 'ES256', kid }).sign(serverKey);
    await refused(noTyp, 'invalid_token', 'no typ');
  });

  test('no kid: 401 invalid_token', T, async () => {
    const token = await new SignJWT(goodClaims()).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' }).sign(serverKey);
    await refused(token);
  });

  test('the refresh token used as an access token: 401 invalid_token', T, async () => {
    await refused(session.refreshToken);
  });

  test('a jku header (otherwise valid, signed by the server key): 401 invalid_token', T, async () => {
    await refused(await sign(goodClaims(), { jku: `${server.baseUrl}/.well-known/jwks.json` }));
  });

  test('other key-locating and crit headers: 401 invalid_token each', T, async () => {
    const jwk = jwks.keys.find((k) => k.kid === kid);
    const { x, y, kty, crv } = jwk;
    const headers = {
      x5u: { x5u: 'https://127.0.0.1/cert.pem' },
      jwk: { jwk: { kty, crv, x, y } },
      x5c: { x5c: ['MIIB'] },
      x5t: { x5t: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      'x5t#S256': { 'x5t#S256': 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
    };
    for (const [name, h] of Object.entries(headers)) await refused(await sign(goodClaims(), h), 'invalid_token', name);
    const crit = await sign(goodClaims(), { crit: ['urn:interop'], 'urn:interop': 1 }, serverKey, { crit: { 'urn:interop': true } });
    await refused(crit, 'invalid_token', 'crit');
  });

  test('a token over 8 KiB (otherwise valid): 401 invalid_token', T, async () => {
    const token = await sign({ ...goodClaims(), pad: 'p'.repeat(9000) });
    assert.ok(token.length > 8192);
    await refused(token);
  });

  test('a token whose session was signed out: 401 session_revoked, also when this client signs it', T, async () => {
    await api.register('token.leaver');
    const s = await api.login('token.leaver', 'to sign out');
    const gen = decodeJwt(s.accessToken).gen;
    const t = now();
    const mine = await sign({ iss: 'tokenim', aud: 'tokenim', sub: s.user.id, sid: s.sessionId, jti: randomUUID(), iat: t, nbf: t, exp: t + 300, gen });
    assert.equal((await me(mine)).status, 200, 'accepted before logout');
    assert.equal((await api.call('POST', '/api/v1/auth/logout', { token: s.accessToken })).status, 204);
    await refused(s.accessToken, 'session_revoked', 'server-issued');
    await refused(mine, 'session_revoked', 'client-signed');
  });
});
