"""Who may come in: single sign-on by OpenID Connect beside the local break-glass login, sign-in lockout, the
audit log's admin page and API, and the security headers every page is sent with."""
