"""Live class whiteboards over Channels (see the whiteboard issue)."""
