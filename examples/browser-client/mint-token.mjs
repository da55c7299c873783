// Your backend's side: mint a session token for the signed-in customer with the tenant's SECRET API key,
// which never leaves the server. Run: FGW_SECRET_KEY=fgw_test_... node mint-token.mjs customer-42
const gateway = process.env.FGW_URL ?? "http://127.0.0.1:4000";
const subject = process.argv[2] ?? "customer-42";
const res = await fetch(`${gateway}/graphql`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${process.env.FGW_SECRET_KEY}` },
  body: JSON.stringify({
    query: `mutation($subject: String!) {
      createSessionToken(subject: $subject, scopes: [CATALOGUE_READ, ORDERS_WRITE, REQUESTS_READ, FEED_READ], ttlSeconds: 900) { token expiresAt }
    }`,
    variables: { subject },
  }),
});
const body = await res.json();
if (body.errors) {
  console.error(body.errors);
  process.exit(1);
}
console.log(body.data.createSessionToken.token);
