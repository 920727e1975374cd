"""OAuth 2.0 token issuance, principals (users, service principals) and scopes."""
