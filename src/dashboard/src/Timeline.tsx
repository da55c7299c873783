import { useEffect, useState } from "react";
import { gql, subscribe } from "./api";
import { graphql } from "./gql";
import type { RequestMove, SandboxOutcome } from "./gql/graphql";
import { Action, ErrorBox, Section, useLoad, when } from "./ui";
import { DeliveryArticle } from "./Delivery";

const TimelineQuery = graphql(`
  query DashboardTimeline($id: ID!) {
    signatureRequestTimeline(id: $id) {
      request {
        id
        requestCode
        productCode
        status
        formUploaded
        documentUploaded
        failure {
          code
          message
        }
      }
      lifecycle {
        status
        current
        reached
        failure
      }
      nextMoves
      nextTransitionAt
      statusChanges {
        status
        at
        sandboxAt
      }
    }
  }
`);

// Each list on its own: one query with every list of the timeline is past the API's complexity limit.
const CallbacksQuery = graphql(`
  query DashboardTimelineCallbacks($id: ID!) {
    signatureRequestTimeline(id: $id) {
      callbacks {
        id
        status
        state
        changedAt
        method
        url
        contentType
        body
        reason
        attempts {
          at
          status
          durationMs
          error
        }
      }
    }
  }
`);

const DeliveriesQuery = graphql(`
  query DashboardTimelineDeliveries($id: ID!) {
    signatureRequestTimeline(id: $id) {
      webhookDeliveries {
        ...DashboardDelivery
      }
    }
  }
`);

const InboxQuery = graphql(`
  query DashboardTimelineInbox($id: ID!) {
    signatureRequestTimeline(id: $id) {
      inbox {
        id
        kind
        subject
        at
        to
        body
        hasEnvelope
        envelopePdfBase64
      }
    }
  }
`);

const Updated = graphql(`
  subscription DashboardRequestUpdated($id: ID!) {
    signatureRequestUpdated(id: $id) {
      id
      status
    }
  }
`);

const Resend = graphql(`
  mutation DashboardResendCallback($id: ID!) {
    resendSandboxCallback(callbackId: $id) {
      id
    }
  }
`);

const Force = graphql(`
  mutation DashboardForceOutcome($requestId: ID!, $outcome: SandboxOutcome!) {
    forceSandboxOutcome(requestId: $requestId, outcome: $outcome) {
      requestId
    }
  }
`);

const Video = graphql(`
  mutation DashboardVideo($requestId: ID!) {
    requestVideoRecognition(requestId: $requestId) {
      id
    }
  }
`);

const Upload = graphql(`
  mutation DashboardUpload($requestId: ID!, $signedForm: FileInput, $idDocument: FileInput) {
    uploadIdentificationDocuments(requestId: $requestId, signedForm: $signedForm, idDocument: $idDocument) {
      id
    }
  }
`);

const ToNext = graphql(`
  mutation DashboardAdvanceToNext {
    advanceSandboxClockBy(input: { toNextTransition: true }) {
      now
      transitions
    }
  }
`);

const FORCE: Partial<Record<RequestMove, [SandboxOutcome, string]>> = {
  FORCE_IDENTIFICATION_REFUSED: ["IDENTIFICATION_REFUSED", "Force: identification refused"],
  FORCE_VIDEO_FAILED: ["VIDEO_FAILED", "Force: video call failed"],
  FORCE_PARCEL_LOST: ["PARCEL_LOST", "Force: parcel lost"],
  FORCE_CALLBACKS_DROPPED: ["CALLBACKS_DROPPED", "Force: drop callbacks"],
};

async function asFileInput(file: File | undefined) {
  if (!file) return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { fileName: file.name, contentBase64: btoa(binary) };
}

function pdfUrl(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: "application/pdf" }));
}

