import { useState } from "react";
import { gql } from "./api";
import { graphql } from "./gql";
import { Action, ErrorBox, Section, useLoad, when } from "./ui";
import { SignatureChecker } from "./SignatureChecker";
import { DeliveryArticle } from "./Delivery";

const Endpoints = graphql(`
  query DashboardEndpoints {
    webhookEndpoints {
      id
      url
      description
      createdAt
      previousSecretExpiresAt
    }
  }
`);

const Deliveries = graphql(`
  query DashboardDeliveries($endpointId: ID!) {
    webhookDeliveries(endpointId: $endpointId, first: 20) {
      ...DashboardDelivery
    }
  }
`);

const Create = graphql(`
  mutation DashboardCreateEndpoint($url: String!, $description: String) {
    createWebhookEndpoint(url: $url, description: $description) {
      secret
      endpoint {
        id
      }
    }
  }
`);

const Delete = graphql(`
  mutation DashboardDeleteEndpoint($id: ID!) {
    deleteWebhookEndpoint(id: $id)
  }
`);

const Example = graphql(`
  mutation DashboardExampleWebhook($id: ID!) {
    sendExampleWebhook(endpointId: $id) {
      id
    }
  }
`);

const Rotate = graphql(`
  mutation DashboardRotateSecret($id: ID!) {
    rotateWebhookSecret(endpointId: $id) {
      secret
      previousSecretExpiresAt
    }
  }
`);

function EndpointDeliveries({ endpointId }: { endpointId: string }) {
  const deliveries = useLoad(() => gql(Deliveries, { endpointId }), [endpointId]);
  return (
    <details>
      <summary>Deliveries</summary>
      <ErrorBox error={deliveries.error} />
      <button type="button" onClick={deliveries.reload}>
        Refresh deliveries
      </button>
      {deliveries.data?.webhookDeliveries.length === 0 ? <p>None yet.</p> : null}
      {deliveries.data?.webhookDeliveries.map((d) => (
        <DeliveryArticle key={d.id} delivery={d} onChanged={deliveries.reload} />
      ))}
    </details>
  );
}

/** Webhook endpoints: create, delete, send an example, rotate the secret, deliveries; and a signature checker. */
export function Webhooks() {
  const endpoints = useLoad(() => gql(Endpoints), []);
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      <Section title="Webhook endpoints">
        <ErrorBox error={endpoints.error} />
        <div className="form">
          <label htmlFor="hook-url">Endpoint URL (public https address)</label>
          <input id="hook-url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/firma-webhooks" />
          <label htmlFor="hook-description">Description</label>
          <input id="hook-description" value={description} onChange={(e) => setDescription(e.target.value)} />
          <Action
            label="Create endpoint"
            run={async () => setSecret((await gql(Create, { url, description: description || null })).createWebhookEndpoint.secret)}
            onDone={endpoints.reload}
          />
        </div>
        {secret ? (
          <p role="status" className="ok">
            Signing secret, shown only now: <code className="secret">{secret}</code>
          </p>
        ) : null}
        {endpoints.data?.webhookEndpoints.map((e) => (
          <article key={e.id} className="endpoint" aria-label={`Endpoint ${e.url}`}>
            <p>
              <strong>{e.url}</strong> {e.description ? `· ${e.description}` : ""} · created {when(e.createdAt)}
              {e.previousSecretExpiresAt ? ` · previous secret valid until ${when(e.previousSecretExpiresAt)}` : ""}
            </p>
            <Action label="Send example event" run={() => gql(Example, { id: e.id })} />
            <Action label="Rotate secret" run={async () => setSecret((await gql(Rotate, { id: e.id })).rotateWebhookSecret.secret)} onDone={endpoints.reload} />
            <Action label="Delete" danger run={() => gql(Delete, { id: e.id })} onDone={endpoints.reload} />
            <EndpointDeliveries endpointId={e.id} />
          </article>
        ))}
      </Section>
      <SignatureChecker />
    </>
  );
}
