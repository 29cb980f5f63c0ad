// A real OpenID provider (the certified `oidc-provider` package) on loopback, for the tests.
//
// Usage: node provider.mjs '<json>' where the JSON holds {clients: [...], accounts: {login: claims}}.
// It listens on a port the system picks and prints one line, {"issuer": "http://127.0.0.1:PORT"}.
// Its own sign-in page (devInteractions) takes a login (a key of `accounts`) and any password.
//
// POST /__test__/next-id-token with {"aud": "..."} or {"expired": true} makes the provider sign
// its next ID token with that audience, or already expired: a token this service must refuse.
import crypto from 'node:crypto';
import http from 'node:http';
import { generateKeyPair, exportJWK, SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import Provider from 'oidc-provider';

const options = JSON.parse(process.argv[2] || '{}');
const accounts = options.accounts || {};

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

let nextIdToken = null;

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: options.clients || [],
  jwks: { keys: [signingJwk] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'email', 'profile'],
  pkce: { required: () => true },
  // Put the email claims in the ID token itself, as Entra ID does with its optional claims.
  conformIdTokenClaims: false,
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  // Consent is taken as given: the service asks only for openid and email.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    grant.addOIDCClaims(['email', 'email_verified', 'name']);
    await grant.save();
    return grant;
  },
});

// Re-sign the next ID token with the provider's own key, changed as the test asked.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/token' && nextIdToken && ctx.body && ctx.body.id_token) {
    const change = nextIdToken;
    nextIdToken = null;
    const claims = decodeJwt(ctx.body.id_token);
    const now = Math.floor(Date.now() / 1000);
    if (change.aud) claims.aud = change.aud;
    if (change.expired) { claims.iat = now - 7200; claims.exp = now - 3600; }
    ctx.body = {
      ...ctx.body,
      id_token: await new SignJWT(claims).setProtectedHeader(decodeProtectedHeader(ctx.body.id_token)).sign(privateKey),
    };
  }
});

const callback = provider.callback();
server.on('request', (req, res) => {
  if (req.method === 'POST' && req.url === '/__test__/next-id-token') {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      nextIdToken = JSON.parse(body || '{}');
      res.writeHead(204).end();
    });
    return;
  }
  callback(req, res);
});

process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
