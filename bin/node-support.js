// The Node runtimes talentmatch supports, checked before anything loads the native SQLite
// addon. better-sqlite3 13 (N-API) segfaults on Node 20, and 12 aborts on Node >= 24.19
// (its Statement destructor trips Node's ObjectWrap cleanup-hook check): one version
// cannot serve both, and Node 20 is past end of life (April 2026), so the floor is 22.
// Tested in CI: Node 22, 24 and 26 (package.json "engines", README "Supported runtimes").

export const MIN_NODE_MAJOR = 22;

/** undefined when `version` (e.g. "24.21.0") is supported, else the one-line reason. */
export function unsupportedNode(version = process.versions.node) {
  const major = Number(version.split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return (
    `talentmatch needs Node ${MIN_NODE_MAJOR} or newer (tested: 22, 24, 26); this is Node v${version}. ` +
    'Get one from the npm registry: N=$(.ci/node-runtime 24.21.0) && export PATH="$N/bin:$PATH" npm_config_nodedir="$N" && npm ci ' +
    '(README, "Supported runtimes")'
  );
}
