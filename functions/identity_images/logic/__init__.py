"""Business logic. Knows nothing of Lambda events."""
