"""Pydantic models at the boundaries."""
