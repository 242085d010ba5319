from django.core.management.base import BaseCommand

from portal.schedules.models import Job
from portal.schedules.services import JOBS, periodic_tasks, schedule_run_now


class Command(BaseCommand):
    help = (
        "Send scheduled jobs to the workers now, e.g. `run_schedules reminders digest`; each "
        "centre's run for today (this week, for the digest) still happens only once."
    )

    def add_arguments(self, parser):
        parser.add_argument("jobs", nargs="+", choices=Job.values)

    def handle(self, *args, jobs, **options):
        tasks = periodic_tasks().filter(task__in=[JOBS[job].task for job in jobs], enabled=True)
        for task in tasks:
            schedule_run_now(task=task)
            self.stdout.write(f"Sent: {task.name}")
