"""Local tools: the Gemini-compatible server, the local stack and the `identity-images` CLI."""
