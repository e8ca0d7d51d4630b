/**
 * Runs `task(i)` for i = 0..count-1 with at most `concurrency` at once; `task` gets the
 * worker's number too, so a worker can keep its own account and address.
 */
export async function inPool<T>(
  count: number,
  concurrency: number,
  task: (index: number, worker: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async (_, worker) => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index, worker);
      }
    }),
  );
  return results;
}

/** Each worker repeats `task` until `until` settles; returns everything they did. */
export async function repeatUntil<T>(
  until: Promise<unknown>,
  workers: number,
  task: (worker: number) => Promise<T>,
): Promise<T[]> {
  let done = false;
  const stop = () => {
    done = true;
  };
  until.then(stop, stop);
  const results: T[] = [];
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      while (!done) results.push(await task(worker));
    }),
  );
  return results;
}
