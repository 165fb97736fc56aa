// A real OpenID Connect provider for the tests (npm's oidc-provider, certified), on the port
// given. Its development sign-in form accepts any login; the accounts below carry the claims.
// /__test/* lets a test change a person's groups or e-mail and make the next ID token faulty, so the
// refusals are tested against tokens a provider really sent.
import { createServer } from "node:http";
import Provider from "oidc-provider";
import { generateKeyPair, exportJWK, SignJWT, decodeJwt } from "jose";

const port = Number(process.env.IDP_PORT);
const issuer = `http://127.0.0.1:${port}`;
const redirectUris = (process.env.IDP_REDIRECT_URIS || "").split(",").filter(Boolean);

const accounts = {
  alice: { email: "alice@corp.example", email_verified: true, name: "Alice Exec",
           zoneinfo: "Europe/Paris", groups: ["accord-executives"] },
  bob: { email: "bob@sso-only.example", email_verified: true, name: "Bob Sso", groups: [] },
  carol: { email: "carol@corp.example", email_verified: false, name: "Carol Unverified", groups: [] },
};
let fault = null; // "nonce" | "expired" | "signature" | "amr"

async function signingKey() {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: "test-key", alg: "RS256", use: "sig" };
}
const key = await signingKey();
const rogue = await signingKey(); // same kid, another key: a wrongly signed token

const provider = new Provider(issuer, {
  clients: [{
    client_id: "accord", client_secret: "accord-secret",
    redirect_uris: redirectUris, post_logout_redirect_uris: redirectUris,
    grant_types: ["authorization_code"], response_types: ["code"],
  }],
  jwks: { keys: [key] },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "zoneinfo"],
            groups: ["groups"] },
  scopes: ["openid", "email", "profile", "groups"],
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => false },
  // No consent screen: the test client is first-party.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId,
                                                accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile groups");
    grant.addOIDCClaims(["email", "email_verified", "name", "zoneinfo", "groups"]);
    await grant.save();
    return grant;
  },
  async findAccount(ctx, id) {
    const person = accounts[id] || { email: `${id}@corp.example`, email_verified: true,
                                     name: id, groups: [] };
    return { accountId: id, async claims() { return { sub: id, ...person }; } };
  },
  ttl: { IdToken: 3600 },
});

// Rewrites the token endpoint's ID token once, as a test asked.
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path !== "/token" || !fault || !ctx.body?.id_token) return;
  const claims = decodeJwt(ctx.body.id_token);
  const now = Math.floor(Date.now() / 1000);
  let signWith = key;
  if (fault === "nonce") claims.nonce = "not-the-nonce-we-were-sent";
  if (fault === "expired") { claims.iat = now - 7200; claims.exp = now - 3600; }
  if (fault === "signature") signWith = rogue;
  if (fault === "amr") claims.amr = ["pwd", "mfa"];
  const { importJWK } = await import("jose");
  ctx.body = { ...ctx.body, id_token: await new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: "test-key" })
    .sign(await importJWK(signWith, "RS256")) };
  fault = null;
});

const callback = provider.callback();
createServer(async (req, res) => {
  if (req.url.startsWith("/__test/")) {
    let body = "";
    for await (const chunk of req) body += chunk;
    const data = body ? JSON.parse(body) : {};
    if (req.url === "/__test/fault") fault = data.fault || null;
    if (req.url === "/__test/groups") accounts[data.login].groups = data.groups;
    if (req.url === "/__test/email") {
      accounts[data.login] = { email_verified: true, name: data.login, groups: [],
                               ...accounts[data.login], email: data.email };
    }
    res.writeHead(204).end();
    return;
  }
  callback(req, res);
}).listen(port, "127.0.0.1", () => console.log(`ready ${issuer}`));
