import { useEffect, useState } from "react";
import { gql, subscribe, type ApiError } from "./api";
import { graphql } from "./gql";
import type { SignatureRequestStatus } from "./gql/graphql";
import { ErrorBox, Section, useLoad, when } from "./ui";

export const STATUSES: SignatureRequestStatus[] = ["SUBMITTING", "IN_REGISTRAZIONE", "IN_RICONOSCIMENTO", "IN_LAVORAZIONE", "EVASA", "FAILED"];

const RequestList = graphql(`
  query DashboardRequests($filter: SignatureRequestFilter) {
    signatureRequests(first: 50, filter: $filter) {
      edges {
        node {
          id
          requestCode
          productCode
          status
          updatedAt
          applicant {
            firstName
            lastName
          }
        }
      }
    }
  }
`);

const ProductCodes = graphql(`
  query DashboardProductCodes {
    products {
      code
      name
    }
  }
`);

const Feed = graphql(`
  subscription DashboardFeed($status: [SignatureRequestStatus!], $productCode: [String!]) {
    statusEvents(status: $status, productCode: $productCode) {
      sequence
      requestId
      from
      to
      at
    }
  }
`);

/** The tenant's requests, refreshed live by the statusEvents feed, filtered on the server. */
export function Requests({ onOpen }: { onOpen: (id: string) => void }) {
  const [status, setStatus] = useState<SignatureRequestStatus | "">("");
  const [product, setProduct] = useState("");
  const [feedError, setFeedError] = useState<ApiError | null>(null);
  const [lastEvent, setLastEvent] = useState<string | null>(null);
  const products = useLoad(() => gql(ProductCodes), []);
  const list = useLoad(
    () => gql(RequestList, { filter: { status: status ? [status] : null, productCode: product || null } }),
    [status, product],
  );
  const { reload } = list;
  useEffect(
    () =>
      subscribe(
        Feed,
        { status: status ? [status] : null, productCode: product ? [product] : null },
        (data) => {
          setLastEvent(`#${data.statusEvents.sequence}: ${data.statusEvents.from} → ${data.statusEvents.to}`);
          reload();
        },
        setFeedError,
      ),
    // reload changes identity on every render; the subscription follows the filters only.
    [status, product],
  );
  return (
    <Section title="Requests">
      <div className="filters">
        <label>
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value as SignatureRequestStatus | "")}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Product{" "}
          <select value={product} onChange={(e) => setProduct(e.target.value)}>
            <option value="">any</option>
            {products.data?.products.map((p) => (
              <option key={p.code} value={p.code}>
                {p.code} · {p.name}
              </option>
            ))}
          </select>
        </label>
        <span className="live" aria-live="polite">
          Live feed{lastEvent ? `, last event ${lastEvent}` : ": waiting for status changes"}
        </span>
      </div>
      <ErrorBox error={list.error ?? feedError} />
      <table>
        <thead>
          <tr>
            <th scope="col">Request</th>
            <th scope="col">Product</th>
            <th scope="col">Applicant</th>
            <th scope="col">Status</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.signatureRequests.edges.map(({ node }) => (
            <tr key={node.id} data-request-id={node.id}>
              <td>
                <button type="button" className="link" onClick={() => onOpen(node.id)}>
                  {node.requestCode ?? node.id}
                </button>
              </td>
              <td>{node.productCode}</td>
              <td>{node.applicant ? `${node.applicant.firstName} ${node.applicant.lastName}` : "–"}</td>
              <td>
                <span className={`status status-${node.status}`}>{node.status}</span>
              </td>
              <td>{when(node.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.data?.signatureRequests.edges.length === 0 ? <p>No requests yet: place an order with this key, it appears here at once.</p> : null}
    </Section>
  );
}
