"""E-mail and in-app notices: who hears about what, exactly once."""
