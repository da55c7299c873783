import { useState } from "react";
import { gql } from "./api";
import { graphql } from "./gql";
import { Action, ErrorBox, Section, useLoad, when } from "./ui";

const ClockQuery = graphql(`
  query DashboardClock {
    sandbox {
      clock {
        now
        nextBusinessDay
        offsetSeconds
        upcoming {
          dueAt
          requestCode
          productCode
          status
          nextStatus
        }
      }
    }
  }
`);

const Advance = graphql(`
  mutation DashboardAdvance($input: AdvanceSandboxClockInput!) {
    advanceSandboxClockBy(input: $input) {
      now
      transitions
    }
  }
`);

/** The tenant's sandbox clock: time, next business day, upcoming transitions, and ways to move it. */
export function Clock() {
  const clock = useLoad(() => gql(ClockQuery), []);
  const [days, setDays] = useState(1);
  const [hours, setHours] = useState(4);
  const [last, setLast] = useState<string | null>(null);
  const c = clock.data?.sandbox.clock;
  const advance = async (input: { businessDays?: number; businessHours?: number; toNextTransition?: boolean }) => {
    const r = await gql(Advance, { input });
    setLast(`Moved to ${when(r.advanceSandboxClockBy.now)}: ${r.advanceSandboxClockBy.transitions} status change(s).`);
  };
  return (
    <Section title="Sandbox clock">
      <ErrorBox error={clock.error} />
      {c ? (
        <dl className="facts">
          <dt>Tenant time</dt>
          <dd>{when(c.now)}</dd>
          <dt>Next business day</dt>
          <dd>{when(c.nextBusinessDay)} (weekends and Italian public holidays skipped)</dd>
          <dt>Ahead of real time</dt>
          <dd>{Math.round(c.offsetSeconds / 3600)} h</dd>
        </dl>
      ) : null}
      <div className="moves">
        <Action label="Advance to the next transition" run={() => advance({ toNextTransition: true })} onDone={clock.reload} />
        <span className="inline">
          <label htmlFor="advance-days">Business days</label>
          <input id="advance-days" type="number" min={1} max={2000} value={days} onChange={(e) => setDays(Number(e.target.value))} />
          <Action label="Advance by business days" run={() => advance({ businessDays: days })} onDone={clock.reload} />
        </span>
        <span className="inline">
          <label htmlFor="advance-hours">Business hours</label>
          <input id="advance-hours" type="number" min={1} max={20000} value={hours} onChange={(e) => setHours(Number(e.target.value))} />
          <Action label="Advance by business hours" run={() => advance({ businessHours: hours })} onDone={clock.reload} />
        </span>
      </div>
      {last ? (
        <p role="status" className="ok">
          {last}
        </p>
      ) : null}
      <h3>Upcoming transitions</h3>
      {c && c.upcoming.length === 0 ? <p>Nothing is scheduled.</p> : null}
      <table>
        <thead>
          <tr>
            <th scope="col">Due (sandbox clock)</th>
            <th scope="col">Request</th>
            <th scope="col">Product</th>
            <th scope="col">From</th>
            <th scope="col">To</th>
          </tr>
        </thead>
        <tbody>
          {c?.upcoming.map((u, i) => (
            <tr key={i}>
              <td>{when(u.dueAt)}</td>
              <td>{u.requestCode}</td>
              <td>{u.productCode}</td>
              <td>{u.status}</td>
              <td>{u.nextStatus}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
