"""One row per run of a scheduled job: what makes each run happen once, and what it did."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from portal.centres.scoping import CentreScopedQuerySet


class Job(models.TextChoices):
    REMINDERS = "reminders", "Homework reminders"
    DIGEST = "digest", "Weekly parent digest"
    CLEANUP = "cleanup", "Clean-up"


class JobRunQuerySet(CentreScopedQuerySet):
    pass


class JobRun(models.Model):
    """A scheduled job's run for one centre (none for platform jobs) and one period.

    `period` is the centre-local date (daily jobs) or the Monday of the week (the digest):
    unique per job and centre, so a second trigger in the same period finds the first's row.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    job = models.CharField(max_length=16, choices=Job.choices)
    centre = models.ForeignKey(
        "centres.Centre", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    period = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "centre", "period"],
                condition=Q(centre__isnull=False),
                name="job_run_once_per_centre_period",
            ),
            models.UniqueConstraint(
                fields=["job", "period"],
                condition=Q(centre__isnull=True),
                name="job_run_once_per_platform_period",
            ),
        ]

    def __str__(self) -> str:
        where = self.centre or "platform"
        return f"{self.get_job_display()} for {where} on {self.period}: {self.get_status_display()}"
