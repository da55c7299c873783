import { createRequire } from "node:module";
import path from "node:path";
import express, { type NextFunction, type Request, type Response, type Router } from "express";

const require = createRequire(import.meta.url);
// The packages' `exports` hide their UMD builds from require.resolve; their folders are public.
const dirOf = (pkg: string) => path.dirname(require.resolve(`${pkg}/package.json`));

/** Files GraphiQL needs, served from node_modules: no CDN, so it works offline. */
const ASSETS: Record<string, string> = {
  "react.js": path.join(dirOf("react"), "umd/react.production.min.js"),
  "react-dom.js": path.join(dirOf("react-dom"), "umd/react-dom.production.min.js"),
  "graphiql.js": path.join(dirOf("graphiql"), "graphiql.min.js"),
  "graphiql.css": path.join(dirOf("graphiql"), "graphiql.min.css"),
};

/** The README's walk-through as GraphiQL tabs: what a partner runs first. */
const EXAMPLES = [
  { query: "# 1. What can I order, and what does each order need?\n{\n  products { code name family price { amountCents currency } requires }\n}\n" },
  {
    query:
      "# 2. Order a smart card kit (same idempotency key, same request).\nmutation Order($input: PlaceOrderInput!) {\n  placeOrder(idempotencyKey: \"order-2026-0001\", input: $input) { id status requestCode }\n}\n",
    variables: JSON.stringify(
      {
        input: {
          productCode: "KIT",
          signature: {
            shipping: "EXPRESS",
            applicant: {
              firstName: "Mario", lastName: "Rossi", taxCode: "RSSMRA85C15H501R", birthDate: "1985-03-15", sex: "M",
              birthPlace: "Roma", birthProvince: "RM", birthCountry: "Italia", email: "mario.rossi@example.com", phone: "+393331234567",
              residence: { address: "Via del Corso 1", city: "Roma", province: "RM", postalCode: "00186", country: "Italia" },
              shipping: { recipient: "Mario Rossi", address: "Via del Corso 1", city: "Roma", province: "RM", postalCode: "00186" },
              document: { type: "carta d'identità", number: "CA12345AB", issuedBy: "Comune di Roma", issueDate: "2020-01-10", expiryDate: "2030-01-10" },
            },
          },
        },
      },
      null,
      2,
    ),
  },
  { query: "# 3. The registration form to print and sign.\nmutation { registrationFormUrl(requestId: \"<id>\") { url expiresAt } }\n" },
  { query: "# 4. Test keys: move the sandbox clock to the next scheduled step.\nmutation { advanceSandboxClockBy(input: { toNextTransition: true }) { now transitions } }\n" },
  {
    query:
      "# 5. The request's whole story.\n{\n  signatureRequestTimeline(id: \"<id>\") {\n    request { status }\n    statusChanges { status at sandboxAt }\n    callbacks { status state body }\n    nextMoves\n  }\n}\n",
  },
  { query: "# 6. Every status change, live (graphql-ws).\nsubscription { statusEvents { cursor sequence requestId from to at } }\n" },
].map((tab) => ({ ...tab, headers: JSON.stringify({ Authorization: "Bearer fgw_test_..." }, null, 2) }));

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>firma-gateway · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/assets/graphiql.css" />
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/assets/react.js"></script>
<script src="/graphiql/assets/react-dom.js"></script>
<script src="/graphiql/assets/graphiql.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: "/graphql", subscriptionUrl: location.origin.replace(/^http/, "ws") + "/graphql" });
  // /graphql#examples (linked from the dashboard): the README's walk-through, one tab per step.
  const examples = location.hash === "#examples" ? ${JSON.stringify(EXAMPLES)} : undefined;
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, {
      fetcher,
      defaultTabs: examples,
      defaultEditorToolsVisibility: "headers",
      headers: JSON.stringify({ Authorization: "Bearer fgw_test_..." }, null, 2),
      defaultQuery: "# Put your API key in the Headers tab below, then run:\\n{\\n  viewer { tenant { id name mode } }\\n  products { code name family price { amountCents currency } }\\n}\\n",
    }),
  );
</script>
</body>
</html>`;

/** Whether a GET to /graphql comes from a browser wanting a page rather than a GraphQL answer. */
function wantsPage(req: Request): boolean {
  return req.method === "GET" && !("query" in req.query) && (req.headers.accept ?? "").includes("text/html");
}

/** GraphiQL for browsers at GET /graphql, with its assets under /graphiql/assets. */
export function graphiqlRouter(): Router {
  const router = express.Router();
  router.get("/graphiql/assets/:file", (req: Request, res: Response) => {
    const file = ASSETS[String(req.params.file)];
    if (!file) {
      res.status(404).type("text/plain").send("not found");
      return;
    }
    res.setHeader("cache-control", "public, max-age=86400");
    res.sendFile(file);
  });
  router.get("/graphql", (req: Request, res: Response, next: NextFunction) => {
    if (!wantsPage(req)) {
      next();
      return;
    }
    res.type("html").send(PAGE);
  });
  return router;
}