/** One request's story: lifecycle, status changes on the sandbox clock, callbacks, webhooks, inbox, next moves. */
export function Timeline({ id, onBack }: { id: string; onBack: () => void }) {
  const core = useLoad(() => gql(TimelineQuery, { id }), [id]);
  const callbacks = useLoad(() => gql(CallbacksQuery, { id }), [id]);
  const deliveries = useLoad(() => gql(DeliveriesQuery, { id }), [id]);
  const inbox = useLoad(() => gql(InboxQuery, { id }), [id]);
  const reload = () => {
    for (const part of [core, callbacks, deliveries, inbox]) part.reload();
  };
  const timeline = { error: core.error ?? callbacks.error ?? deliveries.error ?? inbox.error };
  const [feedError, setFeedError] = useState<unknown>(null);
  useEffect(() => subscribe(Updated, { id }, () => reload(), setFeedError), [id]);
  const t = core.data?.signatureRequestTimeline;
  const m = {
    callbacks: callbacks.data?.signatureRequestTimeline.callbacks,
    webhookDeliveries: deliveries.data?.signatureRequestTimeline.webhookDeliveries,
    inbox: inbox.data?.signatureRequestTimeline.inbox,
  };
  const [form, setForm] = useState<File | undefined>();
  const [doc, setDoc] = useState<File | undefined>();
  return (
    <Section title={`Request ${t?.request.requestCode ?? id}`}>
      <button type="button" onClick={onBack}>
        ← All requests
      </button>
      <ErrorBox error={timeline.error ?? feedError} />
      {t ? (
        <>
          <p>
            {t.request.productCode} · <span className={`status status-${t.request.status}`}>{t.request.status}</span>
            {t.request.failure ? ` · ${t.request.failure.code}: ${t.request.failure.message}` : ""}
            {t.nextTransitionAt ? ` · next automatic step due ${when(t.nextTransitionAt)} (sandbox clock)` : ""}
          </p>
          <h3>Lifecycle</h3>
          <ol className="lifecycle" aria-label="Lifecycle of the product family">
            {t.lifecycle.map((stage) => (
              <li
                key={stage.status}
                className={[stage.current ? "current" : "", stage.reached ? "reached" : "", stage.failure ? "failure" : ""].join(" ")}
                aria-current={stage.current ? "step" : undefined}
              >
                {stage.status}
              </li>
            ))}
          </ol>
          <h3>Next moves</h3>
          <div className="moves">
            {t.nextMoves.length === 0 ? <p>None: the request is final.</p> : null}
            {t.nextMoves.includes("ADVANCE_CLOCK") ? <Action label="Advance the clock to the next transition" run={() => gql(ToNext)} onDone={reload} /> : null}
            {t.nextMoves.includes("REQUEST_VIDEO_RECOGNITION") ? (
              <Action label="Switch to video identification" run={() => gql(Video, { requestId: id })} onDone={reload} />
            ) : null}
            {t.nextMoves.map((move) => {
              const force = FORCE[move];
              return force ? <Action key={move} label={force[1]} run={() => gql(Force, { requestId: id, outcome: force[0] })} onDone={reload} /> : null;
            })}
            {t.nextMoves.includes("UPLOAD_DOCUMENTS") ? (
              <fieldset>
                <legend>Upload documents</legend>
                <label>
                  Signed form (.pdf or .p7m) <input type="file" onChange={(e) => setForm(e.target.files?.[0])} />
                </label>
                <label>
                  ID document (PDF, JPEG or PNG) <input type="file" onChange={(e) => setDoc(e.target.files?.[0])} />
                </label>
                <Action
                  label="Upload"
                  run={async () => gql(Upload, { requestId: id, signedForm: await asFileInput(form), idDocument: await asFileInput(doc) })}
                  onDone={reload}
                />
              </fieldset>
            ) : null}
          </div>
          <h3>Status changes</h3>
          <table>
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Sandbox clock</th>
                <th scope="col">Stored (real time)</th>
              </tr>
            </thead>
            <tbody>
              {t.statusChanges.map((c, i) => (
                <tr key={i}>
                  <td>{c.status}</td>
                  <td>{when(c.sandboxAt)}</td>
                  <td>{when(c.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Callbacks sent by the sandbox</h3>
          {m.callbacks?.length === 0 ? <p>None yet.</p> : null}
          {m.callbacks?.map((cb) => (
            <article key={cb.id} className="callback" aria-label={`Callback ${cb.status}`}>
              <p>
                <strong>{cb.status}</strong> · {cb.state} · {cb.method} {cb.url.replace(/\/[^/]+$/, "/…")} · changed {when(cb.changedAt)}
                {cb.reason ? ` · ${cb.reason}` : ""}
              </p>
              <details>
                <summary>Body ({cb.contentType})</summary>
                <pre>{cb.body}</pre>
              </details>
              <ul>
                {cb.attempts.map((a, i) => (
                  <li key={i}>
                    {when(a.at)}: {a.status ?? "no answer"} in {a.durationMs} ms{a.error ? ` (${a.error})` : ""}
                  </li>
                ))}
              </ul>
              <Action label="Resend callback" run={() => gql(Resend, { id: cb.id })} onDone={reload} />
            </article>
          ))}
          <h3>Webhook deliveries</h3>
          {m.webhookDeliveries?.length === 0 ? <p>None (no webhook endpoint, or no event yet).</p> : null}
          {m.webhookDeliveries?.map((d) => (
            <DeliveryArticle key={d.id} delivery={d} onChanged={reload} />
          ))}
          <h3>Applicant's inbox</h3>
          <p className="hint">What the applicant would receive by e-mail. Nothing is sent anywhere.</p>
          {m.inbox?.length === 0 ? <p>Empty.</p> : null}
          {m.inbox?.map((m) => (
            <article key={m.id} className="mail" aria-label={`E-mail: ${m.subject}`}>
              <p>
                <strong>{m.subject}</strong> · {m.kind} · to {m.to ?? "–"} · {when(m.at)}
              </p>
              <pre>{m.body}</pre>
              {m.envelopePdfBase64 ? (
                <a href={pdfUrl(m.envelopePdfBase64)} download={`envelope-${id}.pdf`}>
                  Download the virtual envelope (sandbox PDF)
                </a>
              ) : null}
            </article>
          ))}
        </>
      ) : null}
    </Section>
  );
}
