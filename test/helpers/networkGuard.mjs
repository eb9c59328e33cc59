// Loaded into every test worker (vitest setupFiles) and every CLI the tests spawn (NODE_OPTIONS=--import): any
// connection to an address outside 127.0.0.0/8 and ::1 is refused before a packet leaves, and written to the file
// named by BLB_NETWORK_VIOLATIONS, which the global teardown checks is empty. Plain JavaScript, so a spawned Node
// can load it without a TypeScript loader.
import fs from 'node:fs';
import net from 'node:net';

export function isLoopback(host) {
  if (host === undefined || host === null || host === '' || host === 'localhost') return true;
  const h = String(host).replace(/^\[|\]$/g, '');
  return h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

const GUARDED = Symbol.for('blb.networkGuard');

if (!net.Socket.prototype[GUARDED]) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function guardedConnect(...args) {
    // net.connect passes its normalised [options, callback] pair as the first argument.
    const first = Array.isArray(args[0]) ? args[0][0] : args[0];
    const options = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
    if (!options.path && !isLoopback(options.host)) {
      const line = `${process.pid} ${options.host}:${options.port}\n`;
      if (process.env.BLB_NETWORK_VIOLATIONS) fs.appendFileSync(process.env.BLB_NETWORK_VIOLATIONS, line);
      const error = new Error(`the test network guard refused a connection to ${options.host}:${options.port}`);
      error.code = 'ECONNREFUSED';
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return connect.apply(this, args);
  };
  net.Socket.prototype[GUARDED] = true;
}
