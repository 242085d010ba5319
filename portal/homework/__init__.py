"""Homework: authoring, review workflow, submissions and grading (see the homework issue)."""
