from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("identity_images_django", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="ImageDecision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("identity_id", models.CharField(max_length=255, unique=True)),
                ("requested_at", models.DateTimeField()),
                ("generation_id", models.CharField(max_length=255)),
                ("image_path", models.CharField(max_length=1024)),
                ("decided_at", models.DateTimeField(auto_now=True)),
            ],
        ),
    ]
