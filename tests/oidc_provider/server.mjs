// A real OpenID Provider (panva's certified oidc-provider) for the ProConnect tests.
//
//   node tests/oidc_provider/server.mjs PORT
//
// Listens on 127.0.0.1 only. Endpoints use ProConnect's paths (/authorize, /token, /userinfo,
// /jwks, /session/end) under the issuer http://127.0.0.1:PORT, and the userinfo answer is a
// signed JWT (application/jwt), as ProConnect's is. Any login is accepted on the development
// interaction pages; the login typed becomes the account's `sub`.
//
// Environment: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI (required),
// OIDC_POST_LOGOUT_REDIRECT_URI (optional), OIDC_ACCOUNT_CLAIMS (JSON object of claims
// returned for every account: email, given_name, usual_name, siret).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import process from 'node:process';

import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? process.env.OIDC_PROVIDER_PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node tests/oidc_provider/server.mjs PORT');
  process.exit(2);
}
const required = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
};

const accountClaims = JSON.parse(process.env.OIDC_ACCOUNT_CLAIMS ?? '{}');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'parvis-test-key', alg: 'RS256', use: 'sig' };

const client = {
  client_id: required('OIDC_CLIENT_ID'),
  client_secret: required('OIDC_CLIENT_SECRET'),
  redirect_uris: [required('OIDC_REDIRECT_URI')],
  post_logout_redirect_uris: process.env.OIDC_POST_LOGOUT_REDIRECT_URI
    ? [process.env.OIDC_POST_LOGOUT_REDIRECT_URI]
    : [],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
  id_token_signed_response_alg: 'RS256',
  userinfo_signed_response_alg: 'RS256',
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [client],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // ProConnect's scopes, each giving the claim of the same name.
  claims: {
    openid: ['sub'],
    email: ['email'],
    given_name: ['given_name'],
    usual_name: ['usual_name'],
    siret: ['siret'],
  },
  scopes: ['openid', 'email', 'given_name', 'usual_name', 'siret'],
  // ProConnect documents the code flow with state and nonce, without PKCE; Parvis does the same.
  pkce: { required: () => false },
  features: {
    devInteractions: { enabled: true },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  routes: {
    authorization: '/authorize',
    token: '/token',
    userinfo: '/userinfo',
    jwks: '/jwks',
    end_session: '/session/end',
  },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { ...accountClaims, sub };
      },
    };
  },
});

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on http://127.0.0.1:${port}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
