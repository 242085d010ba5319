from django.db import migrations

WORKFLOW_NAME = "Centre review"
SCHEDULE_NAME = "Publish scheduled homework and announcements"


def create_workflow_and_schedule(apps, schema_editor):
    """Homework and announcements go through the centre admins' review; beat publishes what
    is scheduled, every minute."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    CentreReviewTask = apps.get_model("publishing", "CentreReviewTask")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")

    task_type, _ = ContentType.objects.get_or_create(app_label="publishing", model="centrereviewtask")
    task = CentreReviewTask.objects.filter(name="Centre admin approval").first()
    if task is None:
        task = CentreReviewTask.objects.create(
            name="Centre admin approval", content_type=task_type, active=True
        )
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    for app_label, model in (("homework", "homework"), ("announcements", "announcement")):
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        WorkflowContentType.objects.update_or_create(
            content_type=content_type, defaults={"workflow": workflow}
        )

    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"task": "publishing.publish_scheduled", "interval": every_minute},
    )


def remove_workflow_and_schedule(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW_NAME).delete()
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0001_initial"),
        ("homework", "0001_initial"),
        ("announcements", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_workflow_and_schedule, remove_workflow_and_schedule)
    ]
