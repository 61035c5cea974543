"""Routes of delegations: the builder pages, the delegations API, share pages and reach."""
