// A real OpenID provider for the single sign-on tests: oidc-provider with its own sign-in and consent pages.
// Environment: PORT, RP_URL (the app's base URL), CLIENT_ID, CLIENT_SECRET and ACCOUNTS, a JSON object
// {"<login>": {"email": "...", "name": "...", "groups": ["..."]}}. Prints "listening <issuer>" when ready.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 0);
const rp = process.env.RP_URL;
const accounts = JSON.parse(process.env.ACCOUNTS || '{}');

const configuration = {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      client_secret: process.env.CLIENT_SECRET,
      redirect_uris: [`${rp}/oidc/callback/`],
      post_logout_redirect_uris: [`${rp}/login/`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'groups'],
  },
  cookies: { keys: ['warroom-test-provider-cookie-key'] },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          preferred_username: id,
          email: account.email,
          email_verified: true,
          name: account.name,
          groups: account.groups || [],
        };
      },
    };
  },
};

const server = (await import('node:http')).createServer();
server.listen(port, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  console.log(`listening ${issuer}`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
