import { useEffect, useRef, useState } from "react";
import { gql } from "./api";
import { graphql } from "./gql";
import { Action, ErrorBox, Section, euros, useLoad } from "./ui";

const State = graphql(`
  query DashboardSandboxState {
    sandbox {
      wallet {
        amountCents
        currency
      }
      faults {
        errorRate
        timeoutRate
        dropCallbacks
        spidSoldOut
      }
    }
  }
`);

const SetFaults = graphql(`
  mutation DashboardSetFaults($input: SandboxFaultsInput!) {
    setSandboxFaults(input: $input) {
      errorRate
      timeoutRate
      dropCallbacks
      spidSoldOut
    }
  }
`);

const SetWallet = graphql(`
  mutation DashboardSetWallet($cents: Int!) {
    setSandboxWallet(balanceCents: $cents) {
      amountCents
      currency
    }
  }
`);

const Reset = graphql(`
  mutation DashboardReset {
    resetSandbox(confirm: true) {
      sandboxRequests
      gatewayRequests
      callbacks
      statusEvents
      webhookDeliveries
      mails
      spidVouchers
    }
  }
`);

const MAGIC: [string, string][] = [
  ["mario+reject@example.com", "The public officer refuses the documents: back to IN_REGISTRAZIONE, uploads reset."],
  ["mario+videofail@example.com", "The video call fails: the request ends FAILED (upstream's rifiutata)."],
  ["mario+lost@example.com", "The first parcel is lost; a replacement ships one shipping period later."],
  ["mario+nocallback@example.com", "No callback is sent; each is logged as dropped (the reconciler still finds the changes)."],
  ["wallet 0.00 EUR", "The next order answers UPSTREAM_REJECTED (402/207 Insufficient Credit in Wallet)."],
  ["faults: SPID sold out", "buySpidVoucher answers UPSTREAM_REJECTED (422/800 spid personale sold out)."],
];

/** Faults, wallet, reset (after a confirmation), and the magic values' cheat sheet. */
export function SandboxSettings() {
  const state = useLoad(() => gql(State), []);
  const s = state.data?.sandbox;
  const [errorRate, setErrorRate] = useState("0");
  const [timeoutRate, setTimeoutRate] = useState("0");
  const [balance, setBalance] = useState("");
  const [resetResult, setResetResult] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (!s) return;
    setErrorRate(String(s.faults.errorRate));
    setTimeoutRate(String(s.faults.timeoutRate));
    setBalance((s.wallet.amountCents / 100).toFixed(2));
  }, [s]);
  return (
    <>
      <Section title="Faults">
        <ErrorBox error={state.error} />
        {s ? (
          <div className="form">
            <label>
              <input
                type="checkbox"
                checked={s.faults.dropCallbacks}
                onChange={(e) => void gql(SetFaults, { input: { dropCallbacks: e.target.checked } }).then(state.reload, state.reload)}
              />{" "}
              Drop every callback
            </label>
            <label>
              <input
                type="checkbox"
                checked={s.faults.spidSoldOut}
                onChange={(e) => void gql(SetFaults, { input: { spidSoldOut: e.target.checked } }).then(state.reload, state.reload)}
              />{" "}
              SPID vouchers sold out
            </label>
            <label htmlFor="error-rate">Share of calls answered 503 (0 to 1)</label>
            <input id="error-rate" inputMode="decimal" value={errorRate} onChange={(e) => setErrorRate(e.target.value)} />
            <label htmlFor="timeout-rate">Share of calls whose answer is withheld (0 to 1)</label>
            <input id="timeout-rate" inputMode="decimal" value={timeoutRate} onChange={(e) => setTimeoutRate(e.target.value)} />
            <Action
              label="Save fault rates"
              run={() => gql(SetFaults, { input: { errorRate: Number(errorRate), timeoutRate: Number(timeoutRate) } })}
              onDone={state.reload}
            />
          </div>
        ) : null}
      </Section>
      <Section title="Wallet">
        {s ? <p>Balance: {euros(s.wallet.amountCents, s.wallet.currency)}</p> : null}
        <label htmlFor="balance">New balance (EUR)</label>
        <input id="balance" inputMode="decimal" value={balance} onChange={(e) => setBalance(e.target.value)} />
        <Action label="Set the balance" run={() => gql(SetWallet, { cents: Math.round(Number(balance) * 100) })} onDone={state.reload} />
      </Section>
      <Section title="Reset">
        <p>Forgets this tenant's sandbox requests, callbacks, inbox and status events, and the gateway's own requests of the tenant. API keys and webhook endpoints stay.</p>
        <button type="button" className="danger" onClick={() => dialog.current?.showModal()}>
          Reset the sandbox…
        </button>
        {resetResult ? (
          <p role="status" className="ok">
            {resetResult}
          </p>
        ) : null}
        <dialog ref={dialog} aria-labelledby="reset-title">
          <h3 id="reset-title">Reset this tenant's sandbox?</h3>
          <p>Every sandbox request and its history is removed. This cannot be undone.</p>
          <Action
            label="Yes, reset"
            danger
            run={async () => {
              const r = (await gql(Reset)).resetSandbox;
              setResetResult(`Reset: ${r.gatewayRequests} request(s), ${r.callbacks} callback(s), ${r.statusEvents} event(s), ${r.mails} e-mail(s) removed.`);
              dialog.current?.close();
            }}
            onDone={state.reload}
          />
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </dialog>
      </Section>
      <Section title="Magic values">
        <table>
          <thead>
            <tr>
              <th scope="col">Use</th>
              <th scope="col">Effect</th>
            </tr>
          </thead>
          <tbody>
            {MAGIC.map(([use, effect]) => (
              <tr key={use}>
                <td>
                  <code>{use}</code>
                </td>
                <td>{effect}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="hint">Or, without re-ordering: a request's timeline has buttons that force these outcomes.</p>
      </Section>
    </>
  );
}
