// The real Bluesky servers (PLC directory, PDS, AppView, Ozone) for the Parvis test suite.
//
//   node --require ./tests/bluesky/loopback.cjs tests/bluesky/network.mjs
//
// Starts @atproto/dev-env's TestNetwork, every server on 127.0.0.1 (the preload sees to it),
// then prints one JSON line on stdout:
//
//   {"ready": true, "pds": "http://localhost:PORT", "plc": "...", "appview": "...",
//    "ozone": "...", "control": "http://127.0.0.1:PORT", "ports": [...], "jwt_secret": "..."}
//
// The control server answers POST /process-all once the AppView has indexed everything the
// PDS has written so far (the AppView reads the firehose asynchronously), and GET /health.
// SIGTERM, SIGINT or the end of stdin (the parent went away) close the network and exit 0.
//
// Environment: DB_POSTGRES_URL (a PostgreSQL server), DB_POSTGRES_SCHEMA (letters and
// underscores, fresh for each run: the AppView and Ozone keep their data in
// appview_<schema> and ozone_<schema>), REDIS_HOST (required by dev-env, never connected to).
import http from 'node:http';
import { createRequire } from 'node:module';
import process from 'node:process';

import devEnv from '@atproto/dev-env';

const { TestNetwork } = devEnv;
// The development secret every dev-env PDS signs its session tokens with (tests forge an
// expired token with it); dev-env does not export it from its index.
const { JWT_SECRET } = createRequire(import.meta.url)('@atproto/dev-env/dist/const.js');

const fail = (message) => {
  console.error(`bluesky-network: ${message}`);
  process.exit(2);
};

const schema = process.env.DB_POSTGRES_SCHEMA ?? '';
if (!process.env.DB_POSTGRES_URL) fail('DB_POSTGRES_URL is required');
if (!/^[a-z_]+$/.test(schema)) fail('DB_POSTGRES_SCHEMA must be letters and underscores');
process.env.REDIS_HOST ??= '127.0.0.1';

const started = Date.now();
const network = await TestNetwork.create({ dbPostgresSchema: schema });

let closing = null;
const close = (code) => {
  closing ??= (async () => {
    try {
      await network.close();
    } catch (error) {
      console.error('bluesky-network: error while closing', error);
    }
    control.close();
    process.exit(code);
  })();
  return closing;
};

const reply = (response, status, body) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const control = http.createServer(async (request, response) => {
  try {
    if (request.method === 'GET' && request.url === '/health') {
      reply(response, 200, { ok: true });
    } else if (request.method === 'POST' && request.url === '/process-all') {
      await network.processAll(10_000);
      reply(response, 200, { ok: true });
    } else {
      reply(response, 404, { error: 'not found' });
    }
  } catch (error) {
    console.error('bluesky-network: control request failed', error);
    reply(response, 500, { error: String(error?.message ?? error) });
  }
});
await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve));

const portOf = (url) => Number(new URL(url).port);
const urls = {
  pds: network.pds.url,
  plc: network.plc.url,
  appview: network.bsky.url,
  ozone: network.ozone.url,
};
const ready = {
  ready: true,
  ...urls,
  control: `http://127.0.0.1:${control.address().port}`,
  ports: Object.values(urls).map(portOf),
  jwt_secret: JWT_SECRET,
  startup_ms: Date.now() - started,
};
process.stdout.write(`${JSON.stringify(ready)}\n`);

process.on('SIGTERM', () => close(0));
process.on('SIGINT', () => close(0));
process.stdin.on('end', () => close(0));
process.stdin.resume();
