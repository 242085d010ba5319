"""Centre-wide and class announcements."""
