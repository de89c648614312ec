// Preload (node --require): every server this process starts listens on 127.0.0.1 only.
//
// The AT Protocol servers call `listen(port)` with no host, which means every interface.
// This patch adds the loopback host to each TCP listen() that names no host or a wildcard
// one, and makes `localhost` resolve to IPv4 first, so that the servers reach one another.
'use strict';

const dns = require('node:dns');
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]', '::0']);

dns.setDefaultResultOrder('ipv4first');

const isWildcard = (host) => host === undefined || host === null || WILDCARDS.has(String(host));
const isPort = (value) =>
  typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));

const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first] = args;
  if (first === undefined || typeof first === 'function') {
    // listen() or listen(callback): a random port on every interface.
    args.unshift(0, LOOPBACK);
  } else if (isPort(first)) {
    // listen(port[, host][, backlog][, callback])
    if (typeof args[1] === 'string' || args[1] === null || args[1] === undefined) {
      if (isWildcard(args[1])) args[1] = LOOPBACK;
    } else {
      args.splice(1, 0, LOOPBACK);
    }
  } else if (first !== null && typeof first === 'object' && !('path' in first)) {
    // listen(options[, callback]); a handle or a file descriptor is left alone.
    const isHandle = '_handle' in first || 'fd' in first;
    if (!isHandle && isWildcard(first.host)) args[0] = { ...first, host: LOOPBACK };
  }
  // A Unix socket path (a string that is not a port) needs no host.
  return originalListen.apply(this, args);
};
