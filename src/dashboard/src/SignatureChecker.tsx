import { useState } from "react";
import { Section } from "./ui";

interface Verdict {
  signed: string;
  expected: string;
  matches: boolean;
  problem?: string;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Standard Webhooks: HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${body}` under the whsec_ secret's bytes. */
async function check(secret: string, id: string, timestamp: string, signatureHeader: string, body: string): Promise<Verdict> {
  const signed = `${id}.${timestamp}.${body}`;
  let keyBytes: Uint8Array<ArrayBuffer>;
  try {
    keyBytes = fromBase64(secret.trim().replace(/^whsec_/, ""));
  } catch {
    return { signed, expected: "", matches: false, problem: "The secret is not whsec_ followed by base64." };
  }
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(signed)));
  const expected = btoa(String.fromCharCode(...mac));
  const given = signatureHeader
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((part) => part.replace(/^v1,/, ""));
  const matches = given.includes(expected);
  const problem = matches
    ? undefined
    : given.length === 0
      ? "No signature given: paste the whole webhook-signature header (v1,<base64>, space-separated when there are two)."
      : "No signature matches. Sign the raw body exactly as received (before any JSON parsing), with the webhook-id and webhook-timestamp headers.";
  return { signed, expected, matches, problem };
}

/** Paste a secret, the headers and the raw body: does the signature verify, and what was signed? */
export function SignatureChecker() {
  const [secret, setSecret] = useState("");
  const [id, setId] = useState("");
  const [timestamp, setTimestamp] = useState("");
  const [signature, setSignature] = useState("");
  const [body, setBody] = useState("");
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  return (
    <Section title="Signature checker">
      <p className="hint">Runs in this page only: nothing you paste here is sent anywhere.</p>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          setVerdict(await check(secret, id, timestamp, signature, body));
        }}
      >
        <label htmlFor="sig-secret">Endpoint secret (whsec_...)</label>
        <input id="sig-secret" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} />
        <label htmlFor="sig-id">webhook-id header</label>
        <input id="sig-id" value={id} onChange={(e) => setId(e.target.value)} />
        <label htmlFor="sig-timestamp">webhook-timestamp header</label>
        <input id="sig-timestamp" value={timestamp} onChange={(e) => setTimestamp(e.target.value)} />
        <label htmlFor="sig-signature">webhook-signature header</label>
        <input id="sig-signature" value={signature} onChange={(e) => setSignature(e.target.value)} />
        <label htmlFor="sig-body">Raw body</label>
        <textarea id="sig-body" rows={5} value={body} onChange={(e) => setBody(e.target.value)} />
        <button type="submit">Check the signature</button>
      </form>
      {verdict ? (
        <div role="status" className={verdict.matches ? "ok" : "error"}>
          <p>{verdict.matches ? "The signature verifies." : `The signature does not verify. ${verdict.problem ?? ""}`}</p>
          <p>Signed content:</p>
          <pre>{verdict.signed}</pre>
          {verdict.expected ? (
            <p>
              Expected signature: <code>v1,{verdict.expected}</code>
            </p>
          ) : null}
        </div>
      ) : null}
    </Section>
  );
}
