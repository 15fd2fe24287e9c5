/**
 * Every promise settled, then their values in order, or the first rejection (in order) rethrown:
 * Promise.all without leaving work running. A caller that releases worker threads when this
 * rejects knows none still holds a task of it.
 */
export async function allSettledOrThrow<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  return settled.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
}
