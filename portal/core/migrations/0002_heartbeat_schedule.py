from django.db import migrations

TASK_NAME = "Worker heartbeat"


def schedule_heartbeat(apps, schema_editor):
    """Every minute, a worker records that it is alive (django-celery-beat's database schedule)."""
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=TASK_NAME,
        defaults={"task": "core.worker_heartbeat", "interval": every_minute, "enabled": True},
    )


def unschedule_heartbeat(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule_heartbeat, unschedule_heartbeat)]
