/** Small clients of the sandbox's REST surface for tests and benchmarks, with a tenant's key. */

/** PUT /sandbox/<path> with the tenant's key; resolves with the HTTP status. */
export async function sandboxPut(url: string, apiKey: string, path: "_wallet" | "_faults", body: unknown): Promise<number> {
  const res = await fetch(`${url}/sandbox/${path}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Upstream's requests of the tenant (GET /sandbox/richiesta), [] when none. */
export async function sandboxRequests(url: string, apiKey: string): Promise<Array<{ id: string; stato: string; callback?: { data?: { gatewayRequestId?: string } } }>> {
  const res = await fetch(`${url}/sandbox/richiesta`, { headers: { authorization: `Bearer ${apiKey}` } });
  const body = (await res.json()) as { data: unknown };
  if (res.status === 404) return [];
  if (res.status !== 200) throw new Error(`GET /sandbox/richiesta: expected 200 or 404, received ${res.status}`);
  return body.data as never;
}
