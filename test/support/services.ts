// Tests that need a server no npm package ships (today: redis-server) skip when it is not
// installed, with one line on stderr naming what is missing and how to get it, so that
// `npm ci && npm test` passes on a machine with only Node. `TM_REQUIRE_SERVICES=1` (set by
// `.ci/run`) turns that skip into a failure, so CI always runs them.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Service {
  /** the executable the tests start */
  binary: string;
  /** how to get it */
  install: string;
}

export const REDIS: Service = { binary: 'redis-server', install: 'apt-get install redis-server' };

/** The first `binary` on PATH, or undefined. */
export function onPath(binary: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, binary);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function servicesRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TM_REQUIRE_SERVICES === '1';
}

export interface ServiceCheck {
  /** run the tests (the service is there) */
  available: boolean;
  /** skip the tests: missing and not required */
  skip: boolean;
  /** missing but required: the message the tests fail with; undefined otherwise */
  failure: string | undefined;
  /** the one line explaining a skip or a failure; undefined when available */
  message: string | undefined;
}

/** Decides, without side effects, what a test file needing `services` does. */
export function checkServices(what: string, services: Service[], env: NodeJS.ProcessEnv = process.env): ServiceCheck {
  const missing = services.filter((s) => onPath(s.binary, env.PATH ?? '') === undefined);
  if (missing.length === 0) return { available: true, skip: false, failure: undefined, message: undefined };
  const names = missing.map((s) => s.binary).join(', ');
  const how = missing.map((s) => s.install).join('; ');
  if (servicesRequired(env)) {
    const message = `${what}: ${names} not found on PATH, and TM_REQUIRE_SERVICES=1 requires it (${how})`;
    return { available: false, skip: false, failure: message, message };
  }
  const message = `skipped ${what}: ${names} not found on PATH (install: ${how}; TM_REQUIRE_SERVICES=1 turns this skip into a failure)`;
  return { available: false, skip: true, failure: undefined, message };
}

/**
 * For a test file: checks `services` and, when they are missing, prints the one line.
 * Use `check.skip` with `describe.skipIf`, and throw `check.failure` from `beforeAll`.
 */
export function needServices(what: string, services: Service[]): ServiceCheck {
  const check = checkServices(what, services);
  if (check.message) process.stderr.write(`${check.message}\n`);
  return check;
}
