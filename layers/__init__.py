"""Lambda layers: pinned requirements per layer and the builder (`python -m layers.build`)."""
