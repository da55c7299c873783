import { gql } from "./api";
import { graphql } from "./gql";
import type { DashboardDeliveryFragment } from "./gql/graphql";
import { Action, when } from "./ui";

/** What the dashboard shows of a webhook delivery, wherever it lists one. */
export const DeliveryFields = graphql(`
  fragment DashboardDelivery on WebhookDelivery {
    id
    status
    example
    attempts
    createdAt
    lastResponseCode
    lastError
    body
    attemptLog {
      at
      responseCode
      durationMs
      error
    }
  }
`);

const Redeliver = graphql(`
  mutation DashboardRedeliver($id: ID!) {
    redeliverWebhook(deliveryId: $id) {
      id
    }
  }
`);

/** One delivery: its attempts, the exact body, and a button to attempt it again. */
export function DeliveryArticle({ delivery: d, onChanged }: { delivery: DashboardDeliveryFragment; onChanged: () => void }) {
  return (
    <article className="callback" aria-label={`Webhook delivery ${d.id}`}>
      <p>
        {d.example ? "Example · " : ""}
        {d.status} · {d.attempts} attempt(s) · {when(d.createdAt)} · last answer {d.lastResponseCode ?? "none"}
        {d.lastError ? ` (${d.lastError})` : ""}
      </p>
      <ul>
        {d.attemptLog.map((a, i) => (
          <li key={i}>
            {when(a.at)}: {a.responseCode ?? "no answer"} in {a.durationMs} ms{a.error ? ` (${a.error})` : ""}
          </li>
        ))}
      </ul>
      <details>
        <summary>Body</summary>
        <pre>{d.body}</pre>
      </details>
      <Action label="Redeliver" run={() => gql(Redeliver, { id: d.id })} onDone={onChanged} />
    </article>
  );
}
