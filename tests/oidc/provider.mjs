// A real OpenID Connect provider for the tests (npm `oidc-provider`, pinned in package.json),
// standing in for ID-porten/Ansattporten or Entra ID. Started on loopback by tests/oidc/idp.py:
//
//   node tests/oidc/provider.mjs CONFIG.json
//
// CONFIG: { port, issuer, jwks: {keys: [private JWKs]}, clients: [...], accounts_file, forge_file }
// accounts_file (read at every login, so a test can take rights away "at the source"):
//   { "<username>": { sub, name, acr, pid?, authorization_details?, groups?, email? } }
//   (the username is typed on the login page; the token's subject is `sub`)
// forge_file (read at every token response): { mode } with mode one of
//   wrong_key | wrong_audience | wrong_issuer | expired | replay  — the ID token is tampered with.
import { readFileSync } from 'node:fs';

import { SignJWT, decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const readJson = (path, fallback) => {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return fallback;
  }
};
const accounts = () => readJson(config.accounts_file, {});
// The account id is the subject (`sub`) the persona names; the username only finds it.
const bySub = (sub) => Object.values(accounts()).find((a) => a.sub === sub);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title></head>
<body><main><h1>${esc(title)}</h1>${body}</main></body></html>`;

const CLAIMS = ['sub', 'name', 'pid', 'authorization_details', 'groups', 'email', 'preferred_username'];

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  cookies: { keys: ['bht-tests-only-cookie-key'] },
  acrValues: ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'],
  claims: { openid: CLAIMS },
  conformIdTokenClaims: false, // the claims go into the ID token, as ID-porten's and Entra's do
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => {
        ctx.body = page('Sign out of the test provider?', `${form}
          <button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Signed out', '<p>You are signed out of the test provider.</p>');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    if (!bySub(id)) return undefined;
    return {
      accountId: id,
      async claims() {
        const { acr, ...claims } = bySub(id) || {};
        return { ...claims, sub: id };
      },
    };
  },
});
provider.proxy = false;

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function finish(ctx, details, sub) {
  const account = bySub(sub);
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: sub, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  grant.addOIDCClaims(CLAIMS);
  const grantId = await grant.save();
  const result = { consent: { grantId } };
  if (details.prompt.name === 'login') {
    result.login = { accountId: sub, acr: account.acr || 'idporten-loa-substantial', amr: ['pwd'] };
  }
  const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.status = 303;
  ctx.redirect(to);
}

let lastIdToken = null;
let wrongKey = null;

async function forge(idToken, mode) {
  if (mode === 'replay') return lastIdToken || idToken;
  const header = decodeProtectedHeader(idToken);
  const claims = decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = await importJWK(config.jwks.keys[0], header.alg);
  if (mode === 'wrong_key') {
    wrongKey ||= (await generateKeyPair(header.alg)).privateKey;
    key = wrongKey; // same kid, another key: the signature cannot be verified
  } else if (mode === 'wrong_audience') {
    claims.aud = 'someone-else';
  } else if (mode === 'wrong_issuer') {
    claims.iss = 'http://127.0.0.1:1/not-the-issuer';
  } else if (mode === 'expired') {
    claims.iat = now - 7200;
    claims.exp = now - 3600;
  } else {
    return idToken;
  }
  return new SignJWT(claims).setProtectedHeader(header).sign(key);
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(\/login)?$/);
  if (match) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.prompt.name !== 'login' && bySub(details.session?.accountId)) {
      return finish(ctx, details, details.session.accountId); // consent only: given at once
    }
    if (ctx.method === 'POST' && match[2]) {
      const username = (await readForm(ctx.req)).get('username') || '';
      if (accounts()[username]?.sub) return finish(ctx, details, accounts()[username].sub);
    }
    ctx.type = 'html';
    ctx.body = page('Test identity provider', `
      <p>Test-only login page (tests/oidc/provider.mjs). Known test users: ${Object.keys(accounts()).map(esc).join(', ')}.</p>
      <form method="post" action="/interaction/${esc(match[1])}/login">
        <label for="username">Test user</label> <input id="username" name="username" autocomplete="off">
        <button type="submit">Sign in</button>
      </form>`);
    return undefined;
  }
  await next();
  if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token) {
    const { mode } = readJson(config.forge_file, {});
    const issued = ctx.body.id_token;
    ctx.body = { ...ctx.body, id_token: mode ? await forge(issued, mode) : issued };
    if (!mode) lastIdToken = issued;
  }
  return undefined;
});

provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});
