import { useState } from "react";
import { closeSubscriptions, gql, keyStore } from "./api";
import { graphql } from "./gql";
import { SignIn } from "./SignIn";
import { Requests } from "./Requests";
import { Timeline } from "./Timeline";
import { Clock } from "./Clock";
import { SandboxSettings } from "./SandboxSettings";
import { Webhooks } from "./Webhooks";
import { useLoad } from "./ui";

const Viewer = graphql(`
  query DashboardViewer {
    viewer {
      tenant {
        id
        name
        mode
      }
    }
  }
`);

const TABS = ["Requests", "Clock", "Faults, wallet, reset", "Webhooks"] as const;
type Tab = (typeof TABS)[number];

export function App() {
  const [key, setKey] = useState(keyStore.get());
  if (key === null) return <SignIn onSignedIn={setKey} />;
  return (
    <Signed
      onSignOut={() => {
        keyStore.clear();
        closeSubscriptions();
        setKey(null);
      }}
    />
  );
}

function Signed({ onSignOut }: { onSignOut: () => void }) {
  const [tab, setTab] = useState<Tab>("Requests");
  const [requestId, setRequestId] = useState<string | null>(null);
  const viewer = useLoad(() => gql(Viewer), []);
  return (
    <>
      <header>
        <h1>Sandbox dashboard</h1>
        <span className="tenant">{viewer.data ? `${viewer.data.viewer.tenant.name} (${viewer.data.viewer.tenant.mode})` : ""}</span>
        <a href="/graphql#examples" target="_blank" rel="noopener">
          GraphiQL with examples
        </a>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <nav aria-label="Sections">
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            aria-current={t === tab && requestId === null ? "page" : undefined}
            onClick={() => {
              setTab(t);
              setRequestId(null);
            }}
          >
            {t}
          </button>
        ))}
      </nav>
      <main>
        {requestId !== null ? (
          <Timeline id={requestId} onBack={() => setRequestId(null)} />
        ) : tab === "Requests" ? (
          <Requests onOpen={setRequestId} />
        ) : tab === "Clock" ? (
          <Clock />
        ) : tab === "Faults, wallet, reset" ? (
          <SandboxSettings />
        ) : (
          <Webhooks />
        )}
      </main>
    </>
  );
}
