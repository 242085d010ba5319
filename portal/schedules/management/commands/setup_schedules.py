from django.core.management.base import BaseCommand

from portal.schedules.services import periodic_tasks, schedules_sync


class Command(BaseCommand):
    help = "Create any missing reminder, digest and clean-up schedules (also run after migrate)."

    def handle(self, *args, **options):
        schedules_sync()
        for task in periodic_tasks():
            crontab = task.crontab
            self.stdout.write(
                f"{task.name}: {crontab.minute} {crontab.hour} * * {crontab.day_of_week} "
                f"({crontab.timezone}){'' if task.enabled else ' — switched off'}"
            )
