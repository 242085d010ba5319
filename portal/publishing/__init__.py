"""Review workflow and publishing rights shared by homework and announcements."""
