import { describe, expect, it } from 'vitest';
import { MIN_NODE_MAJOR, unsupportedNode } from '../../bin/node-support.js';
import pkg from '../../package.json' with { type: 'json' };

describe('supported Node runtimes', () => {
  it('refuses below Node 22 with the reason and how to get a newer one; accepts 22 and up', () => {
    expect(MIN_NODE_MAJOR).toBe(22);
    for (const v of ['20.20.2', '21.7.3', '18.20.0']) {
      const m = unsupportedNode(v);
      expect(m).toContain(`this is Node v${v}`);
      expect(m).toContain('.ci/node-runtime');
      expect(m).not.toContain('\n');
    }
    for (const v of ['22.0.0', '22.23.3', '24.21.0', '26.12.1']) expect(unsupportedNode(v)).toBeUndefined();
  });

  it('the running Node is supported (else vitest.config.ts would have stopped) and engines lists the tested lines', () => {
    expect(unsupportedNode()).toBeUndefined();
    expect(pkg.engines.node).toBe('^22.17.0 || ^24.0.0 || ^26.0.0');
  });
});
