"""Accounts: passwords, sessions, tokens, invitations and the people who hold them."""
