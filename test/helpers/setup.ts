import "reflect-metadata";
import nock from "nock";
import { afterEach, beforeAll, beforeEach } from "vitest";

// Never reach the real ws.firmadigitale.com: only loopback may be contacted for real.
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host));
});

beforeEach(() => {
  nock.cleanAll();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  if (pending.length > 0) throw new Error(`pending nock mocks not called: ${pending.join(", ")}`);
});
