/**
 * Serialises work per tenant inside this process: an order, an upload, a clock advance and the
 * background ticker never interleave on one tenant's requests or wallet, so the lifecycle applies
 * each step exactly once and callbacks leave in order. Different tenants run concurrently.
 */
export class TenantLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `work` after every earlier job of the same tenant has settled. */
  async run<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(tenantId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    this.tails.set(tenantId, tail);
    try {
      return await next;
    } finally {
      // Forget idle tenants so the map does not grow with every key ever seen.
      if (this.tails.get(tenantId) === tail) this.tails.delete(tenantId);
    }
  }
}
