"""Generation engine: reference preparation, the prompt and the Gemini adapter."""
