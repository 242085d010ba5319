from django.db import migrations


def create_platform_home(apps, schema_editor):
    """Replace Wagtail's placeholder "Welcome" page with the platform home page."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")
    Locale = apps.get_model("wagtailcore.Locale")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="home")
    locale = Locale.objects.order_by("pk").first()
    home = HomePage.objects.create(
        title="School Portal",
        draft_title="School Portal",
        slug="home",
        content_type=home_type,
        path="00010002",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        intro="<p>Homework, classes and news from our centres.</p>",
    )
    Page.objects.filter(depth=1).update(numchild=1)
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "root_page": home, "site_name": "School Portal"},
    )


def remove_platform_home(apps, schema_editor):
    apps.get_model("home.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_platform_home, remove_platform_home)]
