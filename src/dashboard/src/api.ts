import { print } from "graphql";
import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";

const KEY_STORAGE = "fgw.dashboard.apiKey";

/** The pasted test key lives in this tab's sessionStorage only: never a URL, a cookie or a log. */
export const keyStore = {
  get: (): string | null => sessionStorage.getItem(KEY_STORAGE),
  set: (key: string) => sessionStorage.setItem(KEY_STORAGE, key),
  clear: () => sessionStorage.removeItem(KEY_STORAGE),
};

/** One error of a GraphQL answer, as the API reports it. */
export interface ApiProblem {
  code: string;
  message: string;
  fields?: { path: string; message: string }[];
}

/** A GraphQL answer with errors: shown in words, with their codes. */
export class ApiError extends Error {
  constructor(readonly problems: ApiProblem[]) {
    super(problems.map((p) => `${p.code}: ${p.message}`).join("\n"));
  }
}

type Variables = Record<string, unknown>;

/** Runs a typed operation against this gateway's /graphql with the stored key. */
export async function gql<TData, TVars extends Variables>(document: TypedDocumentNode<TData, TVars>, variables?: TVars, key = keyStore.get()): Promise<TData> {
  let res: Response;
  try {
    res = await fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key ?? ""}` },
      body: JSON.stringify({ query: print(document), variables: variables ?? {} }),
    });
  } catch (err) {
    throw new ApiError([{ code: "NETWORK_ERROR", message: `the gateway did not answer (${String(err)})` }]);
  }
  const body = (await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}`, extensions: { code: "BAD_RESPONSE" } }] }))) as {
    data?: TData;
    errors?: { message: string; extensions?: { code?: string; fields?: ApiProblem["fields"] } }[];
  };
  if (body.errors?.length) {
    throw new ApiError(body.errors.map((e) => ({ code: e.extensions?.code ?? "ERROR", message: e.message, fields: e.extensions?.fields })));
  }
  return body.data as TData;
}

let wsClient: Client | null = null;

/** graphql-ws on the same origin, authenticated with the stored key; one connection for the page. */
function ws(): Client {
  wsClient ??= createClient({
    url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`,
    connectionParams: () => ({ authorization: `Bearer ${keyStore.get() ?? ""}` }),
    retryAttempts: Infinity,
    shouldRetry: () => true,
  });
  return wsClient;
}

/** Subscribes to a typed operation; returns the unsubscribe function. */
export function subscribe<TData, TVars extends Variables>(
  document: TypedDocumentNode<TData, TVars>,
  variables: TVars,
  onData: (data: TData) => void,
  onError: (error: ApiError) => void,
): () => void {
  return ws().subscribe<TData>(
    { query: print(document), variables },
    {
      next: (result) => {
        if (result.errors?.length) onError(new ApiError(result.errors.map((e) => ({ code: String(e.extensions?.code ?? "ERROR"), message: e.message }))));
        else if (result.data) onData(result.data as TData);
      },
      error: (err) => onError(new ApiError([{ code: "SUBSCRIPTION_CLOSED", message: err instanceof Error ? err.message : `the feed closed (${String((err as CloseEvent).code ?? err)})` }])),
      complete: () => {},
    },
  );
}

/** Closes the page's WebSocket (on sign-out). */
export function closeSubscriptions(): void {
  void wsClient?.dispose();
  wsClient = null;
}
