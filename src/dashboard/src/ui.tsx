import { useCallback, useEffect, useState, type ReactNode } from "react";
import { ApiError } from "./api";

/** An API error in words, with its codes and the fields it names. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const problems = error instanceof ApiError ? error.problems : [{ code: "ERROR", message: String(error) }];
  return (
    <div className="error" role="alert">
      {problems.map((p, i) => (
        <p key={i}>
          <code>{p.code}</code> {p.message}
          {p.fields?.length ? <span className="fields"> ({p.fields.map((f) => `${f.path}: ${f.message}`).join("; ")})</span> : null}
        </p>
      ))}
    </div>
  );
}

/** Loads `load()` now and whenever `reload` is called or a dependency changes. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | null; error: unknown; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    run().then(
      (d) => {
        if (live) {
          setData(d);
          setError(null);
        }
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [run, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

/** A button that runs an action, shows it is busy, and reports its error next to it. */
export function Action({ label, run, onDone, danger }: { label: string; run: () => Promise<unknown>; onDone?: () => void; danger?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <span className="action">
      <button
        type="button"
        className={danger ? "danger" : undefined}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await run();
            onDone?.();
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? `${label}…` : label}
      </button>
      <ErrorBox error={error} />
    </span>
  );
}

export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A date on the sandbox clock, readable in Rome's time. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "–";
  return new Date(iso).toLocaleString("en-GB", { timeZone: "Europe/Rome", dateStyle: "medium", timeStyle: "short" });
}

export function euros(cents: number, currency = "EUR"): string {
  return `${(cents / 100).toFixed(2)} ${currency}`;
}
