"""People of the example host: profiles (test users) and identities."""
