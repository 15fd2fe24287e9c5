// cli/listen.ts: what serve and studio share. Binding failures a person can fix become
// E_IO (exit 1) with the reason; anything else passes through untouched; the server is
// closed either way; both commands declare --port/--host with their own defaults.
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addListenOptions, listenSchema, serveUntilSignal } from '../../../src/adapters/cli/listen.js';
import { SERVE_LISTEN } from '../../../src/config/api.js';
import { STUDIO_LISTEN } from '../../../src/config/studio.js';
import { isTalentmatchError } from '../../../src/errors.js';

const failing = (e: unknown) => {
  let closed = 0;
  return { app: { listen: () => Promise.reject(e), close: async () => void closed++ }, closed: () => closed };
};
const errno = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

describe('serveUntilSignal', () => {
  it('a port in use is E_IO naming host, port and what to do; the server is closed', async () => {
    const f = failing(errno('EADDRINUSE'));
    const err = await serveUntilSignal(f.app, { port: 8080, host: '127.0.0.1' }, () => {}).catch((e: unknown) => e);
    expect(isTalentmatchError(err) && err.code).toBe('E_IO');
    expect((err as Error).message).toBe('cannot listen on 127.0.0.1:8080: the port is in use by another process; stop it or choose another --port');
    expect(f.closed()).toBe(1);
  });

  it('EACCES and EADDRNOTAVAIL get their own reasons; an unknown error passes through as it was', async () => {
    const acc = await serveUntilSignal(failing(errno('EACCES')).app, { port: 80, host: '0.0.0.0' }, () => {}).catch((e: unknown) => e);
    expect((acc as Error).message).toContain('ports below 1024 need privileges');
    const na = await serveUntilSignal(failing(errno('EADDRNOTAVAIL')).app, { port: 1, host: '10.9.9.9' }, () => {}).catch((e: unknown) => e);
    expect((na as Error).message).toContain('check --host');
    const other = new Error('boom');
    const f = failing(other);
    await expect(serveUntilSignal(f.app, { port: 1, host: 'h' }, () => {})).rejects.toBe(other);
    expect(f.closed()).toBe(1);
  });

  it('announces the bound address, then closes on SIGTERM', async () => {
    let closed = 0;
    const seen: string[] = [];
    const app = { listen: async (o: { port: number; host: string }) => `http://${o.host}:4321`, close: async () => void closed++ };
    const done = serveUntilSignal(app, { port: 0, host: '127.0.0.1' }, (a) => seen.push(a));
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['http://127.0.0.1:4321']);
    expect(closed).toBe(0);
    // call the handlers it registered (last added), without signalling the test runner's own
    const term = process.listeners('SIGTERM').at(-1)!;
    const int = process.listeners('SIGINT').at(-1)!;
    process.removeListener('SIGTERM', term);
    process.removeListener('SIGINT', int);
    term('SIGTERM');
    await done;
    expect(closed).toBe(1);
  });
});

describe('addListenOptions', () => {
  const parse = (defaults: { port: number; host: string }, argv: string[]) => {
    const cmd = addListenOptions(new Command('x').exitOverride(), defaults, 'address');
    cmd.parse(argv, { from: 'user' });
    return listenSchema.parse(cmd.opts());
  };

  it('each command keeps its defaults (serve 8080, studio any free port; both loopback)', () => {
    expect(parse(SERVE_LISTEN, [])).toEqual({ port: 8080, host: '127.0.0.1' });
    expect(parse(STUDIO_LISTEN, [])).toEqual({ port: 0, host: '127.0.0.1' });
    expect(parse(SERVE_LISTEN, ['--port', '65535', '--host', '::1'])).toEqual({ port: 65535, host: '::1' });
  });

  it('ports outside [0, 65535] or not integers are E_OPTION', () => {
    for (const bad of ['65536', '-1', '1.5', 'http']) {
      let err: unknown;
      try {
        parse(SERVE_LISTEN, ['--port', bad]);
      } catch (e) {
        err = e;
      }
      expect(isTalentmatchError(err) && err.code).toBe('E_OPTION');
    }
  });
});
