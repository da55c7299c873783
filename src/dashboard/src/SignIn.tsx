import { useState, type FormEvent } from "react";
import { ApiError, gql, keyStore } from "./api";
import { graphql } from "./gql";
import { ErrorBox } from "./ui";

const WhoAmI = graphql(`
  query DashboardSignIn {
    viewer {
      tenant {
        mode
      }
    }
  }
`);

const LIVE_REFUSED = "This is a live key: the dashboard drives the sandbox, so it takes test keys (fgw_test_...) only.";

/** The partner pastes a test API key; it is kept in this tab's sessionStorage only. */
export function SignIn({ onSignedIn }: { onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const trimmed = key.trim();
    if (trimmed.startsWith("fgw_live_")) {
      setError(new ApiError([{ code: "LIVE_KEY", message: LIVE_REFUSED }]));
      return;
    }
    try {
      const data = await gql(WhoAmI, {}, trimmed);
      if (data.viewer.tenant.mode !== "TEST") throw new ApiError([{ code: "LIVE_KEY", message: LIVE_REFUSED }]);
      keyStore.set(trimmed);
      onSignedIn(trimmed);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <main className="signin">
      <h1>Sandbox dashboard</h1>
      <p>Paste a test API key. It stays in this browser tab only (sessionStorage) and is sent to this gateway alone.</p>
      <form onSubmit={submit}>
        <label htmlFor="api-key">Test API key</label>
        <input id="api-key" type="password" autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} placeholder="fgw_test_..." />
        <button type="submit">Sign in</button>
      </form>
      <ErrorBox error={error} />
    </main>
  );
}
