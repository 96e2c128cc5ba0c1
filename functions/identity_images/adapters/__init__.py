"""Adapters to the outside: AWS, Django and Gemini sit behind these."""
