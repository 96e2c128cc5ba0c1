"""The API's routes, as Powertools Routers, and what they depend on."""
